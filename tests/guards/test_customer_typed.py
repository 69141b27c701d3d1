"""ARG-NOT-TYPED: a one-time code counts only when the customer typed it, after it was sent.

A planner (a model talked round, or one that read the code somewhere) must never supply the
code itself: that would unblock a PIN for whoever is in the chat. The fact lives on the
declaration (``check_verification``'s ``typed_by_customer``); these tests hold the rule.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolution_agent.agent.guards import check_action
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ActionRecord, ConversationState, Message, ToolCall
from resolution_agent.tools.declarations import TOOLS_BY_NAME
from resolution_agent.tools.models import ToolResult
from tests.guards.conftest import make_state

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CODE = "731640"


def _check(code: str) -> ToolCall:
    return ToolCall(tool="check_verification", args={"customer_id": "cus_1001", "code": code})


def _sent(turn: int, *, ok: bool = True) -> ActionRecord:
    return ActionRecord(
        call=ToolCall(tool="start_verification", args={"customer_id": "cus_1001"}),
        turn=turn,
        result=ToolResult(tool="start_verification", ok=ok, data={}),
    )


def _said(*messages: tuple[int, str]) -> list[Message]:
    return [Message(role="customer", text=text, turn=turn, at=AT) for turn, text in messages]


def _state(actions: list[ActionRecord], transcript: list[Message]) -> ConversationState:
    return make_state(turn=3, active_intent="pin_blocked", actions=actions, transcript=transcript)


def test_the_fact_is_on_the_declaration() -> None:
    typed = TOOLS_BY_NAME["check_verification"].typed_by_customer
    assert typed is not None
    assert (typed.argument, typed.after) == ("code", "start_verification")


@pytest.mark.parametrize("typed", [CODE, "731 640", "731-640", f"ok the code is {CODE} thanks"])
def test_a_code_the_customer_typed_after_it_was_sent_passes(policies: Policies, typed: str) -> None:
    state = _state([_sent(1)], _said((1, "my PIN is blocked"), (2, typed)))

    decision = check_action(state, _check(CODE), policies)

    assert decision.rule_id != "ARG-NOT-TYPED"


def test_a_code_the_planner_wrote_itself_is_blocked(policies: Policies) -> None:
    state = _state([_sent(1)], _said((1, "my PIN is blocked"), (2, "111111")))

    decision = check_action(state, _check(CODE), policies)

    assert (decision.verdict, decision.rule_id) == ("block", "ARG-NOT-TYPED")


def test_a_code_in_the_same_turn_as_sending_it_is_blocked(policies: Policies) -> None:
    # Typed before the SMS went out: it cannot be the code that was sent.
    state = _state([_sent(2)], _said((1, "my PIN is blocked"), (2, f"unblock it, {CODE}")))

    assert check_action(state, _check(CODE), policies).rule_id == "ARG-NOT-TYPED"


def test_without_a_code_sent_no_code_passes(policies: Policies) -> None:
    state = _state([_sent(1, ok=False)], _said((1, "my PIN is blocked"), (2, CODE)))

    assert check_action(state, _check(CODE), policies).rule_id == "ARG-NOT-TYPED"


def test_part_of_a_longer_number_or_the_agents_own_words_do_not_count(
    policies: Policies,
) -> None:
    transcript = [
        *_said((1, "my PIN is blocked"), (2, f"my account is 9{CODE}2")),
        Message(role="agent", text=f"Your code is {CODE}", turn=2, at=AT),
    ]
    state = _state([_sent(1)], transcript)

    assert check_action(state, _check(CODE), policies).rule_id == "ARG-NOT-TYPED"


def test_the_latest_sending_counts(policies: Policies) -> None:
    # A code typed after the first SMS is stale once a second one was sent.
    state = _state([_sent(1), _sent(3)], _said((1, "my PIN is blocked"), (2, CODE)))

    assert check_action(state, _check(CODE), policies).rule_id == "ARG-NOT-TYPED"
