"""Where the turn signals are kept: the :class:`SignalLog` port and how to open it.

The detectors read a time range of signals, never the conversations, so the log is the one
thing shared between the agent (one insert per finished turn) and whoever looks for patterns
(``resolve patterns``, the API, the console). The backend follows the agent's storage setting:
``signals.sqlite`` under ``RESOLVE_DATA_DIR`` (or memory, with the memory checkpointer), or a
table in the PostgreSQL database of ``RESOLVE_DATABASE_URL``.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime
from typing import Protocol

import structlog

from resolution_agent.agent.patterns.signals import TurnSignal
from resolution_agent.agent.settings import Settings

log = structlog.get_logger("resolution_agent.agent.patterns")

#: Connections of the signal log's own pool on PostgreSQL: one insert per turn needs few.
_POOL_SIZE = 2


class SignalLog(Protocol):
    """An append-only log of :class:`TurnSignal`, read back by time."""

    async def append(self, signal: TurnSignal) -> None: ...

    async def read(self, *, since: datetime, until: datetime | None = None) -> list[TurnSignal]:
        """Signals with ``since <= at < until`` (no end when ``until`` is None), oldest first."""
        ...


async def open_signal_log(settings: Settings, stack: AsyncExitStack) -> SignalLog:
    """The configured backend's signal log, migrated and open; ``stack`` closes it."""
    if settings.database_url is not None:
        from resolution_agent.agent.patterns._postgres import open_postgres_signal_log

        return await open_postgres_signal_log(
            settings.database_url.get_secret_value(), _POOL_SIZE, stack
        )
    from resolution_agent.agent.patterns._sqlite import SqliteSignalLog

    memory = settings.checkpointer == "memory"
    signals = SqliteSignalLog(None if memory else settings.data_dir / "signals.sqlite")
    await signals.open()
    stack.push_async_callback(signals.close)
    return signals


async def record_signal(signals: SignalLog | None, signal: TurnSignal) -> None:
    """Append ``signal``; a failure is logged and the customer's turn goes on.

    Patterns are a view across many conversations: one lost signal changes no reply, whereas
    failing the turn for it would lose a customer's message.
    """
    if signals is None:
        return
    try:
        await signals.append(signal)
    except Exception as exc:
        log.warning("signal_not_recorded", error=type(exc).__name__)
