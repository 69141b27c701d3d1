"""The scale-out backend: the stores as tables of one PostgreSQL database, over a pool.

Every worker shares the database, so every write is one autocommitted statement (or an
upsert) that is safe when two workers race. Timestamps are ``timestamptz`` read back in UTC;
the audit detail and the case summary are ``jsonb``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypeAlias

from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.desk.cases import Case, CaseStatus, most_urgent_first
from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.storage.base import (
    DELIVERY_LEASE,
    Claim,
    Delivery,
    UnknownRecordError,
    utc_now,
)
from resolution_agent.agent.vocabulary import PRIORITY_RANK

Pool: TypeAlias = AsyncConnectionPool[AsyncConnection[DictRow]]


class _PostgresStore:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool


class PostgresAuditLog(_PostgresStore):
    """The audit log in the table ``audit``."""

    async def append(self, event: AuditEvent) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO audit (conversation_id, turn, at, kind, rule_id, detail) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    event.conversation_id,
                    event.turn,
                    event.at,
                    event.kind,
                    event.rule_id,
                    Jsonb(event.detail),
                ),
            )

    async def events(self, conversation_id: str) -> list[AuditEvent]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT conversation_id, turn, at, kind, rule_id, detail::text AS detail "
                "FROM audit WHERE conversation_id = %s ORDER BY seq",
                (conversation_id,),
            )
            rows = await cursor.fetchall()
        return [
            AuditEvent(
                conversation_id=r["conversation_id"],
                turn=r["turn"],
                at=r["at"],
                kind=r["kind"],
                rule_id=r["rule_id"],
                detail=json.loads(r["detail"]),
            )
            for r in rows
        ]


class PostgresCaseStore(_PostgresStore):
    """The cases in the table ``cases``."""

    async def save(self, case: Case) -> None:
        """Store the case, replacing the conversation's earlier one."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO cases (conversation_id, customer_id, queue, priority, "
                "priority_rank, sla_deadline, status, owner, resolution_code, opened_at, "
                "updated_at, summary) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (conversation_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, "
                "queue = EXCLUDED.queue, priority = EXCLUDED.priority, "
                "priority_rank = EXCLUDED.priority_rank, sla_deadline = EXCLUDED.sla_deadline, "
                "status = EXCLUDED.status, owner = EXCLUDED.owner, "
                "resolution_code = EXCLUDED.resolution_code, opened_at = EXCLUDED.opened_at, "
                "updated_at = EXCLUDED.updated_at, summary = EXCLUDED.summary",
                (
                    case.conversation_id,
                    case.customer_id,
                    case.queue,
                    case.priority,
                    PRIORITY_RANK[case.priority],
                    case.sla_deadline,
                    case.status,
                    case.owner,
                    case.resolution_code,
                    case.opened_at,
                    case.updated_at,
                    Jsonb(case.summary.model_dump(mode="json")),
                ),
            )

    async def get(self, conversation_id: str) -> Case | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                f"SELECT {_CASE_COLUMNS} FROM cases WHERE conversation_id = %s",
                (conversation_id,),
            )
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
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                f"SELECT {_CASE_COLUMNS} FROM cases WHERE status = ANY(%s)", (list(statuses),)
            )
            cases = [_case(r) for r in await cursor.fetchall()]
        # Ordered in Python, as the SQLite store does: the database's collation may order
        # conversation ids differently from Python.
        return most_urgent_first(cases, queue=queue, skill=skill, statuses=statuses)


