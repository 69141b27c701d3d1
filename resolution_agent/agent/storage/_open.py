"""Choosing and opening the storage backend: the one place the setting is read."""

from __future__ import annotations

import sqlite3
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from resolution_agent.agent import extras
from resolution_agent.agent.audit import AuditLog
from resolution_agent.agent.desk.cases import CaseStore
from resolution_agent.agent.desk.proposals import ProposalStore
from resolution_agent.agent.graph import checkpoint_serializer
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.storage._migrations import migrate_postgres, postgres_startup_lock
from resolution_agent.agent.storage._pragmas import tune
from resolution_agent.agent.storage.base import (
    ChannelMessages,
    ConversationLocks,
    OutboundDeliveries,
)
from resolution_agent.agent.storage.integrity import check_sqlite_file, damaged_file
from resolution_agent.agent.storage.locks import LocalConversationLocks, PostgresConversationLocks
from resolution_agent.agent.storage.proposals import SqliteProposalStore
from resolution_agent.agent.storage.sqlite import (
    SqliteAuditLog,
    SqliteCaseStore,
    SqliteChannelMessages,
    SqliteOutbox,
    SqliteStore,
)
from resolution_agent.tools.errors import ConfigurationError

if TYPE_CHECKING:
    from resolution_agent.agent.storage.postgres import Pool

_Store = TypeVar("_Store", bound=SqliteStore)
_CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Storage:
    """Everything the agent keeps: the checkpoints and the stores beside them."""

    checkpointer: BaseCheckpointSaver[Any]
    audit: AuditLog
    cases: CaseStore
    proposals: ProposalStore
    channel_messages: ChannelMessages
    deliveries: OutboundDeliveries
    locks: ConversationLocks


async def open_storage(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> Storage:
    """Open the configured backend, migrated; ``stack`` closes it.

    ``RESOLVE_DATABASE_URL`` set: PostgreSQL for everything. Unset: SQLite files under
    ``data_dir``, or memory when ``checkpointer`` is ``"memory"``. A ``checkpointer`` passed
    in replaces the configured one (the stores still come from the settings).
    """
    check_backend_installed(settings)
    if settings.database_url is not None:
        return await _open_postgres(settings, stack, checkpointer)
    return await _open_embedded(settings, stack, checkpointer)


async def _open_embedded(
    s: Settings, stack: AsyncExitStack, checkpointer: BaseCheckpointSaver[Any] | None
) -> Storage:
    memory = s.checkpointer == "memory"
    if checkpointer is None:
        if memory:
            checkpointer = InMemorySaver(serde=checkpoint_serializer())
        else:
            check_sqlite_file(s.checkpoint_file)
            s.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
            saver = await stack.enter_async_context(
                AsyncSqliteSaver.from_conn_string(str(s.checkpoint_file))
            )
            saver.serde = checkpoint_serializer()
            try:
                await saver.setup()  # a file SQLite cannot read fails start-up, not a turn
                await tune(saver.conn)
            except sqlite3.DatabaseError as exc:
                raise damaged_file(s.checkpoint_file, str(exc)) from exc
            checkpointer = saver

    async def opened(store: _Store) -> _Store:
        await store.open()
        stack.push_async_callback(store.close)
        return store

    def file(name: str) -> Path | None:
        return None if memory else s.data_dir / name

    return Storage(
        checkpointer=checkpointer,
        audit=await opened(SqliteAuditLog(file("audit.sqlite"))),
        cases=await opened(SqliteCaseStore(file("cases.sqlite"))),
        proposals=await opened(SqliteProposalStore(file("cases.sqlite"))),
        channel_messages=await opened(SqliteChannelMessages(file("channel.sqlite"))),
        deliveries=await opened(SqliteOutbox(file("channel.sqlite"))),
        locks=LocalConversationLocks(),
    )


def check_backend_installed(settings: Settings) -> None:
    """The configured backend's modules import, or ConfigurationError naming the extra.

    PostgreSQL's (the ``postgres`` extra) are imported only in this module's functions, never
    at the top of a module: an install without the extra runs the embedded backends. Commands
    whose storage opens later, inside a server, call this first to fail with one line.
    """
    if settings.database_url is None:
        return
    extras.require(
        "postgres",
        "psycopg",
        "psycopg_pool",
        "langgraph.checkpoint.postgres.aio",
        needed_by="RESOLVE_DATABASE_URL (the PostgreSQL backend)",
    )


async def _open_postgres(
    s: Settings, stack: AsyncExitStack, checkpointer: BaseCheckpointSaver[Any] | None
) -> Storage:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    from resolution_agent.agent.storage.postgres import (
        PostgresAuditLog,
        PostgresCaseStore,
        PostgresChannelMessages,
        PostgresOutbox,
    )
    from resolution_agent.agent.storage.proposals import PostgresProposalStore

    assert s.database_url is not None
    url = s.database_url.get_secret_value()
    pool = await open_pool(url, s.database_pool_size, stack, name="storage")
    # The locks get a pool of their own: a holder keeps its connection for the whole turn,
    # and must never starve the turn's own queries of connections.
    locks_pool = await open_pool(url, s.database_pool_size, stack, name="conversation-locks")
    saver = AsyncPostgresSaver(pool, serde=checkpoint_serializer())

    async with pool.connection() as conn, postgres_startup_lock(conn):
        await migrate_postgres(conn)
        if checkpointer is None:
            await saver.setup()  # LangGraph's own migrations, on another pooled connection
    return Storage(
        checkpointer=checkpointer or saver,
        audit=PostgresAuditLog(pool),
        cases=PostgresCaseStore(pool),
        proposals=PostgresProposalStore(pool),
        channel_messages=PostgresChannelMessages(pool),
        deliveries=PostgresOutbox(pool),
        locks=PostgresConversationLocks(locks_pool),
    )


async def open_pool(url: str, size: int, stack: AsyncExitStack, *, name: str) -> Pool:
    """An open connection pool as LangGraph's Postgres checkpointer needs it (autocommit, dict
    rows, no prepared statements), each session in UTC; ``stack`` closes it."""
    from psycopg import AsyncConnection
    from psycopg.rows import DictRow, dict_row
    from psycopg_pool import AsyncConnectionPool, PoolTimeout

    async def utc(conn: AsyncConnection[DictRow]) -> None:
        await conn.execute("SET TIME ZONE 'UTC'")

    pool = AsyncConnectionPool(
        url,
        connection_class=AsyncConnection[DictRow],
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        min_size=1,
        max_size=size,
        configure=utc,
        name=name,
        open=False,
    )
    try:
        await pool.open(wait=True, timeout=_CONNECT_TIMEOUT_S)
    except PoolTimeout:
        await pool.close()
        raise ConfigurationError(
            f"could not connect to the PostgreSQL database of RESOLVE_DATABASE_URL within "
            f"{_CONNECT_TIMEOUT_S:g} s; check the URL (host, port, user, password, database) "
            "and that the server accepts connections"
        ) from None
    stack.push_async_callback(pool.close)
    return pool
