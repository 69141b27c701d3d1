"""The signal log as the table ``pattern_signals`` of the agent's PostgreSQL database.

Its migrations share ``schema_migrations`` with the storage's list, numbered from 1001 so the
two lists never claim the same version.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime

from psycopg.types.json import Jsonb

from resolution_agent.agent.patterns.signals import TurnSignal
from resolution_agent.agent.storage._migrations import Migration, migrate_postgres
from resolution_agent.agent.storage._open import open_pool
from resolution_agent.agent.storage.postgres import Pool

POSTGRES_SIGNALS = (
    Migration(
        1001,
        "pattern signals",
        (
            """CREATE TABLE pattern_signals (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                conversation_id TEXT NOT NULL,
                body JSONB NOT NULL
            )""",
            "CREATE INDEX pattern_signals_by_time ON pattern_signals (at)",
        ),
    ),
)


class PostgresSignalLog:
    """One autocommitted insert per signal: safe with any number of workers."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def append(self, signal: TurnSignal) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO pattern_signals (at, conversation_id, body) VALUES (%s, %s, %s)",
                (signal.at, signal.conversation_id, Jsonb(signal.model_dump(mode="json"))),
            )

    async def read(self, *, since: datetime, until: datetime | None = None) -> list[TurnSignal]:
        async with self._pool.connection() as conn:
            if until is None:
                cursor = await conn.execute(
                    "SELECT body::text AS body FROM pattern_signals WHERE at >= %s "
                    "ORDER BY at, seq",
                    (since,),
                )
            else:
                cursor = await conn.execute(
                    "SELECT body::text AS body FROM pattern_signals WHERE at >= %s AND at < %s "
                    "ORDER BY at, seq",
                    (since, until),
                )
            rows = await cursor.fetchall()
        return [TurnSignal.model_validate_json(r["body"]) for r in rows]


async def open_postgres_signal_log(url: str, size: int, stack: AsyncExitStack) -> PostgresSignalLog:
    """A pool of the log's own (so a slow read never holds the turns' connections), migrated."""
    pool = await open_pool(url, size, stack, name="pattern-signals")
    async with pool.connection() as conn:
        await migrate_postgres(conn, POSTGRES_SIGNALS)
    return PostgresSignalLog(pool)
