"""The guards as pure functions: what may run and what may be said, by rule id."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from resolution_agent.agent.guards import check_action, check_output
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import (
    ActionRecord,
    Citation,
    ConversationState,
    IntentPrediction,
    Passage,
    PendingAction,
    ProposeReply,
    ToolCall,
    TurnScope,
    Understanding,
)
from resolution_agent.tools.models import ToolResult


@pytest.fixture(scope="module")
def policies() -> Policies:
    return load_policies(PROJECT_ROOT / "policies")


def state(**changes: Any) -> ConversationState:
    values: dict[str, Any] = {
        "conversation_id": "conv-guard",
        "customer_id": "cus_1001",
        "turn": 1,
        "owned": {"cards": ["card_1001a"]},
        "identity": "app_authenticated",
        "active_intent": "lost_or_stolen_card",
    }
    turn_fields = {k: changes.pop(k) for k in list(changes) if k in TurnScope.model_fields}
    values.update(changes, this_turn=TurnScope(**turn_fields))
    return ConversationState(**values)


CANCEL = ToolCall(
    tool="cancel_card", args={"card_id": "card_1001a", "reason": "lost", "replace": True}
)


def said(answer: Literal["yes", "no"] | None) -> Understanding:
    return Understanding(
        prediction=IntentPrediction(intent="lost_or_stolen_card", confidence=0.9),
        confirmation=answer,
        continuation=answer is not None,
    )


# ---- action guard ---------------------------------------------------------------------------
def test_an_id_of_another_customer_is_blocked_as_not_owned(policies: Policies) -> None:
    call = ToolCall(tool="freeze_card", args={"card_id": "card_1002a"})

    decision = check_action(state(), call, policies)

    assert decision.verdict == "block"
    assert decision.rule_id == "OWN-RECORD"
    assert decision.call == call


def test_another_customers_id_is_blocked_as_not_the_conversations_customer(
    policies: Policies,
) -> None:
    call = ToolCall(tool="list_cards", args={"customer_id": "cus_1002"})

    decision = check_action(state(), call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "OWN-CUSTOMER")


def test_freezing_an_owned_card_is_allowed_at_once(policies: Policies) -> None:
    decision = check_action(
        state(), ToolCall(tool="freeze_card", args={"card_id": "card_1001a"}), policies
    )

    assert (decision.verdict, decision.rule_id) == ("allow", "ALLOW")


def test_cancelling_an_owned_card_without_a_yes_needs_confirmation(policies: Policies) -> None:
    decision = check_action(state(), CANCEL, policies)

    assert (decision.verdict, decision.rule_id) == ("confirm", "CONFIRM-REQUIRED")


def test_a_yes_in_a_later_turn_to_exactly_this_question_allows_the_cancel(
    policies: Policies,
) -> None:
    asked = PendingAction(call=CANCEL, kind="confirmation", asked_turn=1)

    decision = check_action(
        state(turn=2, pending=asked, understanding=said("yes")), CANCEL, policies
    )

    assert decision.verdict == "allow"


def test_a_yes_in_the_same_turn_as_the_question_does_not_confirm(policies: Policies) -> None:
    asked = PendingAction(call=CANCEL, kind="confirmation", asked_turn=1)

    decision = check_action(
        state(turn=1, pending=asked, understanding=said("yes")), CANCEL, policies
    )

    assert decision.verdict == "confirm"


def test_a_yes_to_a_different_question_does_not_confirm(policies: Policies) -> None:
    other = ToolCall(
        tool="cancel_card", args={"card_id": "card_1001a", "reason": "stolen", "replace": True}
    )
    asked = PendingAction(call=other, kind="confirmation", asked_turn=1)

    decision = check_action(
        state(turn=2, pending=asked, understanding=said("yes")), CANCEL, policies
    )

    assert decision.verdict == "confirm"


def test_a_no_does_not_confirm(policies: Policies) -> None:
    asked = PendingAction(call=CANCEL, kind="confirmation", asked_turn=1)

    decision = check_action(
        state(turn=2, pending=asked, understanding=said("no")), CANCEL, policies
    )

    assert decision.verdict == "confirm"


def test_unblocking_a_pin_with_app_authentication_needs_step_up(policies: Policies) -> None:
    call = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})

    decision = check_action(state(active_intent="pin_blocked"), call, policies)

    assert (decision.verdict, decision.rule_id) == ("step_up", "ID-STEP-UP")


def test_unblocking_a_pin_with_no_identity_is_blocked(policies: Policies) -> None:
    call = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})

    decision = check_action(state(active_intent="pin_blocked", identity="none"), call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "ID-INSUFFICIENT")


def test_unblocking_a_pin_with_step_up_is_allowed(policies: Policies) -> None:
    call = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})

    decision = check_action(state(active_intent="pin_blocked", identity="step_up"), call, policies)

    assert decision.verdict == "allow"


def test_a_tool_outside_its_intents_is_blocked(policies: Policies) -> None:
    call = ToolCall(tool="unblock_pin", args={"card_id": "card_1001a"})

    decision = check_action(state(identity="step_up"), call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", "INTENT-TOOL")


@pytest.mark.parametrize(
    ("call", "rule"),
    [
        (ToolCall(tool="transfer_all_money", args={}), "TOOL-UNKNOWN"),
        (
            ToolCall(tool="cancel_card", args={"card_id": "card_1001a", "reason": "bored"}),
            "TOOL-ARGS-INVALID",
        ),
    ],
)
def test_unknown_tools_and_invalid_arguments_are_blocked(
    policies: Policies, call: ToolCall, rule: str
) -> None:
    decision = check_action(state(), call, policies)

    assert (decision.verdict, decision.rule_id) == ("block", rule)


# ---- output guard ---------------------------------------------------------------------------
PASSAGE = Passage(
    article_id="lost-or-stolen-card",
    title="What to do if your card is lost or stolen",
    section="Freeze",
    snippet="Freeze your card in the app.",
    score=0.9,
    url="https://help.kestrelbank.co.uk/lost-or-stolen-card",
)


def reply(text: str, citations: list[Citation] | None = None) -> ProposeReply:
    return ProposeReply(text=text, status="resolved", citations=citations or [])


def test_a_reply_with_a_full_card_number_is_rejected(policies: Policies) -> None:
    verdict = check_output(state(), reply("Your card number is 4539 1488 0343 6467."), policies)

    assert not verdict.ok
    assert verdict.rule_id == "OUT-CARD-NUMBER"


def test_a_reply_naming_only_the_last_four_digits_passes(policies: Policies) -> None:
    verdict = check_output(state(), reply("Your card ending 4821 is frozen."), policies)

    assert verdict.ok
    assert verdict.rule_id == "OUT-OK"


def test_a_refund_promise_with_nothing_behind_it_is_rejected(policies: Policies) -> None:
    verdict = check_output(state(), reply("Don't worry, we will refund you."), policies)

    assert not verdict.ok
    assert verdict.rule_id == "OUT-UNBACKED-PROMISE"


def test_a_refund_promise_quoted_from_a_retrieved_passage_is_the_help_centres(
    policies: Policies,
) -> None:
    # The Direct Debit Guarantee's own words; the same words not quoted from it are ours.
    guarantee = PASSAGE.model_copy(
        update={
            "article_id": "direct-debit-guarantee",
            "snippet": "Tell us what went wrong. We'll refund the full amount straight away.",
        }
    )
    quoted = reply("To claim, tap Report a problem. We'll refund the full amount straight away.")
    invented = reply("We'll refund the full amount straight away, don't worry.")

    assert check_output(state(retrieved=[guarantee]), quoted, policies).ok
    verdict = check_output(state(retrieved=[guarantee]), invented, policies)
    assert verdict.rule_id == "OUT-UNBACKED-PROMISE"
    assert not check_output(state(), quoted, policies).ok


def test_a_refund_promise_backed_by_a_raised_dispute_passes(policies: Policies) -> None:
    dispute = ActionRecord(
        call=ToolCall(
            tool="raise_dispute", args={"transaction_id": "txn_1001_006", "reason": "duplicate"}
        ),
        turn=1,
        result=ToolResult(tool="raise_dispute", ok=True, data={"id": "dsp_0001"}),
    )

    verdict = check_output(state(actions=[dispute]), reply("We will refund you."), policies)

    assert verdict.ok


def test_a_citation_not_retrieved_this_turn_is_dropped(policies: Policies) -> None:
    retrieved = Citation(article_id=PASSAGE.article_id, title=PASSAGE.title, url=PASSAGE.url)
    invented = Citation(
        article_id="free-money", title="Free money", url="https://help.kestrelbank.co.uk/free"
    )

    verdict = check_output(
        state(retrieved=[PASSAGE]), reply("Freeze it in the app.", [retrieved, invented]), policies
    )

    assert verdict.ok
    assert verdict.rule_id == "OUT-CITATION-DROPPED"
    assert verdict.citations == [retrieved]


def test_a_link_outside_the_help_centre_is_rejected(policies: Policies) -> None:
    verdict = check_output(
        state(), reply("Log in at https://kestrel-secure.example/login"), policies
    )

    assert not verdict.ok
    assert verdict.rule_id == "OUT-LINK"
