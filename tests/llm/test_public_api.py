"""The public faces of the model layer and the LLM planner are pinned."""

from __future__ import annotations

import agent.models
import agent.planning.llm


def test_models_public_names() -> None:
    assert sorted(agent.models.__all__) == sorted(
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
            "ScriptStep",
            "ScriptedModel",
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
            "UnexpectedModelCall",
            "UserMessage",
            "build_model",
            "call",
            "collect",
            "missing_key",
            "parse_model_spec",
            "retry_after_seconds",
            "text_response",
            "to_anthropic_tool",
            "to_openai_tool",
            "tool_response",
        ]
    )


def test_llm_planner_public_names() -> None:
    assert sorted(agent.planning.llm.__all__) == sorted(
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
    for module in (agent.models, agent.planning.llm):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
