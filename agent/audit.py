"""The audit trail: every guard decision, tool call and reply incident, appended durably.

One SQLite table (``audit`` in ``<data_dir>/audit.sqlite``), append-only, one row per event,
keyed by conversation. Arguments are stored (ids and enum values, never free text from the
customer), so a reviewer can replay why each action did or did not run.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

import aiosqlite
from pydantic import BaseModel, ConfigDict, JsonValue

EventKind = Literal["guard", "tool_call", "output", "escalation", "input"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    turn INTEGER NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_conversation ON audit (conversation_id, seq);
"""


class AuditEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    conversation_id: str
    turn: int
    at: datetime
    kind: EventKind
    rule_id: str
    detail: dict[str, JsonValue]


class AuditLog:
    """Append-only audit events; SQLite when given a path, in memory otherwise."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._conn: aiosqlite.Connection | None = None
        self._memory: list[AuditEvent] = []

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

    async def append(self, event: AuditEvent) -> None:
        if self._conn is None:
            self._memory.append(event)
            return
        await self._conn.execute(
            "INSERT INTO audit (conversation_id, turn, at, kind, rule_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                event.conversation_id,
                event.turn,
                event.at.isoformat(),
                event.kind,
                event.rule_id,
                json.dumps(event.detail, sort_keys=True),
            ),
        )
        await self._conn.commit()

    async def events(self, conversation_id: str) -> list[AuditEvent]:
        if self._conn is None:
            return [e for e in self._memory if e.conversation_id == conversation_id]
        async with self._conn.execute(
            "SELECT conversation_id, turn, at, kind, rule_id, detail FROM audit "
            "WHERE conversation_id = ? ORDER BY seq",
            (conversation_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            AuditEvent(
                conversation_id=r[0],
                turn=r[1],
                at=datetime.fromisoformat(r[2]),
                kind=r[3],
                rule_id=r[4],
                detail=json.loads(r[5]),
            )
            for r in rows
        ]
