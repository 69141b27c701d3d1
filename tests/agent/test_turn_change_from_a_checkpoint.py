"""A turn resumed after a crash merges changes read back from the checkpoint's pending writes.

LangGraph's serializer gives a :class:`TurnChange` back with the models inside ``changes`` as
plain dicts; merged as they were, the next node of the resumed turn read ``guard.turn`` off a
dict and the turn was handed off as an internal error (seen in the multiprocess test, a worker
killed between ``plan`` and ``action_guard``).
"""

from __future__ import annotations

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from resolution_agent.agent.state import GuardDecision, ToolCall, TurnScope, next_turn


def test_a_change_read_back_from_a_checkpoint_merges_as_models() -> None:
    decision = GuardDecision(
        verdict="step_up",
        rule_id="ID-STEP-UP",
        reason="unblock_pin needs step-up verification",
        turn=1,
        call=ToolCall(tool="unblock_pin", args={"card_id": "card_1003a"}),
    )
    serde = JsonPlusSerializer()
    stored = serde.loads_typed(serde.dumps_typed(TurnScope().change(guard=decision)))

    merged = next_turn(TurnScope(), stored)

    assert isinstance(merged.guard, GuardDecision)
    assert merged.guard == decision
