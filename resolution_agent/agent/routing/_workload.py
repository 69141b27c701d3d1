"""A synthetic day for the simulator: a roster staffed to demand, and the cases that arrive.

Everything is drawn once from one seed, before any policy runs, so every policy in a run
faces the same customers with the same patience and the same true handle times (common
random numbers): differences between policies are the policies', not the dice's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.routing._catalogue import HOURLY_DEMAND, KINDS, THEMES
from resolution_agent.agent.routing._model import Cop, CopId, HandleTimes, Shift
from resolution_agent.agent.routing._tables import ClassKey, FloatArray, IntArray
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority

_PRIORITIES: tuple[Priority, ...] = tuple(sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__))


def _sla_minutes() -> dict[Priority, float]:
    return {"urgent": 15.0, "high": 60.0, "normal": 240.0, "low": 1440.0}


def _patience_minutes() -> dict[Priority, float]:
    return {"urgent": 30.0, "high": 35.0, "normal": 45.0, "low": 60.0}


class WorkloadConfig(BaseModel):
    """Size and shape of a simulated day; defaults are a plausible UK retail-bank chat desk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cops: int = Field(default=200, ge=1)
    cases: int = Field(default=20_000, ge=1)
    hours: float = Field(default=24.0, gt=0, le=24 * 7)
    seed: int = 7
    bursts_per_day: float = Field(default=4.0, ge=0)
    burst_share: float = Field(default=0.08, ge=0, lt=1)
    customer_languages: dict[str, float] = Field(
        default_factory=lambda: {"en": 0.94, "cy": 0.03, "pl": 0.02, "ur": 0.01}
    )
    cop_languages: dict[str, float] = Field(
        default_factory=lambda: {"cy": 0.06, "pl": 0.04, "ur": 0.03},
        description="Share of COps who also speak each language (everyone speaks English).",
    )
    capacity: dict[int, float] = Field(default_factory=lambda: {2: 0.3, 3: 0.5, 4: 0.2})
    shift_hours: int = Field(default=8, ge=1, le=24)
    sla_minutes: dict[Priority, float] = Field(
        default_factory=_sla_minutes,
        description="Mirrors sla_minutes in policies/escalation.yaml.",
    )
    patience_minutes: dict[Priority, float] = Field(
        default_factory=_patience_minutes,
        description="Median minutes a customer waits before giving up (lognormal).",
    )
    patience_sigma: float = Field(default=0.7, ge=0)
    handle_noise_sigma: float = Field(default=0.35, ge=0)
    handle_times: HandleTimes = Field(default_factory=HandleTimes)


@dataclass(frozen=True)
class Workload:
    """The roster and the cases of one simulated window, cases sorted by arrival."""

    config: WorkloadConfig
    cops: list[Cop]
    class_keys: list[ClassKey]
    arrival: FloatArray
    kind: IntArray
    case_class: IntArray
    priority: IntArray
    deadline: FloatArray
    patience: FloatArray
    handle: FloatArray

    @property
    def horizon(self) -> float:
        return self.config.hours * 3600.0

    @property
    def n_cases(self) -> int:
        return int(self.arrival.size)


