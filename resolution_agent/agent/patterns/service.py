"""The alerts of a signal log, for the CLI, the API and the console: :func:`current_alerts`.

Detection replays the log from ``history`` before ``since`` up to ``now``: the first day of what
it reads only teaches the baselines, and every alert after it is raised exactly as a live
stream would have raised it. Nothing is kept between calls (no global state), so the answer
depends only on the log and the times asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from resolution_agent.agent.patterns.alerts import Alert
from resolution_agent.agent.patterns.buckets import Detector
from resolution_agent.agent.patterns.clusters import NewClusters
from resolution_agent.agent.patterns.engine import PatternEngine
from resolution_agent.agent.patterns.log import SignalLog
from resolution_agent.agent.patterns.scams import ScamRepeats
from resolution_agent.agent.patterns.signals import TurnSignal
from resolution_agent.agent.patterns.volume import VolumeSpikes
from resolution_agent.agent.understanding.classifier.embedding import Encoder

#: How far before ``since`` the log is read to learn what is normal.
HISTORY = timedelta(days=7)
#: The start of what is read that only teaches the baselines.
LEARNING = timedelta(days=1)


def default_detectors(encoder: Encoder) -> list[Detector]:
    """The three rules: volume spikes, new clusters of messages not understood, scam repeats."""
    return [VolumeSpikes(), NewClusters(encoder), ScamRepeats()]


async def current_alerts(
    signals: SignalLog,
    *,
    since: datetime,
    now: datetime,
    history: timedelta = HISTORY,
    encoder: Encoder | None = None,
) -> list[Alert]:
    """Alerts still open at ``now`` or last seen at or after ``since``, in the order opened.

    ``encoder`` embeds the messages the agent did not understand (default: the shared MiniLM,
    opened only when there is such a message). Detection runs in a worker thread.
    """
    read = await signals.read(since=since - history, until=now)
    if encoder is None:
        from resolution_agent.agent.understanding.classifier.embedding import shared_encoder

        encoder = shared_encoder()
    return await asyncio.to_thread(
        detect, read, since=since, now=now, detectors=default_detectors(encoder)
    )


def detect(
    signals: Iterable[TurnSignal],
    *,
    since: datetime,
    now: datetime,
    detectors: Sequence[Detector],
) -> list[Alert]:
    """Run ``detectors`` over ``signals`` (in time order) up to ``now``.

    What :func:`current_alerts` returns, for callers that hold the signals already.
    """
    engine: PatternEngine | None = None
    for signal in signals:
        if engine is None:
            engine = PatternEngine(detectors, learn_until=signal.at + LEARNING)
        engine.feed(signal)
    if engine is None:
        return []
    engine.advance(now)
    return [a for a in engine.alerts() if a.is_open or a.last_seen_at >= since]
