"""Time buckets and what a detector reports for one: the shared vocabulary of the detectors.

Detectors see the stream one closed bucket at a time (10 minutes by default), so the same code
runs over a week of history (``resolve patterns``) and over a live stream (the simulation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from resolution_agent.agent.patterns.alerts import SeriesPoint, Severity
from resolution_agent.agent.patterns.signals import TurnSignal

BUCKET = timedelta(minutes=10)
#: A finding names at most this many conversations and examples (the alert keeps the newest).
MAX_CONVERSATIONS = 50
MAX_EXAMPLES = 3


def bucket_start(at: datetime, size: timedelta = BUCKET) -> datetime:
    """The start of the bucket holding ``at`` (buckets are aligned to the UTC epoch)."""
    at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // size) * size


@dataclass(slots=True)
class Bucket:
    """The signals of one closed bucket; ``learning`` while the engine only learns its baseline."""

    start: datetime
    end: datetime
    signals: list[TurnSignal] = field(default_factory=list)
    learning: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule firing for one subject in one bucket; the tracker turns findings into alerts."""

    rule_id: str
    subject: str
    title: str
    severity: Severity
    observed: int
    expected: float
    suggested_action: str
    examples: tuple[str, ...] = ()
    conversation_ids: tuple[str, ...] = ()
    #: The subject's recent buckets, observed against expected, for the chart.
    series: tuple[SeriesPoint, ...] = ()


class Detector(Protocol):
    """A named rule over closed buckets."""

    rule_id: str

    def observe(self, bucket: Bucket) -> list[Finding]:
        """Learn from ``bucket`` and report what is anomalous in it (nothing while learning)."""
        ...
