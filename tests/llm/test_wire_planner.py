"""The LLM planner on the real SDK clients: fallbacks, corrections and refusals on the wire."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import respx

from resolution_agent.agent.models import Model, ModelRetryPolicy
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.state import ProposeEscalate, ProposeTool, ToolCall
from tests.llm.states import customer_state
from tests.llm.wire import ANTHROPIC_URL, OPENAI_URL, body, recorded

OPENAI = "openai:gpt-4.1-mini"
ANTHROPIC = "anthropic:claude-sonnet-4-6"
NO_WAIT = ModelRetryPolicy(attempts=3, backoff_base_s=0, backoff_max_s=0)
LLM_ONLY = LLMPlannerConfig(fast_path=False)
LIST_CARDS = ToolCall(tool="list_cards", args={"customer_id": "cus_1001"})


async def test_openai_failing_with_500_falls_back_to_anthropic_after_three_attempts(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    failing = router.post(OPENAI_URL).respond(500, json=recorded("openai/server_error.json"))
    anthropic = router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/tool_use.json"))
    planner = LLMPlanner(
        wire_model(OPENAI), fallbacks=[wire_model(ANTHROPIC)], config=LLM_ONLY, retry=NO_WAIT
    )

    proposal = await planner.plan(customer_state("I've lost my card"), ctx)

    assert proposal == ProposeTool(call=LIST_CARDS)
    assert failing.call_count == 3
    assert anthropic.call_count == 1
    usage = planner.turn_usage("conv-1", 1)
    assert (usage.calls, usage.failed_calls, usage.fallbacks) == (1, 1, 1)
    assert (usage.input_tokens, usage.output_tokens) == (1520, 64)


async def test_every_provider_down_hands_a_known_intent_to_the_offline_planner(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    router.post(OPENAI_URL).respond(503, json=recorded("openai/server_error.json"))
    router.post(ANTHROPIC_URL).respond(529, json=recorded("anthropic/overloaded.json"))
    planner = LLMPlanner(
        wire_model(OPENAI), fallbacks=[wire_model(ANTHROPIC)], config=LLM_ONLY, retry=NO_WAIT
    )

    proposal = await planner.plan(customer_state("I've lost my card"), ctx)

    # The offline lost-card procedure starts by listing the customer's cards.
    assert proposal == ProposeTool(call=LIST_CARDS)


async def test_provider_down_for_a_problem_offline_cannot_solve_escalates(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    router.post(OPENAI_URL).mock(side_effect=httpx.ConnectError("connection refused"))
    planner = LLMPlanner(wire_model(OPENAI), config=LLM_ONLY, retry=NO_WAIT)

    proposal = await planner.plan(
        customer_state("what exchange rate do you use?", intent="exchange_rate"), ctx
    )

    assert isinstance(proposal, ProposeEscalate)
    assert proposal.escalation.rule_id == "ESC-LLM-UNAVAILABLE"
    assert proposal.escalation.reason == "model_unavailable"
    assert proposal.escalation.priority == "high"


async def test_malformed_tool_arguments_go_back_to_openai_once_and_the_fixed_call_is_used(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    route = router.post(OPENAI_URL).mock(
        side_effect=[
            httpx.Response(200, json=recorded("openai/malformed_arguments.json")),
            httpx.Response(200, json=recorded("openai/tool_call.json")),
        ]
    )
    planner = LLMPlanner(wire_model(OPENAI), config=LLM_ONLY, retry=NO_WAIT)

    proposal = await planner.plan(customer_state("I've lost my card"), ctx)

    assert proposal == ProposeTool(call=LIST_CARDS)
    second = body(route.calls[1].request)["messages"]
    assert second[-2]["role"] == "assistant"
    assert second[-2]["tool_calls"][0]["function"]["arguments"] == '{"customer_id": "cus_1001"'
    assert second[-1]["role"] == "tool"
    assert second[-1]["tool_call_id"] == "call_Wd3vX8pN1qT6bLm0Ys4Kc9Rh"
    assert second[-1]["content"].startswith("Not run: the arguments are not valid JSON")


async def test_invalid_tool_input_goes_back_to_anthropic_once_then_the_planner_falls_back(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    route = router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/invalid_input.json"))
    planner = LLMPlanner(wire_model(ANTHROPIC), config=LLM_ONLY, retry=NO_WAIT)

    proposal = await planner.plan(customer_state("I've lost my card"), ctx)

    assert route.call_count == 2
    result = body(route.calls[1].request)["messages"][-1]["content"][0]
    assert result["type"] == "tool_result"
    assert result["is_error"] is True
    assert "card_id: Field required" in result["content"]
    # Twice invalid: the offline planner carries the lost-card problem.
    assert proposal == ProposeTool(call=LIST_CARDS)


async def test_openai_refusal_for_an_unknown_problem_escalates_as_unusable(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    router.post(OPENAI_URL).respond(json=recorded("openai/refusal.json"))
    planner = LLMPlanner(wire_model(OPENAI), config=LLM_ONLY, retry=NO_WAIT)

    proposal = await planner.plan(
        customer_state("what exchange rate do you use?", intent="exchange_rate"), ctx
    )

    assert isinstance(proposal, ProposeEscalate)
    assert proposal.escalation.rule_id == "ESC-LLM-UNUSABLE"
    assert proposal.escalation.detail == "answer: refusal"


async def test_anthropic_refusal_for_a_known_problem_falls_back_to_offline(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/refusal.json"))
    planner = LLMPlanner(wire_model(ANTHROPIC), config=LLM_ONLY, retry=NO_WAIT)

    proposal = await planner.plan(customer_state("I've lost my card"), ctx)

    assert proposal == ProposeTool(call=LIST_CARDS)
    assert planner.turn_usage("conv-1", 1).fallbacks == 1


async def test_rate_limit_longer_than_we_wait_is_not_retried_but_falls_back(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    limited = router.post(OPENAI_URL).respond(
        429, headers={"retry-after": "120"}, json=recorded("openai/rate_limited.json")
    )
    router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/tool_use.json"))
    planner = LLMPlanner(
        wire_model(OPENAI), fallbacks=[wire_model(ANTHROPIC)], config=LLM_ONLY, retry=NO_WAIT
    )

    proposal = await planner.plan(customer_state("I've lost my card"), ctx)

    assert proposal == ProposeTool(call=LIST_CARDS)
    assert limited.call_count == 1
