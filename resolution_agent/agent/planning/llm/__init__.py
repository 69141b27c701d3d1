"""The LLM planner: OpenAI, Anthropic or an OpenAI-compatible server behind the Planner API.

    planner = build_planner(settings)  # or LLMPlanner(build_model(spec, settings), ...)
    agent = ResolutionAgent(settings, planner=planner)

Accounting is read back with :meth:`LLMPlanner.usage` / :meth:`LLMPlanner.turn_usage`.
"""

from resolution_agent.agent.planning.llm._config import LLMPlannerConfig
from resolution_agent.agent.planning.llm._escalations import HANDOFF_RULE, llm_rule_route
from resolution_agent.agent.planning.llm._factory import (
    build_planner,
    check_planner_key,
    planner_key_missing,
)
from resolution_agent.agent.planning.llm._planner import LLMPlanner
from resolution_agent.agent.planning.llm._prompt import (
    PromptContext,
    policy_summary,
    prompt_context,
)
from resolution_agent.agent.planning.llm._tools import (
    ESCALATE_TOOL,
    ESCALATE_TOOL_NAME,
    offered_specs,
    tool_definitions,
)
from resolution_agent.agent.planning.llm._usage import ConversationUsage, PriceTable, Usage
from resolution_agent.agent.planning.llm.streaming import AgentEvent, agent_events, events_of

__all__ = [
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
