"""From findings to alerts: one alert per rule and subject while its incident lasts.

A finding for a rule and subject with an open alert updates that alert (latest counts, the
newest conversations and examples, the chart); with none, it opens one. An alert closes when
its rule has not fired for its subject in ``quiet_buckets`` buckets in a row, and a later
finding opens a new alert (a new ``alert_id``, since ``opened_at`` is part of it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from resolution_agent.agent.patterns.alerts import Alert, SeriesPoint
from resolution_agent.agent.patterns.buckets import MAX_CONVERSATIONS, MAX_EXAMPLES, Finding

_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(slots=True)
class _Open:
    alert: Alert
    quiet: int = 0
    series: dict[datetime, SeriesPoint] = field(default_factory=dict)


class IncidentTracker:
    """Open, update and close alerts as buckets close; every alert raised stays listed."""

    def __init__(self, *, quiet_buckets: int = 6) -> None:
        self._quiet_buckets = quiet_buckets
        self._open: dict[tuple[str, str], _Open] = {}
        self._closed: list[Alert] = []

    def update(self, bucket_end: datetime, findings: list[Finding]) -> None:
        """Apply one closed bucket's findings (``bucket_end``: when they became known)."""
        fired = set()
        for f in findings:
            key = (f.rule_id, f.subject)
            fired.add(key)
            current = self._open.get(key)
            if current is None:
                self._open[key] = self._opened(f, bucket_end)
            else:
                self._updated(current, f, bucket_end)
        for key in [k for k in self._open if k not in fired]:
            current = self._open[key]
            current.quiet += 1
            if current.quiet >= self._quiet_buckets:
                del self._open[key]
                self._closed.append(current.alert.model_copy(update={"closed_at": bucket_end}))

    def alerts(self) -> list[Alert]:
        """Closed and open alerts, in the order they opened."""
        return sorted([*self._closed, *(o.alert for o in self._open.values())], key=_order)

    def _opened(self, f: Finding, at: datetime) -> _Open:
        series = {p.start: p for p in f.series}
        alert = Alert(
            alert_id=f"{f.rule_id}:{f.subject}:{at.strftime('%Y%m%dT%H%MZ')}",
            rule_id=f.rule_id,
            subject=f.subject,
            title=f.title,
            severity=f.severity,
            opened_at=at,
            last_seen_at=at,
            observed=f.observed,
            expected=f.expected,
            examples=f.examples[:MAX_EXAMPLES],
            conversation_ids=f.conversation_ids[-MAX_CONVERSATIONS:],
            suggested_action=f.suggested_action,
            series=tuple(series[s] for s in sorted(series)),
        )
        return _Open(alert=alert, series=series)

    def _updated(self, current: _Open, f: Finding, at: datetime) -> None:
        old = current.alert
        current.quiet = 0
        current.series.update({p.start: p for p in f.series})
        ids = tuple(dict.fromkeys((*old.conversation_ids, *f.conversation_ids)))
        examples = tuple(dict.fromkeys((*old.examples, *f.examples)))
        current.alert = old.model_copy(
            update={
                "title": f.title,
                "severity": max(old.severity, f.severity, key=_RANK.__getitem__),
                "last_seen_at": at,
                "observed": f.observed,
                "expected": f.expected,
                "examples": examples[:MAX_EXAMPLES],
                "conversation_ids": ids[-MAX_CONVERSATIONS:],
                "series": tuple(current.series[s] for s in sorted(current.series)),
            }
        )


def _order(alert: Alert) -> tuple[datetime, str]:
    return alert.opened_at, alert.alert_id
