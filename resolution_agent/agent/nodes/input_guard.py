"""input_guard: flag manipulation attempts; text stays data and never changes policy.

Every message gets a recorded decision: ``IN-INJECTION`` (with the kinds of manipulation
seen), ``IN-HIDDEN-CHARACTERS`` (invisible characters only) or ``IN-OK``. An injection attempt
counts towards the hand-off after repeated attempts (``decide``: ``ESC-INJECTION``).

With a learned detector (``deps.detector``) the message is also scored alone and, against
payloads split over turns, joined with the customer's previous few messages since the last
attempt; its verdict is the family ``learned`` beside the rules' families.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.detector._data import candidates
from resolution_agent.agent.guards.input import injection_families, scan_input
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, Reasoned


async def input_guard(state: ConversationState, deps: Deps) -> dict[str, Any]:
    learned = deps.detector is not None and await deps.detector.any_flagged(_candidates(state))
    flags = scan_input(state.incoming, learned=learned)
    update: dict[str, Any] = {"this_turn": state.this_turn.but(input_flags=flags)}
    if "prompt_injection" in flags:
        attempts = state.injection_attempts + 1
        await deps.record(
            state.conversation_id,
            state.turn,
            "input",
            "IN-INJECTION",
            source="customer",
            flags=list(flags),
            families=list(injection_families(state.incoming, learned=learned)),
            attempts=attempts,
        )
        update["injection_attempts"] = attempts
        update["fired_rules"] = [
            Reasoned(
                rule_id="IN-INJECTION",
                reason="message tries to change the agent's instructions",
                turn=state.turn,
            ),
        ]
        return update
    rule = "IN-HIDDEN-CHARACTERS" if "hidden_characters" in flags else "IN-OK"
    await deps.record(
        state.conversation_id, state.turn, "input", rule, source="customer", flags=list(flags)
    )
    return update


def _candidates(state: ConversationState) -> list[str]:
    """The message, and the customer's messages since the last attempt joined (the last few).

    Messages from before the last flagged turn are left out: an attack already counted must
    not make every later message count again.
    """
    since = max((r.turn for r in state.fired_rules if r.rule_id == "IN-INJECTION"), default=-1)
    recent = [m.text for m in state.transcript if m.role == "customer" and m.turn > since]
    if not recent or recent[-1] != state.incoming:
        recent.append(state.incoming)
    return candidates(recent)
