"""How every SQLite file of the agent is opened: write-ahead log, fsync at checkpoints only.

In WAL mode with ``synchronous=NORMAL`` a commit appends to the log and returns without an
fsync; the log is synced when SQLite copies it back into the database. A process that dies
(killed, crashed, out of memory) loses nothing that was committed: the log is in the
operating system's cache and is replayed on the next open. Only a power cut or a kernel crash
can lose the last commits, and never corrupts the file. Measured on this kind of machine, one
audit append takes ~28 ms with the rollback journal and ``FULL`` and ~0.4 ms with these
settings (``benchmarks/persistence.py`` prints the commits per turn). A deployment that must
survive power loss without the log should use PostgreSQL (``RESOLVE_DATABASE_URL``).
"""

from __future__ import annotations

import aiosqlite

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


async def tune(conn: aiosqlite.Connection) -> None:
    """Put a file-backed connection in WAL mode with ``synchronous=NORMAL``."""
    for pragma in PRAGMAS:
        async with conn.execute(pragma):
            pass
