"""One decision point: the waiting cases, the free capacity, and the interface of a policy.

Every policy sees the same :class:`DecisionRound` and answers with an :class:`Assignment`, so
the simulator and the service can swap them freely and check the same invariants on each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from resolution_agent.agent.routing._errors import InvariantError
from resolution_agent.agent.routing._tables import ClassTables, FloatArray, IntArray


@dataclass(frozen=True)
class DecisionRound:
    """Waiting cases (one entry per case in each array) and free slots per COp.

    Times are seconds on one clock (the simulation's, or seconds relative to "now" in the
    service); ``priority`` holds ``PRIORITY_RANK`` values, 0 for urgent.
    """

    now: float
    case_class: IntArray
    priority: IntArray
    waiting_since: FloatArray
    deadline: FloatArray
    free: IntArray
    tables: ClassTables

    @property
    def n_cases(self) -> int:
        return int(self.case_class.size)


@dataclass(frozen=True)
class Assignment:
    """Pairs chosen this round: ``case[i]`` (a position in the round) goes to COp ``cop[i]``."""

    case: IntArray
    cop: IntArray

    @classmethod
    def empty(cls) -> Assignment:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    @property
    def size(self) -> int:
        return int(self.case.size)


class Policy(Protocol):
    """Chooses which waiting cases go to which free COps at a decision point."""

    name: str

    def assign(self, decision: DecisionRound) -> Assignment: ...


def check_assignment(decision: DecisionRound, assignment: Assignment) -> None:
    """Raise if a case goes twice, to an ineligible COp, or past a COp's free capacity."""
    if assignment.case.size != assignment.cop.size:
        raise InvariantError("assignment has different numbers of cases and COps")
    if assignment.size == 0:
        return
    if np.unique(assignment.case).size != assignment.size:
        raise InvariantError("a case was assigned more than once in one round")
    classes = decision.case_class[assignment.case]
    if not decision.tables.eligible[classes, assignment.cop].all():
        raise InvariantError("a case was assigned to a COp without its skills or language")
    used = np.bincount(assignment.cop, minlength=decision.free.size)
    if (used > decision.free).any():
        raise InvariantError("a COp was given more cases than their free capacity")
