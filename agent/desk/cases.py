"""The handoff store: the queue of cases COps work from, beside the conversation checkpoints.

A case opens when the agent hands a conversation off; from then on the queue owns the
conversation. COps claim, reply and close cases through the async API (and the console), and
the store is what the console lists, ordered by priority and SLA deadline.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import aiosqlite
from pydantic import BaseModel, ConfigDict

from agent.handoff_model import HandoffSummary
from agent.vocabulary import PRIORITY_RANK, Priority, Queue

CaseStatus = Literal["queued", "claimed", "closed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    conversation_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    queue TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_rank INTEGER NOT NULL,
    sla_deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    owner TEXT,
    resolution_code TEXT,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_queue ON cases (status, priority_rank, sla_deadline);
"""


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


class CaseStore:
    """Cases in SQLite (``<data_dir>/cases.sqlite``), or in memory for tests and evals."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._conn: aiosqlite.Connection | None = None
        self._memory: dict[str, Case] = {}

    async def open(self) -> None:
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = await aiosqlite.connect(self._path)
            await self._conn.executescript(_SCHEMA)
            await self._conn.commit()

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def save(self, case: Case) -> None:
        if self._conn is None:
            self._memory[case.conversation_id] = case
            return
        await self._conn.execute(
            "INSERT OR REPLACE INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case.conversation_id,
                case.customer_id,
                case.queue,
                case.priority,
                PRIORITY_RANK[case.priority],
                case.sla_deadline.isoformat(),
                case.status,
                case.owner,
                case.resolution_code,
                case.opened_at.isoformat(),
                case.updated_at.isoformat(),
                case.summary.model_dump_json(),
            ),
        )
        await self._conn.commit()

    async def get(self, conversation_id: str) -> Case | None:
        if self._conn is None:
            return self._memory.get(conversation_id)
        async with self._conn.execute(
            "SELECT * FROM cases WHERE conversation_id = ?", (conversation_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _from_row(row) if row else None

    async def list(
        self,
        *,
        queue: str | None = None,
        skill: str | None = None,
        statuses: tuple[CaseStatus, ...] = ("queued", "claimed"),
    ) -> list[Case]:
        """Open cases, most urgent first: priority, then the nearest SLA deadline."""
        if self._conn is None:
            cases = list(self._memory.values())
        else:
            async with self._conn.execute("SELECT * FROM cases") as cursor:
                cases = [_from_row(r) for r in await cursor.fetchall()]
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


def _from_row(row: aiosqlite.Row | tuple[object, ...]) -> Case:
    (
        conversation_id,
        customer_id,
        queue,
        priority,
        _rank,
        sla,
        status,
        owner,
        code,
        opened,
        updated,
        summary,
    ) = tuple(row)
    return Case(
        conversation_id=str(conversation_id),
        customer_id=str(customer_id),
        queue=queue,
        priority=priority,
        sla_deadline=datetime.fromisoformat(str(sla)),
        status=status,
        owner=owner,
        resolution_code=code,
        opened_at=datetime.fromisoformat(str(opened)),
        updated_at=datetime.fromisoformat(str(updated)),
        summary=HandoffSummary.model_validate_json(str(summary)),
    )
