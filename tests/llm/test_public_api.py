"""The public faces of the model layer and the LLM planner are pinned."""

from __future__ import annotations

from resolution_agent import agent
from resolution_agent.agent import models, testing
from resolution_agent.agent.planning import llm


def test_models_public_names() -> None:
    assert sorted(models.__all__) == sorted(
        [
            "PROVIDERS",
            "AnthropicModel",
            "ApiKeys",
            "AssistantMessage",
            "ChatMessage",
            "FinishReason",
            "Model",
            "ModelConnectionError",
            "ModelError",
            "ModelRateLimitedError",
            "ModelRequest",
            "ModelRequestError",
            "ModelResponse",
            "ModelResponseError",
            "ModelServerError",
            "ModelSpec",
            "ModelTransientError",
            "ModelUnavailableError",
            "OpenAIChatModel",
            "Provider",
            "RequestMeta",
            "ModelRetryPolicy",
            "RetryingModel",
            "StreamAccumulator",
            "StreamDone",
            "StreamEvent",
            "TextDelta",
            "TokenUsage",
            "ToolCallDelta",
            "ToolCallPart",
            "ToolCallStarted",
            "ToolDefinition",
            "ToolResultMessage",
            "UserMessage",
            "build_model",
            "collect",
            "missing_key",
            "parse_model_spec",
            "retry_after_seconds",
            "to_anthropic_tool",
            "to_openai_tool",
        ]
    )


def test_llm_planner_public_names() -> None:
    assert sorted(llm.__all__) == sorted(
        [
            "ESCALATE_TOOL",
            "ESCALATE_TOOL_NAME",
            "HANDOFF_RULE",
            "AgentEvent",
            "ConversationUsage",
            "LLMPlanner",
            "LLMPlannerConfig",
            "PriceTable",
            "PromptContext",
            "Usage",
            "agent_events",
            "build_planner",
            "check_planner_key",
            "events_of",
            "llm_rule_route",
            "offered_specs",
            "planner_key_missing",
            "policy_summary",
            "prompt_context",
            "tool_definitions",
        ]
    )


def test_every_public_name_exists() -> None:
    for module in (models, llm):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_test_doubles_live_in_agent_testing() -> None:

    assert sorted(testing.__all__) == [
        "BEHAVIOURS",
        "Behaviour",
        "CompromisedPlanner",
        "ENGINE_MODEL",
        "EngineModel",
        "HostileServer",
        "ScriptStep",
        "ScriptedModel",
        "ServerLimits",
        "SimulatedPlanner",
        "Tuning",
        "UnexpectedModelCall",
        "call",
        "text_response",
        "tool_response",
    ]
    for name in testing.__all__:
        assert getattr(testing, name) is not None


def test_nothing_on_the_conversation_path_imports_the_test_doubles() -> None:
    from pathlib import Path

    package = Path(agent.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "testing" not in path.relative_to(package).parts
        and "resolution_agent.agent.testing" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
