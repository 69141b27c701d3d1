"""Checkpoint retention: superseded checkpoints pruned, idle conversations deleted after N days.

LangGraph saves a checkpoint after every graph step (about seven a turn), and only the latest
of a conversation is ever read again: ``aget_state`` reads it, and a turn a crash interrupted
resumes from it and its pending writes. So :func:`prune_checkpoints`

- always deletes a conversation's **superseded** checkpoints (all but its latest, with their
  pending writes), whatever their age: the audit log, not the checkpoints, is the record of
  what happened;
- with ``RESOLVE_CHECKPOINT_RETENTION_DAYS`` set, deletes a **whole conversation** whose
  latest checkpoint is older than that, unless its case is still open (queued or claimed: a
  COp needs the transcript). Its audit trail and its case stay: they are the bank's record.

What the latest checkpoint of a kept conversation holds is never lost. Its append-only lists
(transcript, actions ...) are stored as the entries each step added, rebuilt from the older
checkpoints' writes (:mod:`agent.storage.snapshots`), so first, under the conversation's lock,
a checkpoint holding them whole is added on top of it; the checkpoints older than that one are
then deleted with their writes in one transaction (SQL on both backends: LangGraph's own
``aprune`` refuses threads with such lists). A conversation whose last turn is unfinished (a
crash between steps) keeps all its checkpoints until the turn has run. Deleting a conversation
happens only if no checkpoint was added since it was found idle. A checkpoint's age is read
from its id, a UUIDv6 that starts with the time it was written.

``resolve storage prune`` runs this once (:func:`prune_storage`); ``resolve serve`` every
``RESOLVE_CHECKPOINT_PRUNE_INTERVAL_S`` (:func:`prune_periodically`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

import structlog
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.settings import Settings
from resolution_agent.agent.storage._open import Storage, open_storage
from resolution_agent.agent.storage.integrity import (
    CONVERSATION_DAMAGE,
    is_postgres,
    postgres_connection,
)
from resolution_agent.agent.storage.snapshots import snapshot_latest

log = structlog.get_logger(__name__)

Backend = Literal["sqlite", "postgres", "memory"]
#: 100-ns intervals from the UUID epoch (1582-10-15) to the Unix epoch.
_UUID_EPOCH = 0x01B21DD213814000


class PruneReport(BaseModel):
    """What one :func:`prune_checkpoints` did."""

    model_config = ConfigDict(frozen=True)

    backend: Backend
    conversations: int
    checkpoints_before: int
    checkpoints_after: int
    conversations_deleted: int
    kept_for_open_cases: int
    seconds: float

    @property
    def checkpoints_deleted(self) -> int:
        return self.checkpoints_before - self.checkpoints_after


@dataclass(frozen=True, slots=True)
class _Thread:
    thread_id: str
    latest: str  # checkpoint id of the latest checkpoint
    checkpoints: int
    namespaces: int

    @property
    def superseded(self) -> bool:
        return self.checkpoints > self.namespaces


class _Tables(Protocol):
    backend: Backend

    async def threads(self) -> list[_Thread]: ...

    async def keep_from(self, thread_id: str, checkpoint_id: str) -> None:
        """Delete the thread's checkpoints older than ``checkpoint_id``, with their writes."""
        ...

    async def delete_unless_changed(self, thread_id: str, latest: str) -> bool: ...


def checkpoint_time(checkpoint_id: str) -> datetime | None:
    """When a checkpoint was written, from its UUIDv6 id; None for an id of another kind."""
    try:
        value = uuid.UUID(checkpoint_id)
    except ValueError:
        return None
    if value.version != 6:
        return None
    bits = value.int
    ticks = ((bits >> 96) << 28) | (((bits >> 80) & 0xFFFF) << 12) | ((bits >> 64) & 0x0FFF)
    return datetime.fromtimestamp((ticks - _UUID_EPOCH) / 10_000_000, UTC)


