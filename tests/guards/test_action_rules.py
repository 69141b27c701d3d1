"""The action guard, one test per rule id: what a planner may make the bank do.

Every decision carries its rule id; the first failing check decides, in the order of
``agent/guards/action.py``.
"""

from __future__ import annotations

import pytest

from resolution_agent.agent.guards import check_action
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import PendingAction, ToolCall
from tests.guards.conftest import answered, asked, make_state, ran

CANCEL = ToolCall(
    tool="cancel_card", args={"card_id": "card_1001a", "reason": "lost", "replace": True}
)


def test_allow_a_protective_freeze_of_an_owned_card_runs_at_once(policies: Policies) -> None:
    call = ToolCall(tool="freeze_card", args={"card_id": "card_1001a"})

    decision = check_action(make_state(), call, policies)

    assert (decision.verdict, decision.rule_id) == ("allow", "ALLOW")
    assert decision.call == call


def test_tool_unknown_blocks_a_tool_nobody_declared(policies: Policies) -> None:
    call = ToolCall(tool="transfer_money", args={"amount": 100000})

    assert check_action(make_state(), call, policies).rule_id == "TOOL-UNKNOWN"


def test_tool_args_invalid_blocks_extra_or_malformed_arguments(policies: Policies) -> None:
    extra = ToolCall(tool="freeze_card", args={"card_id": "card_1001a", "force": True})
    malformed = ToolCall(tool="freeze_card", args={"card_id": "card_1001a; DROP TABLE"})

    for call in (extra, malformed):
        decision = check_action(make_state(), call, policies)
        assert (decision.verdict, decision.rule_id) == ("block", "TOOL-ARGS-INVALID")


def test_own_customer_blocks_another_customers_id(policies: Policies) -> None:
    call = ToolCall(tool="list_cards", args={"customer_id": "cus_1002"})

    decision = check_action(make_state(), call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "OWN-CUSTOMER")


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("freeze_card", {"card_id": "card_1002a"}),
        ("cancel_payment", {"payment_id": "pay_1006_01"}),
        ("cancel_direct_debit", {"direct_debit_id": "dd_1002_01"}),
        ("raise_dispute", {"transaction_id": "txn_1002_005", "reason": "unrecognised"}),
        ("list_transactions", {"account_id": "acc_1002a"}),
    ],
)
def test_own_record_blocks_ids_the_bank_never_returned_for_this_customer(
    policies: Policies, tool: str, args: dict[str, object]
) -> None:
    state = make_state(active_intent="card_payment_not_recognised")

    decision = check_action(state, ToolCall(tool=tool, args=args), policies)

    assert (decision.verdict, decision.rule_id) == ("block", "OWN-RECORD")


def test_own_record_is_checked_before_confirmation_even_after_a_yes(policies: Policies) -> None:
    foreign = ToolCall(
        tool="cancel_card", args={"card_id": "card_1002a", "reason": "lost", "replace": True}
    )
    state = make_state(pending=asked(foreign), understanding=answered("yes"))

    assert check_action(state, foreign, policies).rule_id == "OWN-RECORD"


def test_intent_tool_blocks_a_tool_the_problem_does_not_need(policies: Policies) -> None:
    state = make_state(active_intent="exchange_rate")

    decision = check_action(state, CANCEL, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "INTENT-TOOL")


def test_intent_tool_keeps_a_freeze_for_card_security_problems(policies: Policies) -> None:
    call = ToolCall(tool="freeze_card", args={"card_id": "card_1001a"})

    decision = check_action(make_state(active_intent="pending_card_payment"), call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "INTENT-TOOL")


def test_id_step_up_asks_for_verification_before_a_pin_unblock(policies: Policies) -> None:
    state = make_state(active_intent="pin_blocked")
    call = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})

    decision = check_action(state, call, policies)

    assert (decision.verdict, decision.rule_id) == ("step_up", "ID-STEP-UP")


