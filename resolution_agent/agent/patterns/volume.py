"""``PAT-VOLUME-SPIKE``: more conversations about one thing than this hour usually brings.

Subjects: each understood intent, merchant, hand-off queue, tool failure (``tool:kind``) and
intent in a region. Per bucket, a subject's expected count is the bucket's conversations times
the subject's usual share of them, learned per hour of day on weekdays and at weekends (48
slots, an exponentially weighted mean each, shrunk towards the subject's all-hours share while a
slot has little history). Conditioning on the bucket's own total carries the daily and weekly
shape of the traffic (a quiet Sunday night expects little of everything), so the share is the
only thing to learn, and an incident that adds conversations raises no other subject.

The test is a negative-binomial upper tail (``scipy.stats.nbinom``; dispersion ``r``: a
variance of ``mu + mu^2 / r`` allows for day-to-day wobble in a share) over the last bucket and
over the last three (a slower incident), with a minimum count, a minimum ratio and a p-value
small enough for thousands of subjects tested every ten minutes. A subject that fired stops
teaching the baseline until it has been quiet for a while, so an incident does not become
normal. All subjects are held in NumPy arrays and tested together, which keeps a week of
turns to seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from resolution_agent.agent.patterns.actions import volume_action
from resolution_agent.agent.patterns.alerts import SeriesPoint, Severity
from resolution_agent.agent.patterns.buckets import MAX_CONVERSATIONS, Bucket, Finding
from resolution_agent.agent.patterns.signals import TurnSignal

RULE_ID = "PAT-VOLUME-SPIKE"
_SLOTS = 48  # hour of day, weekdays and weekends
_HISTORY = 12  # buckets kept per subject for the chart


@dataclass(frozen=True, slots=True)
class VolumeConfig:
    #: Buckets summed by each test: a sharp incident shows in one, a slower one in three.
    windows: tuple[int, ...] = (1, 3)
    #: The least count each window needs before it is tested at all.
    min_counts: tuple[int, ...] = (6, 10)
    min_ratio: float = 1.5
    p_value: float = 1e-5
    dispersion: float = 100.0
    #: Weight of the newest bucket in a slot's mean, and in the all-hours mean.
    slot_alpha: float = 0.1
    global_alpha: float = 0.01
    #: Slot updates worth as much as the all-hours share (shrinkage while a slot is young).
    prior_weight: float = 4.0
    #: The least fraction of a subject's all-hours share a slot's share may fall to.
    min_share_of_usual: float = 0.5
    #: Expected count of a subject never seen, per bucket.
    floor: float = 0.05
    #: Buckets a subject must stay quiet after firing before it teaches the baseline again.
    cool_down: int = 6


def subjects_of(signal: TurnSignal) -> set[str]:
    """The ``kind:value`` subjects one turn counts towards."""
    found: set[str] = set()
    if signal.understood and signal.intent != "out_of_scope":
        found.add(f"intent:{signal.intent}")
        if signal.region:
            found.add(f"intent_region:{signal.intent}@{signal.region}")
    found.update(f"merchant:{m}" for m in signal.merchants)
    if signal.queue is not None:
        found.add(f"queue:{signal.queue}")
    found.update(f"tool_failure:{f}" for f in signal.tool_failures)
    return found


class VolumeSpikes:
    """The ``PAT-VOLUME-SPIKE`` detector (state: the learned shares, as arrays)."""

    rule_id = RULE_ID

    def __init__(self, config: VolumeConfig | None = None) -> None:
        self.config = c = config or VolumeConfig()
        self._index: dict[str, int] = {}
        self._names: list[str] = []
        cap = 256
        self._slot_share = np.zeros((cap, _SLOTS))
        self._slot_n = np.zeros((cap, _SLOTS))
        self._share = np.zeros(cap)
        self._seen = np.zeros(cap, dtype=bool)
        self._quiet = np.full(cap, c.cool_down, dtype=np.int64)
        self._obs = np.zeros((cap, _HISTORY))
        self._exp = np.zeros((cap, _HISTORY))
        self._starts: list[datetime | None] = [None] * _HISTORY
        self._buckets = 0

    def _grow(self, size: int) -> None:
        cap = len(self._share)
        if size <= cap:
            return
        new = max(size, 2 * cap)

        def pad(a: NDArray[Any], fill: float = 0.0) -> NDArray[Any]:
            out = np.full((new, *a.shape[1:]), fill, dtype=a.dtype)
            out[:cap] = a
            return out

        self._slot_share = pad(self._slot_share)
        self._slot_n = pad(self._slot_n)
        self._share = pad(self._share)
        self._seen = pad(self._seen, False)
        self._quiet = pad(self._quiet, self.config.cool_down)
        self._obs = pad(self._obs)
        self._exp = pad(self._exp)

    def observe(self, bucket: Bucket) -> list[Finding]:
        c = self.config
        conversations: dict[str, list[str]] = {}
        totals: set[str] = set()
        for signal in bucket.signals:
            totals.add(signal.conversation_id)
            for subject in subjects_of(signal):
                ids = conversations.setdefault(subject, [])
                if not ids or ids[-1] != signal.conversation_id:
                    ids.append(signal.conversation_id)
        for subject in conversations:
            if subject not in self._index:
                self._index[subject] = len(self._names)
                self._names.append(subject)
        size = len(self._names)
        self._grow(size)
        counts = np.zeros(size)
        for subject, ids in conversations.items():
            counts[self._index[subject]] = len(set(ids))
        total = len(totals)

        slot = (24 if bucket.start.weekday() >= 5 else 0) + bucket.start.hour
        n = self._slot_n[:size, slot]
        share = (n * self._slot_share[:size, slot] + c.prior_weight * self._share[:size]) / (
            n + c.prior_weight
        )
        # A slot seen a few times can underrate a rare subject badly; its usual share at any
        # hour bounds how far below it the slot may go.
        share = np.maximum(share, c.min_share_of_usual * self._share[:size])
        expected = np.maximum(total * share, c.floor)
        pos = self._buckets % _HISTORY
        self._obs[:size, pos] = counts
        self._exp[:size, pos] = expected
        self._starts[pos] = bucket.start
        self._buckets += 1

        fired = np.zeros(size, dtype=bool)
        best = np.ones(size)
        best_obs = np.zeros(size)
        best_exp = np.zeros(size)
        if not bucket.learning:
            for window, least in zip(c.windows, c.min_counts, strict=True):
                if window > self._buckets:
                    continue
                cols = [(pos - k) % _HISTORY for k in range(window)]
                o = self._obs[:size, cols].sum(axis=1)
                e = self._exp[:size, cols].sum(axis=1)
                candidates = np.flatnonzero((o >= least) & (o >= c.min_ratio * e))
                if candidates.size == 0:
                    continue
                r = c.dispersion
                p = stats.nbinom.sf(o[candidates] - 1, r, r / (r + e[candidates]))
                for i, pv in zip(candidates, p, strict=True):
                    if pv < c.p_value and pv < best[i]:
                        fired[i] = True
                        best[i], best_obs[i], best_exp[i] = pv, o[i], e[i]

        if total > 0:  # teach the baseline, except subjects in (or just after) an incident
            learn = self._quiet[:size] >= c.cool_down
            observed_share = counts / total
            fresh = learn & (self._slot_n[:size, slot] == 0)
            old = learn & ~fresh
            self._slot_share[:size, slot][fresh] = observed_share[fresh]
            self._slot_share[:size, slot][old] += c.slot_alpha * (
                observed_share[old] - self._slot_share[:size, slot][old]
            )
            self._slot_n[:size, slot][learn] += 1
            new = learn & ~self._seen[:size]
            self._share[:size][new] = observed_share[new]
            keep = learn & self._seen[:size]
            self._share[:size][keep] += c.global_alpha * (
                observed_share[keep] - self._share[:size][keep]
            )
            self._seen[:size] |= learn
        self._quiet[:size] += 1
        self._quiet[:size][fired] = 0

        return [
            self._finding(int(i), int(best_obs[i]), float(best_exp[i]), conversations)
            for i in np.flatnonzero(fired)
        ]

    def _finding(
        self, i: int, observed: int, expected: float, conversations: dict[str, list[str]]
    ) -> Finding:
        subject = self._names[i]
        kind, _, value = subject.partition(":")
        ratio = observed / max(expected, 0.1)
        severity: Severity = "high" if ratio >= 5 else "medium" if ratio >= 2.5 else "low"
        return Finding(
            rule_id=RULE_ID,
            subject=subject,
            title=f"{kind.replace('_', ' ')} {value}: {observed} conversations, "
            f"{expected:.1f} expected",
            severity=severity,
            observed=observed,
            expected=round(expected, 2),
            suggested_action=volume_action(kind),
            conversation_ids=tuple(dict.fromkeys(conversations.get(subject, ())))[
                -MAX_CONVERSATIONS:
            ],
            series=self._series(i),
        )

    def _series(self, i: int) -> tuple[SeriesPoint, ...]:
        kept = min(self._buckets, _HISTORY)
        points = []
        for back in range(kept - 1, -1, -1):
            pos = (self._buckets - 1 - back) % _HISTORY
            start = self._starts[pos]
            assert start is not None
            points.append(
                SeriesPoint(
                    start=start,
                    observed=int(self._obs[i, pos]),
                    expected=round(float(self._exp[i, pos]), 2),
                )
            )
        return tuple(points)