async def prune_checkpoints(
    storage: Storage, *, retention_days: int | None, now: datetime | None = None
) -> PruneReport:
    """Delete superseded checkpoints, and conversations idle past ``retention_days``."""
    started = time.perf_counter()
    tables = _tables_of(storage.checkpointer)
    if tables is None:  # memory: nothing outlives the process anyway
        return PruneReport(
            backend="memory",
            conversations=0,
            checkpoints_before=0,
            checkpoints_after=0,
            conversations_deleted=0,
            kept_for_open_cases=0,
            seconds=0.0,
        )
    threads = await tables.threads()
    before = sum(t.checkpoints for t in threads)
    deleted: set[str] = set()
    kept_open = 0
    if retention_days is not None:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
        open_cases = {c.conversation_id for c in await storage.cases.list()}
        for thread in threads:
            written = checkpoint_time(thread.latest)
            if written is None or written >= cutoff:
                continue
            # A conversation set aside as damaged goes with the conversation it came from.
            if thread.thread_id.split("#", 1)[0] in open_cases:
                kept_open += 1
                continue
            async with storage.locks.hold(thread.thread_id):
                if await tables.delete_unless_changed(thread.thread_id, thread.latest):
                    deleted.add(thread.thread_id)
    for thread in threads:
        if thread.superseded and thread.thread_id not in deleted:
            async with storage.locks.hold(thread.thread_id):
                await _keep_latest(storage, tables, thread.thread_id)
    after = sum(t.checkpoints for t in await tables.threads())
    report = PruneReport(
        backend=tables.backend,
        conversations=len(threads),
        checkpoints_before=before,
        checkpoints_after=after,
        conversations_deleted=len(deleted),
        kept_for_open_cases=kept_open,
        seconds=round(time.perf_counter() - started, 4),
    )
    log.info("checkpoints_pruned", **report.model_dump())
    return report


async def _keep_latest(storage: Storage, tables: _Tables, thread_id: str) -> None:
    try:
        keep_from = await snapshot_latest(storage.checkpointer, thread_id)
    except CONVERSATION_DAMAGE as exc:  # unreadable: kept whole for whoever investigates
        log.warning("checkpoint_prune_skipped", thread_id=thread_id, error=type(exc).__name__)
        return
    if keep_from is not None:
        await tables.keep_from(thread_id, keep_from)


async def prune_storage(settings: Settings, *, now: datetime | None = None) -> PruneReport:
    """Open the configured storage, prune it (``resolve storage prune``), close it."""
    async with AsyncExitStack() as stack:
        storage = await open_storage(settings, stack)
        return await prune_checkpoints(
            storage, retention_days=settings.checkpoint_retention_days, now=now
        )


async def prune_periodically(
    prune: Callable[[], Awaitable[PruneReport]],
    *,
    interval_s: float,
    first_after_s: float = 60.0,
) -> None:
    """Run ``prune`` after ``first_after_s``, then every ``interval_s``, until cancelled.

    The first run waits so that a restart does not compete with the first customers; a
    failed run is logged and the next one tries again, the service keeps serving.
    """
    delay = first_after_s
    while True:
        await asyncio.sleep(delay)
        delay = interval_s
        try:
            await prune()
        except Exception as exc:  # storage trouble: /readyz reports it, the next run retries
            log.warning("checkpoint_prune_failed", error=f"{type(exc).__name__}: {exc}"[:300])


def _tables_of(checkpointer: BaseCheckpointSaver[Any]) -> _Tables | None:
    if isinstance(checkpointer, AsyncSqliteSaver):
        return _SqliteTables(checkpointer)
    if is_postgres(checkpointer):
        return _PostgresTables(checkpointer)
    return None


_THREADS_SQL = (
    "SELECT thread_id, MAX(checkpoint_id) AS latest, COUNT(*) AS checkpoints, "
    "COUNT(DISTINCT checkpoint_ns) AS namespaces FROM checkpoints GROUP BY thread_id"
)


