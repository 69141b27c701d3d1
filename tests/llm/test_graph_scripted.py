"""The LLM planner driving the real graph (guards, mock bank, checkpoints) with scripted models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.models import ModelRetryPolicy, ModelServerError, ToolResultMessage
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.testing import (
    ScriptedModel,
    UnexpectedModelCall,
    call,
    text_response,
    tool_response,
)
from tests.llm.states import NothingFound

LLM_ONLY = LLMPlannerConfig(fast_path=False)
NO_WAIT = ModelRetryPolicy(attempts=2, backoff_base_s=0, backoff_max_s=0)
LOST = "I've lost my card, I think I left it on the bus"
Scripted = Callable[..., ScriptedModel]


async def test_answer_cites_only_passages_that_were_retrieved(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            text_response(
                "At weekends we add 0.5% to our usual rate [weekend-exchange-rates]. "
                "See also [made-up-article]."
            )
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    assert reply.status == "resolved"
    assert reply.text == "At weekends we add 0.5% to our usual rate. See also."
    assert [c.article_id for c in reply.citations] == ["weekend-exchange-rates"]
    offered = [t.name for t in model.requests[0].tools]
    assert "cancel_card" not in offered  # only for card problems, per policies/tools.yaml
    assert offered[-1] == "escalate_to_human"


async def test_model_proposed_tools_run_through_the_guard_against_the_bank(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("freeze_card", card_id="card_1001a")),
            text_response("I've frozen your card ending 4821. Would you like a replacement?"),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)
        bank = agent.mock_bank
        assert bank is not None
        assert bank.state.cards["card_1001a"].status == "frozen"

    assert [(a.tool, a.outcome) for a in reply.actions] == [
        ("list_cards", "succeeded"),
        ("freeze_card", "succeeded"),
    ]
    assert reply.status == "awaiting_customer"
    assert '"id":"card_1001a"' in model.requests[1].system  # list_cards result shown
    assert "freeze_card" in model.requests[2].system


async def test_parallel_tool_calls_are_proposed_one_per_plan_step_in_order(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(
                call("list_cards", customer_id="cus_1001"),
                call("list_accounts", customer_id="cus_1001"),
            ),
            text_response("You have two cards and two accounts."),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)

    assert [a.tool for a in reply.actions] == ["list_cards", "list_accounts"]
    assert len(model.requests) == 2


async def test_freezing_another_customers_card_is_blocked_and_never_reaches_the_bank(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted([tool_response(call("freeze_card", card_id="card_1002a"))])
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        bank = agent.mock_bank
        assert bank is not None
        before = bank.state.cards["card_1002a"]
        reply = await agent.handle_message("c-1", "cus_1001", LOST)
        events = await agent.audit_events("c-1")

        assert bank.calls["freeze_card"] == 0
        assert bank.state.cards["card_1002a"] == before

    assert reply.actions == []
    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert "ESC-GUARD-BLOCK" in [r.rule_id for r in reply.handoff.reasons]
    assert [(e.kind, e.rule_id) for e in events if e.kind == "guard"] == [("guard", "OWN-RECORD")]


async def test_cancel_card_waits_for_the_customers_yes_then_runs(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("cancel_card", card_id="card_1001a", reason="lost", replace=True)),
            text_response("Done: the card ending 4821 is cancelled and a new one is on its way."),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        bank = agent.mock_bank
        assert bank is not None
        asked = await agent.handle_message(
            "c-1", "cus_1001", "my card was stolen, please cancel it"
        )
        assert bank.calls["cancel_card"] == 0
        assert bank.state.cards["card_1001a"].status == "active"
        assert len(model.requests) == 2

        done = await agent.handle_message("c-1", "cus_1001", "yes")
        assert bank.state.cards["card_1001a"].status == "cancelled"

    assert asked.status == "awaiting_customer"
    assert "cancel the card ending 4821" in asked.text  # prompts/tools/cancel_card.j2, part confirm
    assert [a.tool for a in done.actions] == ["cancel_card"]
    assert done.status == "resolved"


async def test_confident_procedure_takes_the_fast_path_without_the_model(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted([])
    async with open_agent(LLMPlanner(model)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)

    assert [a.tool for a in reply.actions] == ["list_cards", "freeze_card"]
    assert model.requests == []


async def test_escalate_to_human_hands_off_with_the_models_reason(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [tool_response(call("escalate_to_human", reason="Customer disputes a weekend rate."))]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")
        escalation = (await agent.get_conversation("c-1")).state.this_turn.escalation

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-LLM-HANDOFF"]
    assert reply.handoff.queue == "general"  # exchange_rate's topic queue
    assert escalation is not None
    assert escalation.detail == "Customer disputes a weekend rate."


async def test_invalid_arguments_are_returned_once_and_the_corrected_call_runs(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer="cus_1001")),
            tool_response(call("list_cards", customer_id="cus_1001")),
            text_response("You have two active cards."),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)

    assert [a.tool for a in reply.actions] == ["list_cards"]
    correction = model.requests[1].messages[-1]
    assert isinstance(correction, ToolResultMessage)
    assert correction.is_error
    assert "customer_id: Field required" in correction.content


async def test_invalid_arguments_twice_hand_a_known_problem_to_the_offline_planner(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("freeze_card", card="card_1001a")),
            tool_response(call("freeze_card", "{'card_id': 'card_1001a'}")),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)

    # The offline lost-card procedure finished the turn: no more model calls.
    assert [a.tool for a in reply.actions] == ["list_cards", "freeze_card"]
    assert reply.text.startswith("I've frozen your card ending 4821")


async def test_unknown_tool_twice_for_a_problem_offline_cannot_solve_escalates(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("transfer_money", amount=100)),
            tool_response(call("transfer_money", amount=100)),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY), NothingFound()) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.reasons[0].rule_id == "ESC-LLM-UNUSABLE"


async def test_primary_model_down_the_fallback_model_answers(
    scripted: Scripted, open_agent: Any
) -> None:
    down = scripted(
        [ModelServerError("boom", status=503), ModelServerError("boom", status=503)],
        name="scripted:primary",
    )
    backup = scripted([text_response("We use the Visa rate.")], name="scripted:backup")
    planner = LLMPlanner(down, fallbacks=[backup], config=LLM_ONLY, retry=NO_WAIT)
    async with open_agent(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    assert reply.text == "We use the Visa rate."
    usage = planner.usage("c-1").total
    assert (usage.calls, usage.failed_calls, usage.fallbacks) == (1, 1, 1)


async def test_a_failed_model_is_skipped_while_it_cools_down(
    scripted: Scripted, open_agent: Any
) -> None:
    down = scripted([ModelServerError("boom", status=500)], name="scripted:primary")
    backup = scripted(
        [text_response("First answer."), text_response("Second answer.")], name="scripted:backup"
    )
    planner = LLMPlanner(down, fallbacks=[backup], config=LLM_ONLY, retry=None)
    async with open_agent(planner) as agent:
        await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")
        reply = await agent.handle_message("c-2", "cus_1001", "what exchange rate do you use?")

    assert reply.text == "Second answer."
    assert len(down.requests) == 1


async def test_call_budget_per_turn_escalates(scripted: Scripted, open_agent: Any) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("list_accounts", customer_id="cus_1001")),
        ]
    )
    config = LLMPlannerConfig(fast_path=False, max_calls_per_turn=2)
    async with open_agent(LLMPlanner(model, config=config)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.reasons[0].rule_id == "ESC-LLM-BUDGET-CALLS"
    assert reply.handoff.reasons[0].reason == "model_call_budget_exceeded"


async def test_token_budget_per_conversation_escalates_on_a_later_turn(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted([text_response("We use the Visa rate.", input_tokens=900, output_tokens=150)])
    config = LLMPlannerConfig(fast_path=False, max_tokens_per_conversation=1000)
    async with open_agent(LLMPlanner(model, config=config)) as agent:
        first = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")
        second = await agent.handle_message("c-1", "cus_1001", "what about at weekends?")

    assert first.status == "resolved"
    assert second.status == "handed_off"
    assert second.handoff is not None
    assert "ESC-LLM-BUDGET-TOKENS" in [r.rule_id for r in second.handoff.reasons]


async def test_usage_is_accounted_per_turn_and_per_conversation_with_prices(
    scripted: Scripted, open_agent: Any
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
    planner = LLMPlanner(model, config=config)
    async with open_agent(planner) as agent:
        await agent.handle_message("c-1", "cus_1001", LOST)
        await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    usage = planner.usage("c-1")
    assert usage.turns[1].calls == 2
    assert (usage.turns[1].input_tokens, usage.turns[1].output_tokens) == (2200, 50)
    assert usage.turns[2].calls == 1
    assert usage.total.tokens == 3560
    assert usage.total.cost_usd == (3500 * 2.0 + 60 * 8.0) / 1_000_000
    assert usage.total.unpriced_calls == 0
    assert usage.total.model_ms >= 0


async def test_a_call_beyond_the_script_is_reported(settings: Settings) -> None:
    model = ScriptedModel([])
    # JSON logs: the console renderer's pretty traceback of the internal error takes seconds.
    quiet = settings.model_copy(update={"log_format": "json"})
    async with ResolutionAgent(quiet, planner=LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    assert reply.status == "handed_off"  # the API hands off safely on any internal error
    try:
        model.assert_done()
    except UnexpectedModelCall as exc:
        assert "1 unexpected call" in str(exc)
    else:
        raise AssertionError("assert_done must report the unexpected call")


async def test_the_answer_to_the_models_question_continues_the_same_problem(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            text_response("Which card is it: the one ending 4821 or 7730?"),
            tool_response(call("cancel_card", card_id="card_1001a", reason="stolen", replace=True)),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        asked = await agent.handle_message(
            "c-1", "cus_1001", "my card was stolen, please cancel it"
        )
        held = await agent.handle_message("c-1", "cus_1001", "the one ending 4821")

    assert asked.status == "awaiting_customer"
    assert held.intent == "lost_or_stolen_card"
    assert "cancel the card ending 4821" in held.text  # the guard asks for the yes


async def test_an_empty_answer_hands_a_known_problem_to_the_offline_planner(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted([text_response("")])
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)

    assert [a.tool for a in reply.actions] == ["list_cards", "freeze_card"]
    assert len(model.requests) == 1


async def test_a_model_that_supplies_the_one_time_code_itself_never_unblocks_the_pin(
    scripted: Scripted, open_agent: Any
) -> None:
    # The hostile-model finding: check_verification with a code the model wrote (here the real
    # one, as if it had read it), then unblock_pin. (A code the model sends itself, unasked, is
    # STEP-UP-UNASKED: tests/llm/test_step_up_unasked.py.)
    model = scripted(
        [tool_response(call("check_verification", customer_id="cus_1003", code="731640"))]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        bank = agent.mock_bank
        assert bank is not None
        reply = await agent.handle_message("c-1", "cus_1003", "my PIN is blocked")
        events = await agent.audit_events("c-1")

        assert bank.calls["check_verification"] == 0
        assert bank.calls["unblock_pin"] == 0
        assert bank.state.cards["card_1003a"].pin_blocked is True

    assert reply.actions == []
    assert ("guard", "ARG-NOT-TYPED") in [(e.kind, e.rule_id) for e in events]
    assert reply.status == "handed_off"
