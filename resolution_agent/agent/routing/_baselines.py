"""The baselines the optimiser is measured against: FIFO and greedy best-skill.

Both walk the waiting cases one at a time in a fixed order and give each the single COp a
simple rule picks. To stay fast with thousands waiting, cases are walked class by class
(one heap entry per class, holding its next case): once no free COp is eligible for a
class, none will be later in the round, so the whole class drops out at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from resolution_agent.agent.routing._round import Assignment, DecisionRound
from resolution_agent.agent.routing._tables import BoolArray, FloatArray, IntArray

# Picks a COp among the eligible ones with a free slot, or -1 when there is none.
Chooser = Callable[[int, BoolArray, IntArray], int]


def serve_in_order(decision: DecisionRound, order: IntArray, choose: Chooser) -> Assignment:
    """Give cases, in ``order``, to the COp ``choose`` picks until no case can be served."""
    if decision.n_cases == 0 or not (decision.free > 0).any():
        return Assignment.empty()
    free = decision.free.copy()
    has_free = free > 0
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    grouped = order[np.argsort(decision.case_class[order], kind="stable")]
    classes, starts, counts = np.unique(
        decision.case_class[grouped], return_index=True, return_counts=True
    )
    eligible = decision.tables.eligible[classes]
    live = (eligible & has_free).any(axis=1)
    heap = [(int(rank[grouped[starts[g]]]), g) for g in np.flatnonzero(live).tolist()]
    heapq.heapify(heap)
    taken = np.zeros(len(classes), dtype=np.int64)
    cases: list[int] = []
    cops: list[int] = []
    while heap:
        _, g = heapq.heappop(heap)
        cop = choose(int(classes[g]), eligible[g] & has_free, free)
        if cop < 0:
            continue
        cases.append(int(grouped[starts[g] + taken[g]]))
        cops.append(cop)
        free[cop] -= 1
        has_free[cop] = free[cop] > 0
        taken[g] += 1
        if taken[g] < counts[g]:
            heapq.heappush(heap, (int(rank[grouped[starts[g] + taken[g]]]), g))
    return Assignment(np.array(cases, dtype=np.int64), np.array(cops, dtype=np.int64))


def _best(scores: FloatArray | IntArray, candidates: BoolArray) -> int:
    if not candidates.any():
        return -1
    return int(np.argmax(np.where(candidates, scores, -1)))


class FifoPolicy:
    """Baseline: oldest case first, to the first free eligible COp (most free slots, then
    roster order). Priority and skill level are ignored, as in a plain queue per team."""

    name = "fifo"

    def assign(self, decision: DecisionRound) -> Assignment:
        order = np.lexsort((np.arange(decision.n_cases), decision.waiting_since))
        return serve_in_order(
            decision, order.astype(np.int64), lambda _k, cand, free: _best(free, cand)
        )


class GreedyPolicy:
    """Greedy best-skill: highest priority then oldest first, each to the free eligible COp
    with the best fit for it. Locally sensible, but blind to whom a later case needs."""

    name = "greedy"

    def assign(self, decision: DecisionRound) -> Assignment:
        order = np.lexsort((np.arange(decision.n_cases), decision.waiting_since, decision.priority))
        fit = decision.tables.fit
        return serve_in_order(
            decision, order.astype(np.int64), lambda k, cand, _free: _best(fit[k], cand)
        )
