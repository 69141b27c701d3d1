"""The optimiser: each round, the assignment of waiting cases to free slots of greatest value.

Before solving, the round is reduced without losing the optimum: within a class only the
most valuable cases can win, and no more of them than the class has eligible free slots, so
the rest never enter the problem. With a few dozen classes that keeps even a 50,000-case
backlog to a problem of (cases that could be served) + (eligible class-COp pairs).
"""

from __future__ import annotations

import numpy as np

from resolution_agent.agent.routing._costs import CostWeights, fit_cost, urgency
from resolution_agent.agent.routing._round import Assignment, DecisionRound
from resolution_agent.agent.routing._solvers import (
    ReducedProblem,
    solve_by_assignment,
    solve_by_flow,
)
from resolution_agent.agent.routing._tables import IntArray


def reduce_round(
    decision: DecisionRound, weights: CostWeights
) -> tuple[ReducedProblem, IntArray, IntArray] | None:
    """The reduced problem, the round position of each candidate and of each COp column.

    ``None`` when nothing can be assigned this round.
    """
    cops = np.flatnonzero(decision.free > 0)
    if decision.n_cases == 0 or cops.size == 0:
        return None
    value = weights.assignment_bonus + urgency(decision, weights)
    classes, group = np.unique(decision.case_class, return_inverse=True)
    eligible = decision.tables.eligible[classes][:, cops]
    capacity = decision.free[cops]
    reach = eligible.astype(np.int64) @ capacity
    order = np.lexsort((np.arange(decision.n_cases), decision.waiting_since, -value, group))
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, np.arange(classes.size))
    rank = np.arange(order.size) - starts[sorted_group]
    candidates = order[rank < reach[sorted_group]]
    if candidates.size == 0:
        return None
    arc_group, arc_cop = np.nonzero(eligible)
    fit = decision.tables.fit[classes[arc_group], cops[arc_cop]]
    problem = ReducedProblem(
        value=value[candidates],
        group=group[candidates].astype(np.int64),
        arc_group=arc_group.astype(np.int64),
        arc_cop=arc_cop.astype(np.int64),
        arc_cost=fit_cost(fit, weights),
        capacity=capacity.astype(np.int64),
        n_groups=int(classes.size),
    )
    return problem, candidates.astype(np.int64), cops.astype(np.int64)


def _start(problem: ReducedProblem) -> IntArray:
    """First guess of how many cases per class can win: its share of the top values.

    Only a warm start for the column generation in ``solve_by_flow``; a wrong guess costs
    another solve, never the optimum.
    """
    top = np.argsort(-problem.value, kind="stable")[: problem.n_slots]
    won = np.bincount(problem.group[top], minlength=problem.n_groups)
    start: IntArray = np.ceil(1.5 * won).astype(np.int64) + 16
    return start


class OptimalPolicy:
    """Globally optimal per round: the most valuable set of (case, COp) pairs at once.

    Value of a pair = assignment bonus + urgency of the case - fit cost of the COp; the bonus
    outweighs any difference in fit, so a COp does not idle while a case they can take waits.

    ``dense_limit`` is the largest slots x (cases + slots) matrix solved by slot assignment;
    larger rounds go to the min-cost flow, whose size does not multiply the two.
    """

    name = "optimal"

    def __init__(self, weights: CostWeights | None = None, *, dense_limit: int = 200_000) -> None:
        self.weights = weights or CostWeights()
        self.dense_limit = dense_limit

    def assign(self, decision: DecisionRound) -> Assignment:
        reduced = reduce_round(decision, self.weights)
        if reduced is None:
            return Assignment.empty()
        problem, candidates, cops = reduced
        slots = problem.n_slots
        small = slots * (problem.n_candidates + slots) <= self.dense_limit
        pairs = solve_by_assignment(problem) if small else solve_by_flow(problem, _start(problem))
        return Assignment(
            candidates[pairs.candidate].astype(np.int64), cops[pairs.cop].astype(np.int64)
        )
