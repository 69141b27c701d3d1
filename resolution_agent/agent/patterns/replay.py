"""Running detectors over a :class:`Simulation`, as the benchmark and the tests do.

The simulation's not-understood texts come from templates, so :class:`TableEncoder` embeds each
distinct text once with the real encoder before the run and then serves vectors from that
table: the run measures the detectors, and the embedding cost is reported on its own.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from resolution_agent.agent.patterns.alerts import Alert
from resolution_agent.agent.patterns.buckets import Detector
from resolution_agent.agent.patterns.engine import PatternEngine
from resolution_agent.agent.patterns.simulation import Simulation
from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix


class TableEncoder:
    """Vectors of a fixed set of texts, embedded once by ``encoder``."""

    def __init__(self, encoder: Encoder, texts: Sequence[str]) -> None:
        started = time.perf_counter()
        unique = list(dict.fromkeys(texts))
        self._rows = {t: i for i, t in enumerate(unique)}
        self._vectors = encoder.encode(unique)
        self._identity = encoder.identity
        self.seconds = time.perf_counter() - started
        self.size = len(unique)

    @property
    def identity(self) -> str:
        return self._identity

    def encode(self, texts: list[str]) -> Matrix:
        return np.asarray(self._vectors[[self._rows[t] for t in texts]], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Replay:
    alerts: list[Alert]
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def replay(sim: Simulation, detectors: Sequence[Detector]) -> Replay:
    """Feed every simulated turn through ``detectors``; the alerts and the time it took."""
    engine = PatternEngine(detectors, learn_until=sim.learn_until)
    started = time.perf_counter()
    engine.feed_all(sim.signals())
    engine.advance(sim.end)
    return Replay(engine.alerts(), engine.events, time.perf_counter() - started)