def generate(config: WorkloadConfig) -> Workload:
    """Draw the roster and the cases of ``config`` from its seed."""
    rng = np.random.default_rng(config.seed)
    arrival, kind = _arrivals(config, rng)
    n = arrival.size
    priority = np.zeros(n, dtype=np.int64)
    for k, spec in enumerate(KINDS):
        rows = np.flatnonzero(kind == k)
        mix = np.array(spec.priority_mix) / sum(spec.priority_mix)
        priority[rows] = rng.choice(len(_PRIORITIES), size=rows.size, p=mix)
    langs = list(config.customer_languages)
    lang_p = np.array([config.customer_languages[x] for x in langs])
    language = rng.choice(len(langs), size=n, p=lang_p / lang_p.sum())
    keys: list[ClassKey] = []
    index: dict[ClassKey, int] = {}
    case_class = np.zeros(n, dtype=np.int64)
    pair = kind * len(langs) + language
    for code in np.unique(pair).tolist():
        key = (frozenset(KINDS[code // len(langs)].skills), langs[code % len(langs)])
        index[key] = len(keys)
        keys.append(key)
        case_class[pair == code] = index[key]
    sla = np.array([config.sla_minutes[p] * 60.0 for p in _PRIORITIES])
    patience_median = np.array([config.patience_minutes[p] * 60.0 for p in _PRIORITIES])
    patience = patience_median[priority] * rng.lognormal(0.0, config.patience_sigma, size=n)
    base = np.array([config.handle_times.base_minutes(frozenset(k.skills)) * 60 for k in KINDS])
    handle = base[kind] * rng.lognormal(0.0, config.handle_noise_sigma, size=n)
    cops = _roster(config, rng)
    return Workload(
        config=config,
        cops=cops,
        class_keys=keys,
        arrival=arrival,
        kind=kind,
        case_class=case_class,
        priority=priority,
        deadline=arrival + sla[priority],
        patience=patience,
        handle=handle,
    )


def _hourly(config: WorkloadConfig) -> FloatArray:
    """Demand weight of each (partial) hour of the window."""
    hours = math.ceil(config.hours)
    weights = np.array([HOURLY_DEMAND[h % 24] for h in range(hours)], dtype=np.float64)
    weights[-1] *= config.hours - (hours - 1)
    return weights


def _arrivals(config: WorkloadConfig, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    horizon = config.hours * 3600.0
    bursts = round(config.bursts_per_day * config.hours / 24) if config.burst_share else 0
    in_bursts = round(config.cases * config.burst_share) if bursts else 0
    base_n = config.cases - in_bursts
    hourly = _hourly(config)
    hour = rng.choice(hourly.size, size=base_n, p=hourly / hourly.sum())
    times = [np.minimum(hour * 3600.0 + rng.random(base_n) * 3600.0, horizon - 1e-3)]
    weights = np.array([k.weight for k in KINDS])
    kinds = [rng.choice(len(KINDS), size=base_n, p=weights / weights.sum())]
    for size in rng.multinomial(in_bursts, [1 / bursts] * bursts) if bursts else []:
        theme = THEMES[int(rng.integers(len(THEMES)))]
        length = min(rng.uniform(15, 45) * 60.0, horizon)
        at = (rng.choice(hourly.size, p=hourly / hourly.sum()) + rng.random()) * 3600.0
        start = min(at, horizon - length)
        times.append(start + rng.random(size) * length)
        mix = np.zeros(len(KINDS))
        for name, share in theme.items():
            mix[[k.name for k in KINDS].index(name)] = share
        kinds.append(rng.choice(len(KINDS), size=size, p=mix / mix.sum()))
    arrival = np.concatenate(times)
    kind = np.concatenate(kinds).astype(np.int64)
    order = np.argsort(arrival, kind="stable")
    return arrival[order], kind[order]


def _kind_work(config: WorkloadConfig) -> FloatArray:
    """Share of the desk's minutes each kind of case takes: how many COps should handle it."""
    minutes = np.array(
        [k.weight * config.handle_times.base_minutes(frozenset(k.skills)) for k in KINDS]
    )
    share: FloatArray = minutes / minutes.sum()
    return share


def _roster(config: WorkloadConfig, rng: np.random.Generator) -> list[Cop]:
    """COps who each know one kind of case well and one to three others less well.

    Skills come in the bundles cases need (a kind's whole skill set), drawn in proportion to
    the work of each kind, so every kind has eligible COps in proportion to its demand.
    """
    share = _kind_work(config)
    starts = _shift_starts(config, rng)
    capacities = list(config.capacity)
    cap_p = np.array([config.capacity[c] for c in capacities])
    cops: list[Cop] = []
    for number in range(config.cops):
        languages = {"en"} | {lang for lang, p in config.cop_languages.items() if rng.random() < p}
        primary = int(rng.choice(len(KINDS), p=share))
        extra = int(rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2])) + (len(languages) > 1)
        rest = share.copy()
        rest[primary] = 0.0
        others = rng.choice(len(KINDS), size=extra, replace=False, p=rest / rest.sum())
        levels: dict[str, float] = {}
        for k in [int(o) for o in others]:
            for skill in KINDS[k].skills:
                levels[skill] = max(levels.get(skill, 0.0), round(float(rng.uniform(0.3, 0.9)), 3))
        for skill in KINDS[primary].skills:
            levels[skill] = max(levels.get(skill, 0.0), round(float(rng.uniform(0.7, 1.0)), 3))
        start = int(starts[number])
        cops.append(
            Cop(
                id=CopId(f"cop_{number:05d}"),
                skills=levels,
                languages=frozenset(languages),
                capacity=int(rng.choice(capacities, p=cap_p / cap_p.sum())),
                shift=Shift.model_validate(
                    {
                        "start": f"{start:02d}:00",
                        "end": f"{(start + config.shift_hours) % 24:02d}:00",
                    }
                ),
            )
        )
    return cops


def _shift_starts(config: WorkloadConfig, rng: np.random.Generator) -> IntArray:
    """Start hours that follow demand: each COp goes where the uncovered demand is largest."""
    hourly = _hourly(config)
    need = np.zeros(24)
    for h, w in enumerate(hourly):
        need[h % 24] += w
    need *= config.cops * config.shift_hours / need.sum()
    covers = np.zeros((24, 24))
    for start in range(24):
        for h in range(start, start + config.shift_hours):
            covers[start, h % 24] = 1.0
    covered = np.zeros(24)
    starts = np.zeros(config.cops, dtype=np.int64)
    jitter = rng.random(24) * 1e-9  # breaks exact ties without favouring midnight
    for number in range(config.cops):
        gain = covers @ (np.maximum(need - covered, 0.0) / np.maximum(need, 1e-9))
        best = int(np.argmax(gain + jitter))
        starts[number] = best
        covered += covers[best]
    return starts