def test_id_insufficient_blocks_when_the_channel_vouches_for_nobody(policies: Policies) -> None:
    state = make_state(identity="none")
    call = ToolCall(tool="freeze_card", args={"card_id": "card_1001a"})

    decision = check_action(state, call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "ID-INSUFFICIENT")


def test_a_verified_session_may_unblock_the_pin(policies: Policies) -> None:
    state = make_state(active_intent="pin_blocked", identity="step_up")
    call = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})

    assert check_action(state, call, policies).verdict == "allow"


SEND_CODE = ToolCall(tool="start_verification", args={"customer_id": "cus_1001"})
UNBLOCK = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})


def test_a_code_is_sent_for_the_step_up_a_waiting_pin_unblock_needs(policies: Policies) -> None:
    waiting = PendingAction(call=UNBLOCK, kind="step_up", asked_turn=2)
    state = make_state(active_intent="pin_blocked", pending=waiting)

    assert check_action(state, SEND_CODE, policies).verdict == "allow"


@pytest.mark.parametrize(
    ("intent", "identity", "pending"),
    [
        ("lost_or_stolen_card", "app_authenticated", None),  # nothing needs a step-up
        ("pin_blocked", "app_authenticated", None),  # the unblock was never proposed
        ("pin_blocked", "step_up", PendingAction(call=UNBLOCK, kind="step_up", asked_turn=1)),
        ("lost_or_stolen_card", "app_authenticated", asked(CANCEL)),  # a yes, not a code
    ],
)
def test_step_up_unasked_blocks_a_one_time_code_nobody_needs(
    policies: Policies, intent: str, identity: str, pending: PendingAction | None
) -> None:
    state = make_state(active_intent=intent, identity=identity, pending=pending)

    decision = check_action(state, SEND_CODE, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "STEP-UP-UNASKED")


def test_limit_amount_escalates_a_dispute_over_the_limit(policies: Policies) -> None:
    listing = ran(
        "list_transactions",
        {"account_id": "acc_1001a"},
        {"transactions": [{"id": "txn_big", "amount": -300000}]},
    )
    state = make_state(
        active_intent="card_payment_not_recognised",
        owned={"transactions": ["txn_big"]},
        actions=[listing],
    )
    call = ToolCall(
        tool="raise_dispute", args={"transaction_id": "txn_big", "reason": "unrecognised"}
    )

    decision = check_action(state, call, policies)

    assert (decision.verdict, decision.rule_id) == ("escalate", "LIMIT-AMOUNT")


def test_confirm_required_for_a_cancel_without_a_yes(policies: Policies) -> None:
    decision = check_action(make_state(), CANCEL, policies)

    assert (decision.verdict, decision.rule_id) == ("confirm", "CONFIRM-REQUIRED")


def test_a_later_plain_yes_to_exactly_this_question_allows_the_cancel(policies: Policies) -> None:
    state = make_state(pending=asked(CANCEL, turn=1), understanding=answered("yes"))

    assert check_action(state, CANCEL, policies).rule_id == "ALLOW"


@pytest.mark.parametrize(
    ("pending_turn", "answer", "other"),
    [
        (2, "yes", False),  # the yes came in the same turn as the question
        (1, "no", False),
        (1, None, False),  # not an answer (a smuggled "yes" reads as None)
        (1, "yes", True),  # a yes to a question about another call
    ],
)
def test_confirm_required_unless_the_yes_answers_the_agents_earlier_question(
    policies: Policies, pending_turn: int, answer: str | None, other: bool
) -> None:
    question = ToolCall(tool="unfreeze_card", args={"card_id": "card_1001a"}) if other else CANCEL
    state = make_state(pending=asked(question, turn=pending_turn), understanding=answered(answer))

    assert check_action(state, CANCEL, policies).rule_id == "CONFIRM-REQUIRED"


def test_every_decision_names_its_turn_and_call(policies: Policies) -> None:
    decisions = [
        check_action(make_state(), call, policies)
        for call in (CANCEL, ToolCall(tool="nope", args={}))
    ]

    assert all(d.turn == 2 and d.call is not None and d.rule_id for d in decisions)
