"""Schema migrations: a versioned list of SQL statements per backend, applied on open.

Each migration runs inside one transaction with its row in ``schema_migrations``, so a crash
mid-way leaves the database at the previous version. A released migration is never edited:
a change of schema is a new version at the end of its list. The SQLite backend keeps one file
per store (as releases before migrations did), so it has one list per file; PostgreSQL has one
list over one database. Several workers starting at once are serialised by an advisory lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, LiteralString

import aiosqlite

if TYPE_CHECKING:  # the postgres extra; the SQLite migrations must not need it
    from psycopg import AsyncConnection


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[LiteralString, ...]


SQLITE_AUDIT = (
    Migration(
        1,
        "audit",
        (
            # IF NOT EXISTS: files written before migrations existed already hold the table.
            """CREATE TABLE IF NOT EXISTS audit (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id TEXT NOT NULL,
                turn INTEGER NOT NULL,
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                rule_id TEXT NOT NULL,
                detail TEXT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS audit_by_conversation ON audit (conversation_id, seq)",
        ),
    ),
)

SQLITE_CASES = (
    Migration(
        1,
        "cases",
        (
            """CREATE TABLE IF NOT EXISTS cases (
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
            )""",
            "CREATE INDEX IF NOT EXISTS cases_queue ON cases (status, priority_rank, sla_deadline)",
        ),
    ),
    Migration(
        2,
        "proposed actions",
        (
            """CREATE TABLE proposals (
                id TEXT PRIMARY KEY,
                conversation_id TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at TEXT NOT NULL,
                body TEXT NOT NULL CHECK (json_valid(body))
            )""",
            "CREATE INDEX proposals_by_conversation ON proposals (conversation_id, created_at)",
        ),
    ),
)

SQLITE_CHANNEL = (
    Migration(
        1,
        "channel messages and outbound deliveries",
        (
            """CREATE TABLE channel_messages (
                channel TEXT NOT NULL,
                message_id TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('received', 'answered')),
                reply TEXT CHECK (reply IS NULL OR json_valid(reply)),
                received_at TEXT NOT NULL,
                answered_at TEXT,
                PRIMARY KEY (channel, message_id)
            )""",
            """CREATE TABLE outbound_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id TEXT NOT NULL,
                payload TEXT NOT NULL CHECK (json_valid(payload)),
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                next_attempt_at TEXT NOT NULL,
                delivered_at TEXT
            )""",
            "CREATE INDEX outbound_due ON outbound_deliveries (next_attempt_at) "
            "WHERE delivered_at IS NULL",
        ),
    ),
)

POSTGRES = (
    Migration(
        1,
        "audit and cases",
        (
            """CREATE TABLE audit (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                conversation_id TEXT NOT NULL,
                turn INTEGER NOT NULL,
                at TIMESTAMPTZ NOT NULL,
                kind TEXT NOT NULL,
                rule_id TEXT NOT NULL,
                detail JSONB NOT NULL
            )""",
            "CREATE INDEX audit_by_conversation ON audit (conversation_id, seq)",
            """CREATE TABLE cases (
                conversation_id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                queue TEXT NOT NULL,
                priority TEXT NOT NULL,
                priority_rank INTEGER NOT NULL,
                sla_deadline TIMESTAMPTZ NOT NULL,
                status TEXT NOT NULL,
                owner TEXT,
                resolution_code TEXT,
                opened_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                summary JSONB NOT NULL
            )""",
            "CREATE INDEX cases_queue ON cases (status, priority_rank, sla_deadline)",
        ),
    ),
    Migration(
        2,
        "channel messages and outbound deliveries",
        (
            # JSON, not JSONB: replies and payloads are handed back exactly as they were stored.
            """CREATE TABLE channel_messages (
                channel TEXT NOT NULL,
                message_id TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('received', 'answered')),
                reply JSON,
                received_at TIMESTAMPTZ NOT NULL,
                answered_at TIMESTAMPTZ,
                PRIMARY KEY (channel, message_id)
            )""",
            """CREATE TABLE outbound_deliveries (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                conversation_id TEXT NOT NULL,
                payload JSON NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at TIMESTAMPTZ NOT NULL,
                next_attempt_at TIMESTAMPTZ NOT NULL,
                delivered_at TIMESTAMPTZ
            )""",
            "CREATE INDEX outbound_due ON outbound_deliveries (next_attempt_at) "
            "WHERE delivered_at IS NULL",
        ),
    ),
    Migration(
        3,
        "proposed actions",
        (
            # JSON, not JSONB: a proposal is read back exactly as it was stored.
            """CREATE TABLE proposals (
                id TEXT PRIMARY KEY,
                conversation_id TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                body JSON NOT NULL
            )""",
            "CREATE INDEX proposals_by_conversation ON proposals (conversation_id, created_at)",
        ),
    ),
)

# The advisory lock key that serialises start-up (schema changes) across workers.
POSTGRES_MIGRATION_LOCK = 0x7265736F6C7665  # "resolve"

_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
_POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)


async def migrate_sqlite(
    conn: aiosqlite.Connection, migrations: tuple[Migration, ...]
) -> list[int]:
    """Apply the migrations ``conn`` lacks, each in its own transaction; the versions applied.

    ``conn`` is in autocommit mode (``isolation_level=None``), so the transactions are ours.
    """
    await conn.execute(_TABLE)
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        done = {int(row[0]) for row in await cursor.fetchall()}
    applied = []
    for migration in migrations:
        if migration.version in done:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (?, ?, datetime('now'))",
                (migration.version, migration.name),
            )
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        applied.append(migration.version)
    return applied


async def migrate_postgres(
    conn: AsyncConnection[Any],
    migrations: tuple[Migration, ...] = POSTGRES,
) -> list[int]:
    """Apply the migrations the database lacks in one transaction; the versions applied.

    The transaction first takes the migration advisory lock, so a second worker starting at
    the same time waits, then finds the migrations recorded and applies nothing.
    """
    applied = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (POSTGRES_MIGRATION_LOCK,))
        await conn.execute(_POSTGRES_TABLE)
        cursor = await conn.execute("SELECT version FROM schema_migrations")
        done = {_first(row) for row in await cursor.fetchall()}
        for migration in migrations:
            if migration.version in done:
                continue
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
    return applied


@asynccontextmanager
async def postgres_startup_lock(conn: AsyncConnection[Any]) -> AsyncIterator[None]:
    """Hold the migration advisory lock on ``conn`` (not in a transaction) for a whole start-up.

    It is polled with ``pg_try_advisory_lock``, never waited for in a blocking call: a session
    blocked in a statement holds a snapshot, and the checkpointer's ``CREATE INDEX
    CONCURRENTLY`` (run by the worker holding the lock) waits for every older snapshot.
    """
    while True:
        cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (POSTGRES_MIGRATION_LOCK,))
        row = await cursor.fetchone()
        if row is not None and _first(row):
            break
        await asyncio.sleep(0.05)
    try:
        yield
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (POSTGRES_MIGRATION_LOCK,))


def _first(row: Any) -> int:
    """The first column of a row from a tuple or a dict row factory."""
    return int(next(iter(row.values())) if isinstance(row, dict) else row[0])
