"""One finished turn as a :class:`TurnSignal`: what the agent decided, nothing the customer
said unless a detector needs its meaning (and then redacted).

The text is kept only for a message the agent did not understand (the new-cluster rule reads
it) and for a scam report (the scam-repeat rule reads its phrases); links in it are kept as
their host name, and merchants and payees come from the turn's tool calls and results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from pydantic import JsonValue

from resolution_agent.agent.logs import redact_text
from resolution_agent.agent.patterns.signals import TurnSignal
from resolution_agent.agent.state import ConversationState

_LINK = re.compile(
    r"\b(?:https?://)?((?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|io|co|uk|app|xyz|online|site))"
    r"\b(?:/\S*)?",
    re.IGNORECASE,
)
_MERCHANT_KEYS = ("merchant",)
_PAYEE_KEYS = ("payee_name",)
_MAX_TEXT = 500


def turn_signal(state: ConversationState, *, clarify_threshold: float) -> TurnSignal:
    """The signal of the turn ``state`` has just finished."""
    understanding = state.this_turn.understanding
    intent = understanding.prediction.intent if understanding else "out_of_scope"
    confidence = understanding.prediction.confidence if understanding else 0.0
    understood = intent != "out_of_scope" and confidence >= clarify_threshold
    risks = tuple(dict.fromkeys(s.kind for s in understanding.signals)) if understanding else ()
    actions = state.turn_actions()
    values = [a.call.args for a in actions] + [a.result.data or {} for a in actions]
    queue = state.handoff.queue if state.status == "handed_off" and state.handoff else None
    keep_text = not understood or "scam" in risks
    text = redact_text(state.incoming[:_MAX_TEXT]) if keep_text else ""
    return TurnSignal(
        conversation_id=state.conversation_id,
        at=state.now or datetime.now(UTC),
        intent=intent,
        confidence=round(confidence, 4),
        understood=understood,
        merchants=_strings(values, _MERCHANT_KEYS),
        payees=_strings(values, _PAYEE_KEYS),
        links=tuple(dict.fromkeys(m.group(1).lower() for m in _LINK.finditer(state.incoming))),
        risk_signals=risks,
        outcome=state.status,
        queue=queue,
        guard_blocks=tuple(
            dict.fromkeys(
                g.rule_id for g in state.guard_log if g.turn == state.turn and g.verdict == "block"
            )
        ),
        tool_failures=tuple(
            dict.fromkeys(
                f"{a.call.tool}:{a.result.failure.kind}"
                for a in actions
                if not a.result.ok and a.result.failure is not None
            )
        ),
        text=text,
    )


def _strings(values: list[dict[str, JsonValue]], keys: tuple[str, ...]) -> tuple[str, ...]:
    """Top-level string values under ``keys`` (a list of transactions names too many)."""
    return tuple(dict.fromkeys(_found(values, keys)))


def _found(values: list[dict[str, JsonValue]], keys: tuple[str, ...]) -> Iterator[str]:
    for value in values:
        for key in keys:
            found = value.get(key)
            if isinstance(found, str) and found.strip():
                yield found.strip()
