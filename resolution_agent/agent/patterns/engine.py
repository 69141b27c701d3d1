"""The stream engine: signals in time order in, closed buckets to each detector, alerts out.

The detectors run on one core (BLAS held to one thread while they do). It holds no clock of
its own: a bucket closes when a later signal arrives or when
:meth:`PatternEngine.advance` is told the time, so a week of history and a live stream go
through the same code. Until ``learn_until`` the detectors only learn their baselines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from resolution_agent.agent.patterns.alerts import Alert
from resolution_agent.agent.patterns.buckets import BUCKET, Bucket, Detector, bucket_start
from resolution_agent.agent.patterns.incidents import IncidentTracker
from resolution_agent.agent.patterns.signals import TurnSignal


class PatternEngine:
    def __init__(
        self,
        detectors: Sequence[Detector],
        *,
        learn_until: datetime,
        bucket: timedelta = BUCKET,
        quiet_buckets: int = 6,
    ) -> None:
        self._detectors = list(detectors)
        self._learn_until = learn_until
        self._size = bucket
        self._tracker = IncidentTracker(quiet_buckets=quiet_buckets)
        self._current: Bucket | None = None
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped, unused-ignore]

        self._threads = ThreadpoolController()
        self.events = 0

    def feed(self, signal: TurnSignal) -> None:
        """Take one signal; signals must come in time order (a late one joins the open bucket)."""
        if self._current is None:
            start = bucket_start(signal.at, self._size)
            self._current = self._bucket(start)
        elif signal.at >= self._current.end:
            self.advance(signal.at)
        assert self._current is not None
        self._current.signals.append(signal)
        self.events += 1

    def feed_all(self, signals: Iterable[TurnSignal]) -> None:
        for signal in signals:
            self.feed(signal)

    def advance(self, now: datetime) -> None:
        """Close every bucket that ends by ``now`` (empty ones included: silence is data)."""
        if self._current is None or self._current.end > now:
            return
        # One core: the small matrix products here run ten times slower when BLAS spreads
        # them over threads that other work is using.
        with self._threads.limit(limits=1):
            while self._current.end <= now:
                done = self._current
                findings = [f for d in self._detectors for f in d.observe(done)]
                self._tracker.update(done.end, findings)
                self._current = self._bucket(done.end)

    def alerts(self) -> list[Alert]:
        return self._tracker.alerts()

    def _bucket(self, start: datetime) -> Bucket:
        return Bucket(start=start, end=start + self._size, learning=start < self._learn_until)
