"""input_guard: flag manipulation attempts; text stays data and never changes policy."""

from __future__ import annotations

from typing import Any

from agent.guards.input import scan_input
from agent.nodes.deps import Deps
from agent.state import ConversationState, Reasoned


async def input_guard(state: ConversationState, deps: Deps) -> dict[str, Any]:
    flags = scan_input(state.incoming)
    update: dict[str, Any] = {"input_flags": flags}
    if "prompt_injection" in flags:
        await deps.record(
            state.conversation_id,
            state.turn,
            "input",
            "IN-INJECTION",
            flags=list(flags),
            attempts=state.injection_attempts + 1,
        )
        update["injection_attempts"] = state.injection_attempts + 1
        update["fired_rules"] = [
            *state.fired_rules,
            Reasoned(
                rule_id="IN-INJECTION",
                reason="message tries to change the agent's instructions",
                turn=state.turn,
            ),
        ]
    return update
