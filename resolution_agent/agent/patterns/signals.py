"""What one customer turn tells the pattern detectors, recorded after the turn.

A :class:`TurnSignal` holds only what the agent already decided (intent, entities, risk
signals, outcome, queue, guard blocks, tool failures), never the customer's raw words: the
one text field is redacted (identifiers masked) and kept only where a detector reads meaning
(messages the agent did not understand, scam reports). Detectors read signals, never the
transcript, so patterns can run on a separate worker over a stream.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.vocabulary import ConversationStatus, Queue, RiskKind


class TurnSignal(BaseModel):
    model_config = ConfigDict(frozen=True)

    conversation_id: str
    at: datetime
    intent: str
    confidence: float
    #: False when the intent was ``out_of_scope`` or below the confidence the policy trusts.
    understood: bool
    merchants: tuple[str, ...] = ()
    payees: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    risk_signals: tuple[RiskKind, ...] = ()
    outcome: ConversationStatus
    queue: Queue | None = None
    #: Rule ids of guard decisions that blocked something this turn.
    guard_blocks: tuple[str, ...] = ()
    #: ``<tool>:<failure kind>`` for each tool call that failed this turn.
    tool_failures: tuple[str, ...] = ()
    #: The customer's region where the bank knows it (delivery delays are regional).
    region: str | None = None
    #: Redacted customer text, only where a detector reads meaning; empty otherwise.
    text: str = ""
