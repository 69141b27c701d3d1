"""The router as a service: the suggested COp for each waiting case, the next case for a COp.

It keeps the waiting cases and each COp's current chats; every question re-plans the whole
queue with the policy at the given moment, so an answer never depends on the order in which
COps happened to ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.routing._costs import CostWeights
from resolution_agent.agent.routing._errors import UnknownCaseError, UnknownCopError
from resolution_agent.agent.routing._model import CaseId, Cop, CopId, RoutingCase
from resolution_agent.agent.routing._optimal import OptimalPolicy
from resolution_agent.agent.routing._round import (
    Assignment,
    DecisionRound,
    Policy,
    check_assignment,
)
from resolution_agent.agent.routing._tables import ClassTables, CopArrays
from resolution_agent.agent.vocabulary import PRIORITY_RANK


class Suggestion(BaseModel):
    """The COp the router would give a waiting case now; ``None`` means it keeps waiting."""

    model_config = ConfigDict(frozen=True)

    case_id: CaseId
    cop_id: CopId | None


class RoutingService:
    """Waiting cases and COp loads, planned by ``policy`` (the optimiser unless told)."""

    def __init__(
        self,
        cops: Sequence[Cop],
        *,
        policy: Policy | None = None,
        weights: CostWeights | None = None,
    ) -> None:
        self._arrays = CopArrays.from_cops(cops)
        self._tables = ClassTables(self._arrays)
        self._row = {cop.id: row for row, cop in enumerate(cops)}
        self._load = np.zeros(len(cops), dtype=np.int64)
        self._waiting: dict[CaseId, RoutingCase] = {}
        self.policy: Policy = policy or OptimalPolicy(weights)

    @property
    def waiting(self) -> list[RoutingCase]:
        return list(self._waiting.values())

    def add_case(self, case: RoutingCase) -> None:
        """Queue a case (adding a case id again replaces the earlier one)."""
        self._waiting[case.id] = case

    def remove_case(self, case_id: CaseId) -> RoutingCase:
        """Take a case out of the queue (the customer left, or it was routed elsewhere)."""
        try:
            return self._waiting.pop(case_id)
        except KeyError as exc:
            raise UnknownCaseError(case_id) from exc

    def set_load(self, cop_id: CopId, chats: int) -> None:
        """Record how many chats a COp has open right now."""
        self._load[self._cop_row(cop_id)] = max(chats, 0)

    def accept(self, case_id: CaseId, cop_id: CopId) -> RoutingCase:
        """A COp took a case: it leaves the queue and counts against their capacity."""
        row = self._cop_row(cop_id)
        case = self.remove_case(case_id)
        self._load[row] += 1
        return case

    def release(self, cop_id: CopId) -> None:
        """A COp closed a chat."""
        row = self._cop_row(cop_id)
        self._load[row] = max(int(self._load[row]) - 1, 0)

    def plan(self, now: datetime) -> dict[CaseId, CopId]:
        """The policy's assignment of waiting cases to free COps at ``now``."""
        cases = list(self._waiting.values())
        decision = self._round(cases, now)
        assignment: Assignment = self.policy.assign(decision)
        check_assignment(decision, assignment)
        return {
            cases[int(i)].id: self._arrays.ids[int(j)]
            for i, j in zip(assignment.case, assignment.cop, strict=True)
        }

    def suggestions(self, now: datetime) -> list[Suggestion]:
        """One suggestion per waiting case, in the order the cases were added."""
        planned = self.plan(now)
        return [Suggestion(case_id=c, cop_id=planned.get(c)) for c in self._waiting]

    def next_case_for(self, cop_id: CopId, now: datetime) -> RoutingCase | None:
        """The case this COp should take next, or ``None`` (off shift, full, or none fits).

        Of the cases the plan gives them, the most pressing: highest priority, then oldest.
        """
        self._cop_row(cop_id)
        mine = [self._waiting[c] for c, cop in self.plan(now).items() if cop == cop_id]
        if not mine:
            return None
        return min(mine, key=lambda c: (PRIORITY_RANK[c.priority], c.waiting_since, c.id))

    def _cop_row(self, cop_id: CopId) -> int:
        try:
            return self._row[cop_id]
        except KeyError as exc:
            raise UnknownCopError(cop_id) from exc

    def _round(self, cases: Sequence[RoutingCase], now: datetime) -> DecisionRound:
        second = now.hour * 3600.0 + now.minute * 60.0 + now.second
        on_shift = self._arrays.on_shift(second)
        free = np.where(on_shift, np.maximum(self._arrays.capacity - self._load, 0), 0)
        return DecisionRound(
            now=0.0,
            case_class=np.array(
                [self._tables.index(c.required_skills, c.language) for c in cases],
                dtype=np.int64,
            ),
            priority=np.array([PRIORITY_RANK[c.priority] for c in cases], dtype=np.int64),
            waiting_since=np.array(
                [(c.waiting_since - now).total_seconds() for c in cases], dtype=np.float64
            ),
            deadline=np.array(
                [(c.sla_deadline - now).total_seconds() for c in cases], dtype=np.float64
            ),
            free=free.astype(np.int64),
            tables=self._tables,
        )
