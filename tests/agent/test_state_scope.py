"""State by scope: append-only history through reducers, one turn sub-model replaced whole.

A node returns only its new transcript lines, actions, guard decisions and fired rules; the
reducers append them, so no step can drop history. Everything one message produced lives in
``this_turn`` and is replaced whole by ``ingest``, so nothing of an earlier turn leaks into
the next one (there is no list of fields to reset that could miss one).
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.state import ConversationState, Decision, TurnScope


def test_a_misspelt_turn_field_is_an_error_not_a_silent_no_op() -> None:
    with pytest.raises(TypeError, match="retreived"):
        TurnScope().but(retreived=[])


def test_a_retired_or_misspelt_state_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="turn_action_start"):
        ConversationState.model_validate({"turn_action_start": 3})


def test_but_changes_only_the_named_fields() -> None:
    decision = Decision(route="resolve", rule_id="DEC-RESOLVE", reason="test")
    before = TurnScope(plan_steps=2, action_start=5)
    after = before.but(decision=decision)
    assert (after.decision, after.plan_steps, after.action_start) == (decision, 2, 5)
    assert before.decision is None  # frozen: the original is untouched


async def test_history_is_appended_and_the_turn_replaced_whole(
    memory_agent: ResolutionAgent,
) -> None:
    await memory_agent.handle_message("c-scope", "cus_1001", "I've lost my card")
    first = (await memory_agent.get_conversation("c-scope")).state
    await memory_agent.handle_message("c-scope", "cus_1001", "yes")
    second = (await memory_agent.get_conversation("c-scope")).state

    # append-only: turn 1's history is a prefix of turn 2's, nothing rewritten or repeated
    assert second.transcript[: len(first.transcript)] == first.transcript
    assert [m.role for m in second.transcript] == ["customer", "agent"] * 2
    assert second.actions[: len(first.actions)] == first.actions
    assert [a.call.tool for a in second.actions] == ["list_cards", "freeze_card", "cancel_card"]
    assert second.guard_log[: len(first.guard_log)] == first.guard_log
    assert second.fired_rules[: len(first.fired_rules)] == first.fired_rules
    assert len(second.guard_log) > len(first.guard_log)

    # this turn: starts after turn 1's actions and holds only turn 2's work
    assert second.this_turn.action_start == len(first.actions)
    assert [a.call.tool for a in second.turn_actions()] == ["cancel_card"]
    assert second.this_turn.understanding is not None
    assert second.this_turn.understanding.confirmation == "yes"
    assert second.this_turn.reply is not None
    assert second.this_turn.reply.text == second.transcript[-1].text
    assert second.this_turn.reply != first.this_turn.reply
