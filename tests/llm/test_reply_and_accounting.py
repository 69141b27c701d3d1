"""Reply status from the model's text, and the accounting lines the planner logs per call."""

from __future__ import annotations

from collections.abc import Callable

from structlog.testing import capture_logs

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.planning.llm._reply import build_reply
from resolution_agent.agent.testing import ScriptedModel, call, text_response, tool_response
from tests.llm.states import customer_state

Scripted = Callable[..., ScriptedModel]


def test_a_question_followed_by_a_hint_still_waits_for_the_customer() -> None:
    reply = build_reply(
        "Which card do you mean? I can see cards ending 3344 and 9087. "
        "Just tell me the last four digits.",
        customer_state("q"),
    )

    assert (reply.status, reply.slot) == ("awaiting_customer", "question")


def test_a_question_early_in_a_long_answer_does_not_make_it_a_question() -> None:
    reply = build_reply(
        "Wondering about weekend rates? We add 0.5% at weekends. It applies to card payments. "
        "Cash withdrawals are the same. Nothing else changes.",
        customer_state("q"),
    )

    assert (reply.status, reply.slot) == ("resolved", None)


async def test_every_model_call_logs_its_usage_with_turn_and_conversation_totals(
    scripted: Scripted, settings: Settings
) -> None:
    model = scripted(
        [
            tool_response(
                call("list_cards", customer_id="cus_1001"), input_tokens=1000, output_tokens=20
            ),
            text_response("You have two cards.", input_tokens=1200, output_tokens=30),
            text_response("Glad to help.", input_tokens=1300, output_tokens=10),
        ]
    )
    config = LLMPlannerConfig(fast_path=False, prices={"model": (2.0, 8.0)})
    verbose = settings.model_copy(update={"log_level": "info"})  # model_call is an info line
    async with ResolutionAgent(verbose, planner=LLMPlanner(model, config=config)) as agent:
        with capture_logs() as logs:
            first = await agent.handle_message("c-1", "cus_1001", "I've lost my card")
            second = await agent.handle_message("c-1", "cus_1001", "thanks")

    calls = [e for e in logs if e["event"] == "model_call"]
    assert [(e["turn"], e["turn_calls"], e["conversation_calls"]) for e in calls] == [
        (1, 1, 1),
        (1, 2, 2),
        (2, 1, 3),
    ]
    assert [e["turn_tokens"] for e in calls] == [1020, 2250, 1310]
    assert calls[-1]["conversation_tokens"] == 3560
    assert calls[-1]["conversation_cost_usd"] == (3500 * 2.0 + 60 * 8.0) / 1_000_000
    assert all(e["model"] == "scripted:model" and e["model_ms"] >= 0 for e in calls)
    # The reply metadata carries the same per-turn figures.
    assert first.usage is not None and second.usage is not None
    assert (first.usage.calls, first.usage.tokens) == (2, 2250)
    assert (second.usage.calls, second.usage.tokens) == (1, 1310)
