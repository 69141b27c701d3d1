"""input_guard: flag manipulation attempts; text stays data and never changes policy.

Every message gets a recorded decision: ``IN-INJECTION`` (with the kinds of manipulation
seen), ``IN-HIDDEN-CHARACTERS`` (invisible characters only) or ``IN-OK``. An injection attempt
counts towards the hand-off after repeated attempts (``decide``: ``ESC-INJECTION``).
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.input import injection_families, scan_input
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, Reasoned


async def input_guard(state: ConversationState, deps: Deps) -> dict[str, Any]:
    flags = scan_input(state.incoming)
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
            families=list(injection_families(state.incoming)),
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
