"""The signal log in its own SQLite file (``signals.sqlite``), or in memory."""

from __future__ import annotations

from datetime import UTC, datetime

from resolution_agent.agent.patterns.signals import TurnSignal
from resolution_agent.agent.storage._migrations import Migration
from resolution_agent.agent.storage.sqlite import SqliteStore

SQLITE_SIGNALS = (
    Migration(
        1,
        "turn signals",
        (
            """CREATE TABLE signals (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                body TEXT NOT NULL
            )""",
            "CREATE INDEX signals_by_time ON signals (at)",
        ),
    ),
)


class SqliteSignalLog(SqliteStore):
    """Signals as JSON rows keyed by a fixed-width UTC time, so text order is time order."""

    migrations = SQLITE_SIGNALS

    async def append(self, signal: TurnSignal) -> None:
        await self._conn.execute(
            "INSERT INTO signals (at, conversation_id, body) VALUES (?, ?, ?)",
            (_utc(signal.at), signal.conversation_id, signal.model_dump_json()),
        )

    async def read(self, *, since: datetime, until: datetime | None = None) -> list[TurnSignal]:
        query = "SELECT body FROM signals WHERE at >= ?"
        args = [_utc(since)]
        if until is not None:
            query += " AND at < ?"
            args.append(_utc(until))
        async with self._conn.execute(query + " ORDER BY at, seq", args) as cursor:
            rows = await cursor.fetchall()
        return [TurnSignal.model_validate_json(r[0]) for r in rows]


def _utc(at: datetime) -> str:
    at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return at.isoformat(timespec="microseconds")
