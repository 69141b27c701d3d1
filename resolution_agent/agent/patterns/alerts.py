"""What a detector raises for a support lead: an :class:`Alert`, open while an incident lasts.

One model for every detector, so the CLI, the API and the console's Patterns page render any
alert the same way. ``series`` is what the chart draws: observed against expected per bucket,
from a little before the alert opened until now (or until it closed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["low", "medium", "high"]


class SeriesPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: datetime
    observed: int
    expected: float


class Alert(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: Stable while the incident lasts: the rule id and the subject, plus when it opened.
    alert_id: str
    #: The detector's rule id, e.g. ``PAT-VOLUME-SPIKE``, ``PAT-NEW-CLUSTER``, ``PAT-SCAM-REPEAT``.
    rule_id: str
    #: What the alert is about, as ``kind:value`` (``intent:card_not_working``,
    #: ``merchant:Gymbox``, ``queue:fincrime``, ``tool_failure:freeze_card:timeout``,
    #: ``cluster:app login code``, ``payee:J SMITH 12-34-56``).
    subject: str
    #: One readable line for the lead.
    title: str
    severity: Severity
    opened_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None = None
    observed: int
    expected: float
    #: A few redacted example messages (never raw customer text).
    examples: tuple[str, ...] = ()
    #: The conversations (and so cases, where handed off) behind the alert.
    conversation_ids: tuple[str, ...] = ()
    suggested_action: str
    series: tuple[SeriesPoint, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
