"""How well alerts found the incidents planted in a :class:`Simulation`.

An alert belongs to an incident when at least ``MIN_SHARE`` of the conversations it names are that
incident's and it opened while the incident ran (or within ``grace`` after its end); any other
alert opened after the learning period is a false alert. Time to detect is from the incident's
first conversation to the first alert that belongs to it (alerts open when a bucket closes).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import median

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.patterns.alerts import Alert
from resolution_agent.agent.patterns.simulation import INCIDENT_KINDS, IncidentKind, Simulation

IN_TIME = timedelta(minutes=30)
#: The least share of an alert's conversations an incident needs to own it (a spike of twice
#: the usual count is half ordinary conversations).
MIN_SHARE = 0.3


class KindScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: IncidentKind
    planted: int
    found: int
    found_in_time: int
    #: Minutes from each found incident's start to its first alert.
    minutes_to_detect: tuple[float, ...]
    #: Alerts that belong to this kind's incidents (one incident may raise several).
    alerts: int

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    @property
    def median_minutes(self) -> float | None:
        return median(self.minutes_to_detect) if self.minutes_to_detect else None


class Score(BaseModel):
    model_config = ConfigDict(frozen=True)

    kinds: tuple[KindScore, ...]
    alerts: int
    true_alerts: int
    false_alerts: int
    days: float
    #: The subjects of the false alerts, for reading.
    false_subjects: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.true_alerts / self.alerts if self.alerts else 1.0

    @property
    def false_per_day(self) -> float:
        return self.false_alerts / self.days

    @property
    def all_found_in_time(self) -> bool:
        return all(k.found_in_time == k.planted for k in self.kinds)


def score(alerts: list[Alert], sim: Simulation, *, grace: timedelta = IN_TIME) -> Score:
    first: dict[int, Alert] = {}
    per_incident: Counter[int] = Counter()
    false: list[Alert] = []
    for alert in alerts:
        if alert.opened_at < sim.learn_until:
            continue
        owners = Counter(sim.incident_of(c) for c in alert.conversation_ids)
        owners.pop(-1, None)  # ordinary conversations may be most of a spike's
        owner, count = owners.most_common(1)[0] if owners else (-1, 0)
        incident = sim.incidents[owner] if owner >= 0 else None
        if (
            incident is None
            or count < MIN_SHARE * len(alert.conversation_ids)
            or not incident.start <= alert.opened_at <= incident.end + grace
        ):
            false.append(alert)
            continue
        per_incident[owner] += 1
        if owner not in first or alert.opened_at < first[owner].opened_at:
            first[owner] = alert
    kinds = []
    for kind in INCIDENT_KINDS:
        numbers = [n for n, i in enumerate(sim.incidents) if i.kind == kind]
        minutes = tuple(
            round((first[n].opened_at - sim.incidents[n].start).total_seconds() / 60, 1)
            for n in numbers
            if n in first
        )
        kinds.append(
            KindScore(
                kind=kind,
                planted=len(numbers),
                found=len(minutes),
                found_in_time=sum(m <= IN_TIME.total_seconds() / 60 for m in minutes),
                minutes_to_detect=minutes,
                alerts=sum(per_incident[n] for n in numbers),
            )
        )
    true_alerts = sum(per_incident.values())
    return Score(
        kinds=tuple(kinds),
        alerts=true_alerts + len(false),
        true_alerts=true_alerts,
        false_alerts=len(false),
        days=(sim.end - sim.learn_until).total_seconds() / 86400,
        false_subjects=tuple(f"{a.rule_id} {a.subject} {a.opened_at:%a %H:%M}" for a in false),
    )
