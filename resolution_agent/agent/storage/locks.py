"""Per-conversation locks: two messages of one conversation never run at once.

:class:`LocalConversationLocks` serialises within one process (the embedded backends serve
one process). :class:`PostgresConversationLocks` serialises across every worker sharing the
database with a session advisory lock, held on a pooled connection for as long as the turn runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:  # the postgres extra; an install without it still has the local locks
    from psycopg import AsyncConnection
    from psycopg.rows import DictRow
    from psycopg_pool import AsyncConnectionPool

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # holders and waiters


class LocalConversationLocks:
    """One asyncio lock per conversation, dropped when nobody holds or waits on it."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def __len__(self) -> int:
        """How many conversations have a holder or a waiter now."""
        return len(self._entries)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        entry = self._entries.setdefault(conversation_id, _Entry())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[conversation_id]


_LOCK = "SELECT pg_advisory_lock(hashtextextended(%s, 0))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(%s, 0))"


class PostgresConversationLocks:
    """An advisory lock per conversation, keyed by the hash of its id, across all workers.

    Within the process a local lock is taken first, so waiters of one conversation queue
    there and hold at most one connection of ``pool`` each worker. ``pool`` should not be the
    pool the turn's own queries use: holders would starve it.
    """

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[DictRow]]) -> None:
        self._pool = pool
        self._local = LocalConversationLocks()

    def __len__(self) -> int:
        return len(self._local)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        async with self._local.hold(conversation_id), self._pool.connection() as conn:
            try:
                await conn.execute(_LOCK, (conversation_id,))
            except BaseException:
                # Cancelled or failed mid-call: whether the lock was taken is unknown, and
                # ending the session releases every advisory lock it holds.
                await conn.close()
                raise
            try:
                yield
            finally:
                try:
                    await conn.execute(_UNLOCK, (conversation_id,))
                except BaseException as exc:
                    await conn.close()  # releases the lock; the pool replaces the connection
                    if not isinstance(exc, Exception):
                        raise
                    log.warning("conversation_unlock_failed", error=type(exc).__name__)
