"""Small rosters, cases and decision rounds for the routing tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from resolution_agent.agent.routing import (
    CaseId,
    ClassTables,
    Cop,
    CopArrays,
    CopId,
    DecisionRound,
    RoutingCase,
    Shift,
)
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority, Queue

FIXTURES = PROJECT_ROOT / "fixtures" / "routing"
NOW = datetime(2026, 3, 2, 10, 0)
SLA_MINUTES: dict[Priority, int] = {"urgent": 15, "high": 60, "normal": 240, "low": 1440}
ALL_DAY = Shift.model_validate({"start": "00:00", "end": "00:00"})


def cop(
    cop_id: str,
    skills: dict[str, float],
    *,
    languages: Sequence[str] = ("en",),
    capacity: int = 1,
    shift: Shift = ALL_DAY,
) -> Cop:
    return Cop(
        id=CopId(cop_id),
        skills=skills,
        languages=frozenset(languages),
        capacity=capacity,
        shift=shift,
    )


def case(
    case_id: str,
    skills: Sequence[str],
    *,
    priority: Priority = "normal",
    language: str = "en",
    waited_minutes: float = 0.0,
    queue: Queue = "general",
    now: datetime = NOW,
) -> RoutingCase:
    since = now - timedelta(minutes=waited_minutes)
    return RoutingCase(
        id=CaseId(case_id),
        queue=queue,
        priority=priority,
        required_skills=frozenset(skills),
        language=language,
        waiting_since=since,
        sla_deadline=since + timedelta(minutes=SLA_MINUTES[priority]),
        handle_minutes=8.0,
    )


def decision(
    cops: Sequence[Cop],
    cases: Sequence[RoutingCase],
    *,
    load: Sequence[int] | None = None,
    now: datetime = NOW,
) -> DecisionRound:
    """A round at ``now`` with every COp on shift; times in seconds relative to ``now``."""
    tables = ClassTables(CopArrays.from_cops(cops))
    capacity = np.array([c.capacity for c in cops], dtype=np.int64)
    used = np.zeros(len(cops), dtype=np.int64) if load is None else np.array(load)
    return DecisionRound(
        now=0.0,
        case_class=np.array(
            [tables.index(c.required_skills, c.language) for c in cases], dtype=np.int64
        ),
        priority=np.array([PRIORITY_RANK[c.priority] for c in cases], dtype=np.int64),
        waiting_since=np.array(
            [(c.waiting_since - now).total_seconds() for c in cases], dtype=np.float64
        ),
        deadline=np.array(
            [(c.sla_deadline - now).total_seconds() for c in cases], dtype=np.float64
        ),
        free=np.maximum(capacity - used, 0).astype(np.int64),
        tables=tables,
    )


SKILLS = ("cards", "payments", "fincrime", "disputes", "general")
LANGUAGES = ("en", "cy", "pl")
PRIORITIES: tuple[Priority, ...] = ("urgent", "high", "normal", "low")


def random_desk(seed: int, n_cops: int, n_cases: int) -> tuple[list[Cop], list[RoutingCase]]:
    """A roster and a queue with sparse, uneven eligibility (some cases fit nobody)."""
    rng = np.random.default_rng(seed)
    cops = []
    for j in range(n_cops):
        chosen = rng.choice(len(SKILLS), size=int(rng.integers(1, 4)), replace=False)
        langs = {"en"} | ({str(rng.choice(LANGUAGES))} if rng.random() < 0.3 else set())
        cops.append(
            cop(
                f"cop_{j}",
                {SKILLS[int(s)]: round(float(rng.uniform(0.2, 1.0)), 2) for s in chosen},
                languages=sorted(langs),
                capacity=int(rng.integers(1, 4)),
            )
        )
    cases = []
    for i in range(n_cases):
        chosen = rng.choice(len(SKILLS), size=int(rng.integers(1, 3)), replace=False)
        cases.append(
            case(
                f"case_{i}",
                [SKILLS[int(s)] for s in chosen],
                priority=PRIORITIES[int(rng.integers(4))],
                language=str(rng.choice(LANGUAGES, p=[0.8, 0.1, 0.1])),
                waited_minutes=float(rng.uniform(0, 120)),
            )
        )
    return cops, cases