class _SqliteTables:
    backend: Backend = "sqlite"

    def __init__(self, saver: AsyncSqliteSaver) -> None:
        self._saver = saver

    async def threads(self) -> list[_Thread]:
        await self._saver.setup()
        async with self._saver.lock, self._saver.conn.execute(_THREADS_SQL) as cursor:
            rows = await cursor.fetchall()
        return [_Thread(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]

    async def keep_from(self, thread_id: str, checkpoint_id: str) -> None:
        older = "thread_id = ? AND checkpoint_id < ?"
        await self._in_transaction(
            (f"DELETE FROM writes WHERE {older}", (thread_id, checkpoint_id)),
            (f"DELETE FROM checkpoints WHERE {older}", (thread_id, checkpoint_id)),
            # the kept checkpoint's parent is gone: no dangling reference
            (
                "UPDATE checkpoints SET parent_checkpoint_id = NULL "
                "WHERE thread_id = ? AND checkpoint_id = ?",
                (thread_id, checkpoint_id),
            ),
        )

    async def delete_unless_changed(self, thread_id: str, latest: str) -> bool:
        # One statement decides, so a checkpoint another process adds meanwhile saves the
        # conversation; its writes follow only if its checkpoints went.
        changes = await self._in_transaction(
            (
                "DELETE FROM checkpoints WHERE thread_id = ? "
                "AND (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = ?) = ?",
                (thread_id, thread_id, latest),
            ),
            (
                "DELETE FROM writes WHERE thread_id = ? "
                "AND NOT EXISTS (SELECT 1 FROM checkpoints WHERE thread_id = ?)",
                (thread_id, thread_id),
            ),
        )
        return changes[0] > 0

    async def _in_transaction(self, *statements: tuple[str, Sequence[str]]) -> list[int]:
        conn = self._saver.conn
        counts: list[int] = []
        async with self._saver.lock:
            try:
                for sql, params in statements:
                    async with conn.execute(sql, tuple(params)) as cursor:
                        counts.append(cursor.rowcount)
                await conn.commit()
            except BaseException:
                await conn.rollback()
                raise
        return counts


class _PostgresTables:
    backend: Backend = "postgres"

    def __init__(self, saver: BaseCheckpointSaver[Any]) -> None:
        self._saver = saver

    async def threads(self) -> list[_Thread]:
        async with postgres_connection(self._saver) as conn:
            cursor = await conn.execute(_THREADS_SQL)
            rows = await cursor.fetchall()
        return [
            _Thread(
                str(r["thread_id"]), str(r["latest"]), int(r["checkpoints"]), int(r["namespaces"])
            )
            for r in rows
        ]

    async def keep_from(self, thread_id: str, checkpoint_id: str) -> None:
        older = "thread_id = %s AND checkpoint_id < %s"
        async with postgres_connection(self._saver) as conn, conn.transaction():
            await conn.execute(
                f"DELETE FROM checkpoint_writes WHERE {older}", (thread_id, checkpoint_id)
            )
            await conn.execute(f"DELETE FROM checkpoints WHERE {older}", (thread_id, checkpoint_id))
            await conn.execute(
                "UPDATE checkpoints SET parent_checkpoint_id = NULL "
                "WHERE thread_id = %s AND checkpoint_id = %s",
                (thread_id, checkpoint_id),
            )
            # channel values no remaining checkpoint refers to
            await conn.execute(
                "DELETE FROM checkpoint_blobs b WHERE b.thread_id = %s AND NOT EXISTS ("
                "SELECT 1 FROM checkpoints c WHERE c.thread_id = b.thread_id "
                "AND c.checkpoint_ns = b.checkpoint_ns "
                "AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)",
                (thread_id,),
            )

    async def delete_unless_changed(self, thread_id: str, latest: str) -> bool:
        # The caller holds the conversation's lock, which every worker's turn takes too.
        async with postgres_connection(self._saver) as conn:
            cursor = await conn.execute(
                "SELECT MAX(checkpoint_id) AS latest FROM checkpoints WHERE thread_id = %s",
                (thread_id,),
            )
            row = await cursor.fetchone()
        if row is None or row["latest"] != latest:
            return False
        await self._saver.adelete_thread(thread_id)
        return True
