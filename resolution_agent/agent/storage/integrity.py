"""Stored data that cannot be read: found early, named in one line, never a traceback.

Two kinds of damage, handled differently:

- **A damaged file** (a SQLite file of garbage, cut short, or with a bad page) makes the whole
  store unusable: :class:`StorageError` names the file, what it holds and what to run. On
  open, :func:`check_sqlite_file` reads only the 100-byte header, so a garbage or truncated
  file stops start-up at once whatever its size; a bad page deep inside is found when it is
  read (:func:`damaged_file`), or by ``resolve storage check`` (:func:`quick_check`).
- **A damaged conversation** (its checkpoint no longer deserialises or validates) affects that
  conversation only: :func:`set_aside` moves its checkpoints to another thread id, kept for
  inspection, and the API hands the conversation off with the customer's message.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from resolution_agent.agent.errors import StorageError
from resolution_agent.agent.settings import Settings

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg.rows import DictRow

log = structlog.get_logger(__name__)

_MAGIC = b"SQLite format 3\x00"
_HEADER = 100

#: What each embedded file holds, for the message that says what moving it aside loses.
HOLDS = {
    "checkpoints.sqlite": "every stored conversation",
    "audit.sqlite": "the audit trail",
    "cases.sqlite": "the COps' cases",
    "channel.sqlite": "channel message ids and the outbox",
}

#: Errors of reading one conversation's state: its bytes do not deserialise (msgpack and
#: JSON raise ValueError), or the state they give does not validate (pydantic's
#: ValidationError is a ValueError). A database error is none of these: it is the file's.
CONVERSATION_DAMAGE: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
)


def damaged_file(path: Path, problem: str) -> StorageError:
    """The one-line error for a SQLite file that cannot be read, with what to run."""
    holds = HOLDS.get(path.name, "data the agent stored")
    return StorageError(
        f"{path} is damaged ({problem}); it holds {holds}. Stop the agent, then restore it "
        f"from a backup, or move it aside to start without it: mv {path} {path}.damaged",
        path=path,
    )


def check_sqlite_file(path: Path) -> None:
    """Raise :class:`StorageError` when ``path`` cannot be a SQLite database; O(1).

    A missing or empty file is fine (SQLite creates it). The header's page count is compared
    with the file's length only when no ``-wal`` or ``-journal`` file is beside it: with one,
    SQLite completes or rolls back the last write itself when it opens the file.
    """
    if path.is_dir():
        raise StorageError(
            f"{path} is a folder where a SQLite file belongs; move it away (mv {path} "
            f"{path}.moved) or point RESOLVE_DATA_DIR elsewhere",
            path=path,
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(_HEADER)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(
            f"{path} cannot be read ({exc.strerror}); check its owner and permissions",
            path=path,
        ) from exc
    if size == 0:
        return
    if not header.startswith(_MAGIC):
        raise damaged_file(path, "not a SQLite database")
    if len(header) < _HEADER:
        raise damaged_file(path, f"cut short at {size} bytes")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise damaged_file(path, "its header is damaged")
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # else SQLite ignores the page count itself
    pending = any(path.with_name(path.name + s).exists() for s in ("-wal", "-journal"))
    if pages and counted and not pending and size < pages * page_size:
        raise damaged_file(
            path, f"cut short: {size} bytes where its header records {pages * page_size}"
        )


def quick_check(path: Path) -> str | None:
    """What is wrong with the SQLite file ``path`` (every page read), or None when sound."""
    try:
        check_sqlite_file(path)
    except StorageError as exc:
        return str(exc)
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(damaged_file(path, str(exc)))
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return str(damaged_file(path, "; ".join(problems[:3]))) if problems else None


def check_files(settings: Settings) -> list[tuple[Path, str | None]]:
    """Each embedded SQLite file that exists, with what is wrong with it (None: sound)."""
    if settings.checkpointer == "memory":
        return []
    files = [settings.checkpoint_file, *(settings.data_dir / name for name in list(HOLDS)[1:])]
    return [(path, quick_check(path)) for path in files if path.exists()]


async def set_aside(checkpointer: BaseCheckpointSaver[Any], thread_id: str) -> str | None:
    """Move a conversation's checkpoints to a new thread id; that id, or None if deleted.

    The conversation then starts again from nothing, and its damaged rows stay in the same
    tables for whoever investigates (``#`` never occurs in a conversation id, so the new id
    cannot collide with one). The memory backend has no tables: the thread is deleted.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept_as = f"{thread_id}#damaged-{stamp}-{uuid.uuid4().hex[:6]}"
    if isinstance(checkpointer, AsyncSqliteSaver):
        await checkpointer.setup()
        async with checkpointer.lock:
            for table in ("checkpoints", "writes"):
                await checkpointer.conn.execute(
                    f"UPDATE {table} SET thread_id = ? WHERE thread_id = ?",
                    (kept_as, thread_id),
                )
            await checkpointer.conn.commit()
        return kept_as
    if is_postgres(checkpointer):
        async with postgres_connection(checkpointer) as conn, conn.transaction():
            for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
                await conn.execute(
                    f"UPDATE {table} SET thread_id = %s WHERE thread_id = %s",
                    (kept_as, thread_id),
                )
        return kept_as
    await checkpointer.adelete_thread(thread_id)
    return None


def is_postgres(checkpointer: BaseCheckpointSaver[Any]) -> bool:
    """Whether ``checkpointer`` is LangGraph's PostgreSQL saver (the extra may be absent)."""
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    except ImportError:
        return False
    return isinstance(checkpointer, AsyncPostgresSaver)


@asynccontextmanager
async def postgres_connection(
    checkpointer: BaseCheckpointSaver[Any],
) -> AsyncIterator[AsyncConnection[DictRow]]:
    """A connection of the PostgreSQL saver: from its pool, or the one it was given."""
    from psycopg_pool import AsyncConnectionPool

    conn: Any = getattr(checkpointer, "conn")  # noqa: B009 (typed per saver, not on the base)
    if isinstance(conn, AsyncConnectionPool):
        async with conn.connection() as pooled:
            yield pooled
    else:
        yield conn
