"""Two exact solvers for one reduced assignment problem: min-cost flow and slot assignment.

The reduced problem has *candidates* (cases, each with a value and a class) and *arcs* (class
to COp, each with a fit cost), and free slots per COp. Because a COp's fit depends only on a
case's class, cases of one class are interchangeable apart from their value; the flow solver
exploits that, the assignment solver does not need to. Both maximise the same objective,
total (value - fit cost) over chosen pairs, and a test holds them to the same optimum.

* ``solve_by_flow``: source -> case (capacity 1, gain = value) -> class -> COp (cost = fit)
  -> sink (capacity = free slots), written as a linear programme for HiGHS. Its constraint
  matrix is a network matrix, so the basic optimum HiGHS returns is integral. Size grows with
  cases + eligible (class, COp) pairs, not with cases x slots: this is the large-round path.
  It starts from the most valuable cases of each class and adds more only where the LP
  could still use them (see :func:`solve_by_flow`).
* ``solve_by_assignment``: COps expanded into one row per free slot, one column per case plus
  one "stay free" column per slot, ``scipy.optimize.linear_sum_assignment`` on the dense
  matrix. Cheapest when a round has few free slots, which is most rounds of a simulation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linear_sum_assignment, linprog

from resolution_agent.agent.routing._errors import RoutingError
from resolution_agent.agent.routing._tables import FloatArray, IntArray

_INTEGRAL = 1e-6
# Dual simplex ends on a vertex, integral for a network LP, with no crossover step, and was
# the fastest of HiGHS's methods on 50,000-case rounds (benchmarks/routing_decision.py).
_METHOD = "highs-ds"


@dataclass(frozen=True)
class ReducedProblem:
    """Candidates sorted by class, then by value, highest first, within each class."""

    value: FloatArray
    group: IntArray
    arc_group: IntArray
    arc_cop: IntArray
    arc_cost: FloatArray
    capacity: IntArray
    n_groups: int

    @property
    def n_candidates(self) -> int:
        return int(self.value.size)

    @property
    def n_slots(self) -> int:
        return int(self.capacity.sum())


@dataclass(frozen=True)
class Pairs:
    """Chosen pairs as positions: ``candidate[i]`` goes to local COp ``cop[i]``."""

    candidate: IntArray
    cop: IntArray

    def objective(self, problem: ReducedProblem) -> float:
        """Total value less fit cost of the pairs (what both solvers maximise)."""
        cost = np.full((problem.n_groups, problem.capacity.size), np.inf)
        cost[problem.arc_group, problem.arc_cop] = problem.arc_cost
        gain = problem.value[self.candidate] - cost[problem.group[self.candidate], self.cop]
        return float(gain.sum())


def solve_by_assignment(problem: ReducedProblem) -> Pairs:
    """Exact: one row per free slot, ``linear_sum_assignment`` over cases and "stay free"."""
    slots = np.repeat(np.arange(problem.capacity.size), problem.capacity)
    cost = np.full((problem.n_groups, problem.capacity.size), np.inf)
    cost[problem.arc_group, problem.arc_cop] = problem.arc_cost
    pair_cost = cost[problem.group][:, slots].T - problem.value[None, :]
    matrix = np.hstack([pair_cost, np.zeros((slots.size, slots.size))])
    rows, cols = linear_sum_assignment(matrix)
    chosen = (cols < problem.n_candidates) & np.isfinite(matrix[rows, cols])
    return Pairs(cols[chosen].astype(np.int64), slots[rows[chosen]].astype(np.int64))


def solve_by_flow(problem: ReducedProblem, start: IntArray | None = None) -> Pairs:
    """Exact: min-cost flow through case classes, solved as a network LP by HiGHS.

    Column generation over each class's candidates: solve with the first ``start[k]`` of
    class k (all when ``start`` is None), and grow a class only while all of its included
    candidates were used. When an included candidate is left unused, complementary slackness
    prices its class at least at that candidate's value, so no excluded (lower-value)
    candidate of the class could improve the solution: the restricted optimum is optimal.
    """
    pool = np.bincount(problem.group, minlength=problem.n_groups)
    limit = pool if start is None else np.minimum(pool, np.maximum(start, 1))
    starts = np.searchsorted(problem.group, np.arange(problem.n_groups))
    rank = np.arange(problem.n_candidates) - starts[problem.group]
    while True:
        kept = np.flatnonzero(rank < limit[problem.group])
        sub = replace(problem, value=problem.value[kept], group=problem.group[kept])
        pairs = _solve_lp(sub)
        used = np.bincount(sub.group[pairs.candidate], minlength=problem.n_groups)
        grow = (used >= limit) & (limit < pool)
        if not grow.any():
            return Pairs(kept[pairs.candidate].astype(np.int64), pairs.cop)
        limit = np.where(grow, np.minimum(pool, 2 * limit + 16), limit)


def _solve_lp(problem: ReducedProblem) -> Pairs:
    n, arcs = problem.n_candidates, problem.arc_group.size
    if n == 0 or arcs == 0:
        return Pairs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    columns = np.arange(n + arcs)
    balance = sp.csr_array(
        (
            np.concatenate([-np.ones(n), np.ones(arcs)]),
            (np.concatenate([problem.group, problem.arc_group]), columns),
        ),
        shape=(problem.n_groups, n + arcs),
    )
    capacity = sp.csr_array(
        (np.ones(arcs), (problem.arc_cop, columns[n:])),
        shape=(problem.capacity.size, n + arcs),
    )
    upper = np.concatenate([np.ones(n), problem.capacity[problem.arc_cop].astype(np.float64)])
    result = _highs(
        np.concatenate([-problem.value, problem.arc_cost]),
        A_ub=capacity,
        b_ub=problem.capacity.astype(np.float64),
        A_eq=balance,
        b_eq=np.zeros(problem.n_groups),
        bounds=np.column_stack([np.zeros(n + arcs), upper]),
    )
    if result.status != 0 or result.x is None:
        raise RoutingError(f"the assignment LP did not solve: {result.message}")
    flow = np.asarray(result.x[n:], dtype=np.float64)
    rounded = np.rint(flow)
    # A basic optimum of a network LP is integral; flooring a stray fraction stays feasible.
    counts = np.where(np.abs(flow - rounded) <= _INTEGRAL, rounded, np.floor(flow))
    return _expand(problem, np.maximum(counts, 0).astype(np.int64))


# The stubs type A_ub and A_eq as dense arrays and bounds as tuples, but the HiGHS methods take
# sparse matrices and an (n, 2) array, and converting either would cost more than the solve.
_linprog = cast(Callable[..., OptimizeResult], linprog)


def _highs(cost: FloatArray, **constraints: object) -> OptimizeResult:
    return _linprog(cost, method=_METHOD, **constraints)


def _expand(problem: ReducedProblem, counts: IntArray) -> Pairs:
    """Turn per-arc counts into pairs: each class's best cases to its cheapest COps."""
    order = np.lexsort((problem.arc_cost, problem.arc_group))
    arc_cops = np.repeat(problem.arc_cop[order], counts[order])
    arc_groups = np.repeat(problem.arc_group[order], counts[order])
    starts = np.searchsorted(problem.group, np.arange(problem.n_groups))
    group_starts = np.searchsorted(arc_groups, np.arange(problem.n_groups))
    within = np.arange(arc_groups.size) - group_starts[arc_groups]
    return Pairs((starts[arc_groups] + within).astype(np.int64), arc_cops.astype(np.int64))
