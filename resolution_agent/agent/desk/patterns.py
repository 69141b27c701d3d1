"""The support lead's method of the agent: :meth:`PatternDesk.pattern_alerts`.

What the pattern detectors (:mod:`agent.patterns`) find across many conversations, read from
the agent's signal log at the agent's clock, so the console's Patterns page, its JSON and any
embedder see the same alerts as ``resolve patterns``.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime, timedelta

from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.patterns import Alert
from resolution_agent.agent.patterns.log import SignalLog, open_signal_log
from resolution_agent.agent.wiring import Wiring

#: How far back closed alerts are listed when the caller does not say.
RECENT = timedelta(hours=24)


class PatternDesk(Wiring):
    """Pattern alerts over the agent's signal log."""

    # The log and the exit stack it was opened on: an agent opened again opens it again.
    _pattern_signals: tuple[AsyncExitStack, SignalLog] | None = None

    async def pattern_alerts(self, *, since: datetime | None = None) -> list[Alert]:
        """Alerts open now, and closed ones last seen at or after ``since`` (default: the
        last 24 hours), in the order they opened.

        Detection replays the signal log from a week before ``since`` (to learn what is
        normal) up to now, in a worker thread; nothing is cached between calls.
        """
        from resolution_agent.agent.patterns.service import current_alerts
        from resolution_agent.agent.understanding.classifier.embedding import shared_encoder

        _, deps = self._require()
        now = deps.clock()
        if since is None:
            since = now - RECENT
        elif since.tzinfo is None:
            raise InvalidRequestError("since needs a time zone, e.g. 2026-11-27T09:00:00+00:00")
        if since > now:
            raise InvalidRequestError(f"since ({since.isoformat()}) is after now")
        return await current_alerts(
            await self._signal_log(),
            since=since,
            now=now,
            encoder=shared_encoder(threads=self.settings.intent_threads),
        )

    async def _signal_log(self) -> SignalLog:
        """The signal log of this opening of the agent, opened on first use."""
        stack = self._stack
        if stack is None:
            self._require()  # raises AgentClosedError
            raise AssertionError("an open agent has an exit stack")
        if self._pattern_signals is None or self._pattern_signals[0] is not stack:
            self._pattern_signals = (stack, await open_signal_log(self.settings, stack))
        return self._pattern_signals[1]
