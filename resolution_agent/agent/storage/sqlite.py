"""The embedded backend: each store in its own SQLite file under ``data_dir``, or in memory.

A store opened without a path uses an in-memory SQLite database, so the memory mode runs the
same SQL (and the same migrations) as the files do and nothing survives the process.
Connections are in autocommit mode: each write is durable when it returns.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import aiosqlite

from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.desk.cases import Case, CaseStatus, most_urgent_first
from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.storage._migrations import (
    SQLITE_AUDIT,
    SQLITE_CASES,
    SQLITE_CHANNEL,
    Migration,
    migrate_sqlite,
)
from resolution_agent.agent.storage._pragmas import tune
from resolution_agent.agent.storage.base import (
    DELIVERY_LEASE,
    Claim,
    Delivery,
    UnknownRecordError,
    utc_now,
)
from resolution_agent.agent.storage.integrity import check_sqlite_file, damaged_file
from resolution_agent.agent.vocabulary import PRIORITY_RANK


class SqliteStore:
    """One SQLite database (a file, or memory when ``path`` is None), migrated on open."""

    migrations: ClassVar[tuple[Migration, ...]]

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        if self._path is not None:
            check_sqlite_file(self._path)
            self._path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self._path or ":memory:", isolation_level=None)
        try:
            if self._path is not None:
                await tune(self._db)
            await migrate_sqlite(self._db, self.migrations)
        except sqlite3.DatabaseError as exc:
            await self.close()
            if self._path is None:
                raise
            raise damaged_file(self._path, str(exc)) from exc
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    def _require_file(self) -> None:
        """Raise unless the file is still there. In WAL mode SQLite goes on writing into the
        open log of a deleted file, so a deleted data dir would swallow writes unnoticed;
        the audit checks before each append, so no write reaches the bank unrecorded."""
        if self._path is not None and not self._path.exists():
            raise sqlite3.OperationalError(f"disk I/O error: {self._path} was deleted")

    @property
    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError(f"{type(self).__name__} is not open; call open() first")
        return self._db


class SqliteAuditLog(SqliteStore):
    """The audit log in ``audit.sqlite`` (or memory)."""

    migrations = SQLITE_AUDIT

    async def append(self, event: AuditEvent) -> None:
        self._require_file()
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

    async def events(self, conversation_id: str) -> list[AuditEvent]:
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


class SqliteCaseStore(SqliteStore):
    """The cases in ``cases.sqlite`` (or memory)."""

    migrations = SQLITE_CASES

    async def save(self, case: Case) -> None:
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

    async def get(self, conversation_id: str) -> Case | None:
        async with self._conn.execute(
            "SELECT * FROM cases WHERE conversation_id = ?", (conversation_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _case(row) if row else None

    async def list(
        self,
        *,
        queue: str | None = None,
        skill: str | None = None,
        statuses: tuple[CaseStatus, ...] = ("queued", "claimed"),
    ) -> list[Case]:
        """Cases in ``statuses`` (and ``queue``, with ``skill``), most urgent first."""
        async with self._conn.execute("SELECT * FROM cases") as cursor:
            cases = [_case(r) for r in await cursor.fetchall()]
        return most_urgent_first(cases, queue=queue, skill=skill, statuses=statuses)


class SqliteChannelMessages(SqliteStore):
    """Channel-message de-duplication in ``channel.sqlite`` (or memory)."""

    migrations = SQLITE_CHANNEL

    async def claim(
        self,
        channel: str,
        message_id: str,
        conversation_id: str,
        *,
        now: datetime | None = None,
    ) -> Claim:
        """Record the message as received (unless it was); what is recorded of it."""
        await self._conn.execute(
            "INSERT INTO channel_messages "
            "(channel, message_id, conversation_id, state, received_at) "
            "VALUES (?, ?, ?, 'received', ?) ON CONFLICT (channel, message_id) DO NOTHING",
            (channel, message_id, conversation_id, _utc(utc_now(now))),
        )
        async with self._conn.execute(
            "SELECT conversation_id, reply FROM channel_messages "
            "WHERE channel = ? AND message_id = ?",
            (channel, message_id),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None  # inserted above, or there already
        return Claim(conversation_id=row[0], reply_json=None if row[1] is None else str(row[1]))

    async def answer(
        self, channel: str, message_id: str, reply_json: str, *, now: datetime | None = None
    ) -> None:
        """Record the reply to a claimed message; a redelivery gets it from :meth:`claim`."""
        cursor = await self._conn.execute(
            "UPDATE channel_messages SET state = 'answered', reply = ?, answered_at = ? "
            "WHERE channel = ? AND message_id = ?",
            (reply_json, _utc(utc_now(now)), channel, message_id),
        )
        _require_one(cursor.rowcount, f"channel message {channel}/{message_id}")


class SqliteOutbox(SqliteStore):
    """Outbound deliveries in ``channel.sqlite`` (or memory)."""

    migrations = SQLITE_CHANNEL

    async def enqueue(
        self, conversation_id: str, payload: str, *, now: datetime | None = None
    ) -> int:
        """Add a payload (JSON text), due at ``now``; its delivery id."""
        at = _utc(utc_now(now))
        cursor = await self._conn.execute(
            "INSERT INTO outbound_deliveries "
            "(conversation_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)",
            (conversation_id, payload, at, at),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Undelivered payloads due by ``now``, the longest waiting first."""
        async with self._conn.execute(
            "UPDATE outbound_deliveries SET next_attempt_at = ? WHERE id IN ("
            "SELECT id FROM outbound_deliveries WHERE delivered_at IS NULL "
            "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?) "
            "RETURNING id, conversation_id, payload, attempts, created_at, next_attempt_at",
            (_utc(now + DELIVERY_LEASE), _utc(now), limit),
        ) as cursor:
            rows = sorted(await cursor.fetchall(), key=lambda r: r[0])
        return [
            Delivery(
                id=r[0],
                conversation_id=r[1],
                payload=r[2],
                attempts=r[3],
                created_at=datetime.fromisoformat(r[4]),
                next_attempt_at=datetime.fromisoformat(r[5]),
            )
            for r in rows
        ]

    async def since(self, conversation_id: str, after_id: int, limit: int) -> list[Delivery]:
        """A conversation's payloads with an id above ``after_id``, delivered or not, in id
        order."""
        async with self._conn.execute(
            "SELECT id, conversation_id, payload, attempts, created_at, next_attempt_at, "
            "delivered_at FROM outbound_deliveries WHERE conversation_id = ? AND id > ? "
            "ORDER BY id LIMIT ?",
            (conversation_id, after_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Delivery(
                id=r[0],
                conversation_id=r[1],
                payload=r[2],
                attempts=r[3],
                created_at=datetime.fromisoformat(r[4]),
                next_attempt_at=datetime.fromisoformat(r[5]),
                delivered_at=datetime.fromisoformat(r[6]) if r[6] is not None else None,
            )
            for r in rows
        ]

    async def mark_delivered(self, delivery_id: int, at: datetime) -> None:
        cursor = await self._conn.execute(
            "UPDATE outbound_deliveries SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?",
            (_utc(at), delivery_id),
        )
        _require_one(cursor.rowcount, f"delivery {delivery_id}")

    async def mark_failed(self, delivery_id: int, next_attempt_at: datetime) -> None:
        """Count a failed attempt and set when to try again."""
        cursor = await self._conn.execute(
            "UPDATE outbound_deliveries SET next_attempt_at = ?, attempts = attempts + 1 "
            "WHERE id = ?",
            (_utc(next_attempt_at), delivery_id),
        )
        _require_one(cursor.rowcount, f"delivery {delivery_id}")


def _require_one(rowcount: int, what: str) -> None:
    if rowcount != 1:
        raise UnknownRecordError(f"no {what} is stored; claim or enqueue it first")


def _utc(at: datetime) -> str:
    """A fixed-width UTC timestamp, so text order is time order (naive times are UTC)."""
    at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return at.isoformat(timespec="microseconds")


def _case(row: aiosqlite.Row | tuple[object, ...]) -> Case:
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
