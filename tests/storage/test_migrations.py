"""Schema migrations apply once, on open, and a reopen (or a second worker) applies nothing."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AsyncExitStack
from pathlib import Path

import aiosqlite
import psycopg
import pytest

from resolution_agent.agent.storage import open_storage
from resolution_agent.agent.storage._migrations import (
    POSTGRES,
    SQLITE_AUDIT,
    SQLITE_CASES,
    SQLITE_CHANNEL,
    Migration,
    migrate_postgres,
    migrate_sqlite,
)
from tests.storage.conftest import storage_settings

SQLITE_FILES = {
    "audit.sqlite": SQLITE_AUDIT,
    "cases.sqlite": SQLITE_CASES,
    "channel.sqlite": SQLITE_CHANNEL,
}


async def test_sqlite_migrations_apply_once_and_a_reopen_applies_nothing(tmp_path: Path) -> None:
    db = tmp_path / "channel.sqlite"
    async with aiosqlite.connect(db, isolation_level=None) as conn:
        first = await migrate_sqlite(conn, SQLITE_CHANNEL)
        again = await migrate_sqlite(conn, SQLITE_CHANNEL)
    async with aiosqlite.connect(db, isolation_level=None) as conn:
        reopened = await migrate_sqlite(conn, SQLITE_CHANNEL)

    assert first == [m.version for m in SQLITE_CHANNEL]
    assert again == reopened == []
    with sqlite3.connect(db) as conn:
        recorded = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert recorded == first
    assert {"channel_messages", "outbound_deliveries"} <= tables


async def test_opening_the_sqlite_storage_twice_records_each_files_migrations_once(
    tmp_path: Path,
) -> None:
    settings = storage_settings("sqlite", tmp_path, None)
    for _ in range(2):
        async with AsyncExitStack() as stack:
            await open_storage(settings, stack)

    for name, migrations in SQLITE_FILES.items():
        with sqlite3.connect(tmp_path / name) as conn:
            rows = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        assert rows == [(m.version, m.name) for m in migrations], name


async def test_an_audit_file_from_before_migrations_keeps_its_events(tmp_path: Path) -> None:
    legacy = tmp_path / "audit.sqlite"
    with sqlite3.connect(legacy) as conn:
        conn.executescript(SQLITE_AUDIT[0].statements[0] + ";")
        conn.execute(
            "INSERT INTO audit (conversation_id, turn, at, kind, rule_id, detail) "
            "VALUES ('conv-1', 1, '2026-11-27T10:00:00+00:00', 'guard', 'AG-1', '{}')"
        )
    conn.close()  # sqlite3's context manager commits but does not close

    async with AsyncExitStack() as stack:
        storage = await open_storage(storage_settings("sqlite", tmp_path, None), stack)
        events = await storage.audit.events("conv-1")

    assert [(e.rule_id, e.turn) for e in events] == [("AG-1", 1)]


async def test_a_failing_sqlite_migration_leaves_no_trace(tmp_path: Path) -> None:
    broken = (*SQLITE_CHANNEL[:1], Migration(2, "broken", ("CREATE nonsense",)))
    async with aiosqlite.connect(tmp_path / "x.sqlite", isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await migrate_sqlite(conn, broken)
        async with conn.execute("SELECT version FROM schema_migrations") as cursor:
            recorded = [r[0] for r in await cursor.fetchall()]
    assert recorded == [1]


def _postgres_state(url: str) -> tuple[list[int], set[str]]:
    with psycopg.connect(url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        }
    return versions, tables


@pytest.mark.postgres
async def test_postgres_migrations_apply_once_and_a_reopen_applies_nothing(
    database_url: str,
) -> None:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        first = await migrate_postgres(conn)
        again = await migrate_postgres(conn)

    versions, tables = _postgres_state(database_url)
    assert first == [m.version for m in POSTGRES] and again == []
    assert versions == first
    assert {"audit", "cases", "channel_messages", "outbound_deliveries"} <= tables


@pytest.mark.postgres
async def test_workers_starting_together_migrate_the_database_once(
    database_url: str, tmp_path: Path
) -> None:
    settings = storage_settings("postgres", tmp_path, database_url)

    async def start() -> None:
        async with AsyncExitStack() as stack:
            await open_storage(settings, stack)

    await asyncio.gather(*(start() for _ in range(4)))  # checkpointer set-up included
    await start()

    versions, tables = _postgres_state(database_url)
    assert versions == [m.version for m in POSTGRES]
    assert {"checkpoints", "checkpoint_blobs", "checkpoint_writes", "audit"} <= tables


@pytest.mark.postgres
async def test_a_failing_postgres_migration_rolls_back_entirely(database_url: str) -> None:
    broken = (*POSTGRES, Migration(99, "broken", ("CREATE nonsense",)))
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.SyntaxError):
            await migrate_postgres(conn, broken)
        cursor = await conn.execute("SELECT to_regclass('schema_migrations')::text")
        row = await cursor.fetchone()
    assert row == (None,)