class PostgresChannelMessages(_PostgresStore):
    """Channel-message de-duplication in the table ``channel_messages``."""

    async def claim(
        self,
        channel: str,
        message_id: str,
        conversation_id: str,
        *,
        now: datetime | None = None,
    ) -> Claim:
        """Record the message as received (unless it was); what is recorded of it."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO channel_messages "
                "(channel, message_id, conversation_id, state, received_at) "
                "VALUES (%s, %s, %s, 'received', %s) ON CONFLICT (channel, message_id) DO NOTHING",
                (channel, message_id, conversation_id, utc_now(now)),
            )
            cursor = await conn.execute(
                "SELECT conversation_id, reply::text AS reply FROM channel_messages "
                "WHERE channel = %s AND message_id = %s",
                (channel, message_id),
            )
            row = await cursor.fetchone()
        assert row is not None  # inserted above, or there already
        reply = row["reply"]
        return Claim(
            conversation_id=row["conversation_id"], reply_json=None if reply is None else str(reply)
        )

    async def answer(
        self, channel: str, message_id: str, reply_json: str, *, now: datetime | None = None
    ) -> None:
        """Record the reply to a claimed message; a redelivery gets it from :meth:`claim`."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE channel_messages SET state = 'answered', reply = %s::json, "
                "answered_at = %s WHERE channel = %s AND message_id = %s",
                (reply_json, utc_now(now), channel, message_id),
            )
            _require_one(cursor.rowcount, f"channel message {channel}/{message_id}")


class PostgresOutbox(_PostgresStore):
    """Outbound deliveries in the table ``outbound_deliveries``."""

    async def enqueue(
        self, conversation_id: str, payload: str, *, now: datetime | None = None
    ) -> int:
        """Add a payload (JSON text), due at ``now``; its delivery id."""
        at = utc_now(now)
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO outbound_deliveries "
                "(conversation_id, payload, created_at, next_attempt_at) "
                "VALUES (%s, %s::json, %s, %s) RETURNING id",
                (conversation_id, payload, at, at),
            )
            row = await cursor.fetchone()
        assert row is not None
        return int(row["id"])

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Undelivered payloads due by ``now``, the longest waiting first."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE outbound_deliveries SET next_attempt_at = %s WHERE id IN ("
                "SELECT id FROM outbound_deliveries "
                "WHERE delivered_at IS NULL AND next_attempt_at <= %s "
                "ORDER BY next_attempt_at, id LIMIT %s FOR UPDATE SKIP LOCKED) "
                "RETURNING id, conversation_id, payload::text AS payload, attempts, created_at, "
                "next_attempt_at",
                (now + DELIVERY_LEASE, now, limit),
            )
            rows = await cursor.fetchall()
        return sorted((Delivery.model_validate(dict(r)) for r in rows), key=lambda d: d.id)

    async def since(self, conversation_id: str, after_id: int, limit: int) -> list[Delivery]:
        """A conversation's payloads with an id above ``after_id``, delivered or not, in id
        order."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT id, conversation_id, payload::text AS payload, attempts, created_at, "
                "next_attempt_at, delivered_at FROM outbound_deliveries "
                "WHERE conversation_id = %s AND id > %s ORDER BY id LIMIT %s",
                (conversation_id, after_id, limit),
            )
            rows = await cursor.fetchall()
        return [Delivery.model_validate(dict(r)) for r in rows]

    async def mark_delivered(self, delivery_id: int, at: datetime) -> None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE outbound_deliveries SET delivered_at = %s, attempts = attempts + 1 "
                "WHERE id = %s",
                (at, delivery_id),
            )
            _require_one(cursor.rowcount, f"delivery {delivery_id}")

    async def mark_failed(self, delivery_id: int, next_attempt_at: datetime) -> None:
        """Count a failed attempt and set when to try again."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE outbound_deliveries SET next_attempt_at = %s, attempts = attempts + 1 "
                "WHERE id = %s",
                (next_attempt_at, delivery_id),
            )
            _require_one(cursor.rowcount, f"delivery {delivery_id}")


_CASE_COLUMNS = (
    "conversation_id, customer_id, queue, priority, sla_deadline, status, owner, "
    "resolution_code, opened_at, updated_at, summary::text AS summary"
)


def _require_one(rowcount: int, what: str) -> None:
    if rowcount != 1:
        raise UnknownRecordError(f"no {what} is stored; claim or enqueue it first")


def _case(row: DictRow) -> Case:
    return Case(
        conversation_id=row["conversation_id"],
        customer_id=row["customer_id"],
        queue=row["queue"],
        priority=row["priority"],
        sla_deadline=row["sla_deadline"],
        status=row["status"],
        owner=row["owner"],
        resolution_code=row["resolution_code"],
        opened_at=row["opened_at"],
        updated_at=row["updated_at"],
        summary=HandoffSummary.model_validate_json(row["summary"]),
    )
