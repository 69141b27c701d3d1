"""The handoff store: the queue of cases COps work from, beside the conversation checkpoints.

A case opens when the agent hands a conversation off; from then on the queue owns the
conversation. COps claim, reply and close cases through the async API (and the console), and
the store is what the console lists, ordered by priority and SLA deadline. :class:`CaseStore`
is the interface; :mod:`agent.storage` opens the backend (SQLite, memory or PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority, Queue

CaseStatus = Literal["queued", "claimed", "closed"]


class Case(BaseModel):
    model_config = ConfigDict(frozen=True)

    conversation_id: str
    customer_id: str
    queue: Queue
    priority: Priority
    sla_deadline: datetime
    status: CaseStatus
    owner: str | None = None
    resolution_code: str | None = None
    opened_at: datetime
    updated_at: datetime
    summary: HandoffSummary

    @property
    def skills(self) -> list[str]:
        return self.summary.skills


class CaseStore(Protocol):
    """The cases, keyed by conversation; :mod:`agent.storage` opens the backend."""

    async def save(self, case: Case) -> None:
        """Store the case, replacing the conversation's earlier one."""
        ...

    async def get(self, conversation_id: str) -> Case | None: ...

    async def list(
        self,
        *,
        queue: str | None = None,
        skill: str | None = None,
        statuses: tuple[CaseStatus, ...] = ("queued", "claimed"),
    ) -> list[Case]:
        """Cases in ``statuses`` (and ``queue``, with ``skill``), most urgent first."""
        ...


def most_urgent_first(
    cases: Iterable[Case],
    *,
    queue: str | None = None,
    skill: str | None = None,
    statuses: tuple[CaseStatus, ...] = ("queued", "claimed"),
) -> list[Case]:
    """The chosen cases by priority, then the nearest SLA deadline (every backend's order)."""
    chosen = [
        c
        for c in cases
        if c.status in statuses
        and (queue is None or c.queue == queue)
        and (skill is None or skill in c.skills)
    ]
    return sorted(
        chosen, key=lambda c: (PRIORITY_RANK[c.priority], c.sla_deadline, c.conversation_id)
    )
