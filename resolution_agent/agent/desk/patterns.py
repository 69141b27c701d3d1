"""The support lead's method of the agent: :meth:`PatternDesk.pattern_alerts`.

What the pattern detectors (:mod:`agent.patterns`) find across many conversations, read from
the agent's signal log (the one every finished turn writes to) at the agent's clock, so the
console's Patterns page, its JSON and any embedder see the alerts ``resolve patterns`` would
print.

Why an engine is kept between calls: detection learns from a week of history, and replaying
a week of a bank's turns (hundreds of thousands of signals) on every page view would take
minutes. The first call replays the log from a week before ``since``, as
:func:`agent.patterns.service.current_alerts` does; later calls feed the engine only the
signals recorded since (a stream fed in pieces gives what one pass would), at the cost of the
new signals alone. A call that asks for an earlier ``since`` than the engine covers replays
again from there. Signals are read up to a minute before now, so a turn whose signal is
written a moment after its time is never skipped (alerts are a minute behind at most, in
ten-minute buckets).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from resolution_agent.agent.errors import AgentClosedError, InvalidRequestError
from resolution_agent.agent.patterns import Alert, TurnSignal
from resolution_agent.agent.patterns.log import SignalLog
from resolution_agent.agent.wiring import Wiring

if TYPE_CHECKING:  # NumPy, SciPy and scikit-learn load only when patterns are asked for
    from resolution_agent.agent.patterns.engine import PatternEngine

#: How far back closed alerts are listed when the caller does not say.
RECENT = timedelta(hours=24)
#: How long after its time a turn's signal may still be written.
LAG = timedelta(minutes=1)


@dataclass
class _Watch:
    """The engine over one signal log (one opening of the agent), and how far it has read."""

    log: SignalLog
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    engine: PatternEngine | None = None
    #: The earliest ``since`` the engine answers for (it learned from a week before it).
    covers: datetime | None = None
    #: Every signal before this has been fed.
    read_until: datetime | None = None


class PatternDesk(Wiring):
    """Pattern alerts over the agent's signal log."""

    _pattern_watch: _Watch | None = None

    async def pattern_alerts(self, *, since: datetime | None = None) -> list[Alert]:
        """Alerts open now, and closed ones last seen at or after ``since`` (default: the
        last 24 hours), in the order they opened."""
        _, deps = self._require()
        now = deps.clock()
        if since is None:
            since = now - RECENT
        elif since.tzinfo is None:
            raise InvalidRequestError("since needs a time zone, e.g. 2026-11-27T09:00:00+00:00")
        if since > now:
            raise InvalidRequestError(f"since ({since.isoformat()}) is after now")
        watch = self._watch()
        async with watch.lock:
            until = now - LAG
            start = watch.read_until
            if (
                start is None
                or watch.engine is None
                or watch.covers is None
                or since < watch.covers
                or until < start  # the clock went back (a test's, or a restored host)
            ):
                from resolution_agent.agent.patterns.service import HISTORY

                start, watch.engine, watch.covers = since - HISTORY, None, since
            signals = await watch.log.read(since=start, until=until)
            watch.engine = await asyncio.to_thread(self._fed, watch.engine, signals, until=until)
            watch.read_until = until
            alerts = [] if watch.engine is None else watch.engine.alerts()
        return [a for a in alerts if a.is_open or a.last_seen_at >= since]

    def _watch(self) -> _Watch:
        """The watch over this opening's signal log (no ``await`` here: two first calls
        share one)."""
        log = self._signals
        if log is None:
            raise AgentClosedError(
                "the agent is not open; use `async with ResolutionAgent(settings) as agent:`"
            )
        if self._pattern_watch is None or self._pattern_watch.log is not log:
            self._pattern_watch = _Watch(log=log)
        return self._pattern_watch

    def _fed(
        self, engine: PatternEngine | None, signals: list[TurnSignal], *, until: datetime
    ) -> PatternEngine | None:
        """``engine`` (made on the first signal, as a replay makes it) fed and advanced."""
        from resolution_agent.agent.patterns.engine import PatternEngine
        from resolution_agent.agent.patterns.service import LEARNING, default_detectors
        from resolution_agent.agent.understanding.classifier.embedding import shared_encoder

        if engine is None:
            if not signals:
                return None
            encoder = shared_encoder(threads=self.settings.intent_threads)
            engine = PatternEngine(default_detectors(encoder), learn_until=signals[0].at + LEARNING)
        engine.feed_all(signals)
        engine.advance(until)
        return engine
