"""Discrete-event simulation of the chat desk under one routing policy.

Events (a heap ordered by time, then kind, then insertion) are arrivals, customers giving up,
chats ending, COps going on and off shift, and decision rounds every ``interval`` seconds, at
which the policy assigns the waiting cases to free slots in one batch, as a real router
would. Nothing is random here: all chance was drawn up front in the workload, so a seed
fixes the whole run and each policy sees identical customers.
"""

from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass

import numpy as np

from resolution_agent.agent.routing._model import SECONDS_PER_DAY
from resolution_agent.agent.routing._round import DecisionRound, Policy, check_assignment
from resolution_agent.agent.routing._tables import ClassTables, CopArrays, FloatArray, IntArray
from resolution_agent.agent.routing._workload import Workload

# Event kinds, in the order they are handled at the same instant: a chat that ends and a
# shift that starts free capacity, and arrivals and departures settle the queue, before the
# decision round at that instant looks at it.
_COMPLETE, _SHIFT, _ARRIVE, _ABANDON, _DECIDE = range(5)
_WAITING, _SERVED, _ABANDONED = 0, 1, 2


@dataclass(frozen=True)
class Outcome:
    """What happened to every case (NaN / -1 where it did not happen), and desk totals."""

    policy: str
    served_at: FloatArray
    abandoned_at: FloatArray
    cop: IntArray
    fit: FloatArray
    best_fit: FloatArray
    busy_seconds: float
    available_seconds: float
    queue_times: FloatArray
    queue_lengths: IntArray
    decision_seconds: FloatArray
    wall_seconds: float
    peak_load: IntArray


class Simulator:
    """Runs policies over one workload; the roster tables are built once and shared."""

    def __init__(self, workload: Workload, *, interval: float = 20.0, sample_every: float = 300.0):
        self.workload = workload
        self.interval = interval
        self.sample_every = sample_every
        self.cops = CopArrays.from_cops(workload.cops)
        self.tables = ClassTables(self.cops, workload.class_keys)

    def run(self, policy: Policy) -> Outcome:
        started = time.perf_counter()
        run = _Run(self, policy)
        run.loop()
        return run.outcome(time.perf_counter() - started)


class _Run:
    def __init__(self, sim: Simulator, policy: Policy) -> None:
        w = sim.workload
        self.sim, self.policy, self.w = sim, policy, w
        n, c = w.n_cases, sim.cops.size
        self.state = np.zeros(n, dtype=np.int8)
        self.served_at = np.full(n, np.nan)
        self.abandoned_at = np.full(n, np.nan)
        self.cop = np.full(n, -1, dtype=np.int64)
        self.fit = np.full(n, np.nan)
        self.best_fit = np.full(n, np.nan)
        self.load = np.zeros(c, dtype=np.int64)
        self.peak_load = np.zeros(c, dtype=np.int64)
        self.on_shift = sim.cops.on_shift(0.0)
        self.best_now = self._best_on_shift()
        self.shift_changed = False
        self.pool = np.zeros(0, dtype=np.int64)
        self.arrived: list[int] = []
        self.unresolved = n
        self.busy = 0.0
        self.samples: list[tuple[float, int]] = []
        self.next_sample = 0.0
        self.decision_seconds: list[float] = []
        self.heap: list[tuple[float, int, int, int]] = []
        self.seq = itertools.count()

    def push(self, at: float, kind: int, payload: int) -> None:
        heapq.heappush(self.heap, (at, kind, next(self.seq), payload))

    def loop(self) -> None:
        if self.unresolved:
            self.push(float(self.w.arrival[0]), _ARRIVE, 0)
        for j in range(self.sim.cops.size):
            start, end = self.sim.cops.shift_start[j], self.sim.cops.shift_end[j]
            if start != end:
                self.push(float(start), _SHIFT, 2 * j + 1)
                self.push(float(end), _SHIFT, 2 * j)
        self.push(self.sim.interval, _DECIDE, 0)
        while self.unresolved and self.heap:
            at, kind, _, payload = heapq.heappop(self.heap)
            if kind == _ARRIVE:
                self.arrived.append(payload)
                self.push(at + float(self.w.patience[payload]), _ABANDON, payload)
                if payload + 1 < self.w.n_cases:
                    self.push(float(self.w.arrival[payload + 1]), _ARRIVE, payload + 1)
            elif kind == _ABANDON:
                if self.state[payload] == _WAITING:
                    self.state[payload] = _ABANDONED
                    self.abandoned_at[payload] = at
                    self.unresolved -= 1
            elif kind == _COMPLETE:
                self.load[payload] -= 1
            elif kind == _SHIFT:
                self.on_shift[payload // 2] = bool(payload % 2)
                self.shift_changed = True
                self.push(at + SECONDS_PER_DAY, _SHIFT, payload)
            else:
                self.decide(at)
                self.push(at + self.sim.interval, _DECIDE, 0)

    def decide(self, now: float) -> None:
        if self.arrived:
            self.pool = np.concatenate([self.pool, np.array(self.arrived, dtype=np.int64)])
            self.arrived.clear()
        self.pool = self.pool[self.state[self.pool] == _WAITING]
        free = np.where(self.on_shift, np.maximum(self.sim.cops.capacity - self.load, 0), 0)
        if self.pool.size and free.any():
            self.assign(now, free.astype(np.int64))
        if now >= self.next_sample:
            self.samples.append((now, int(self.pool.size)))
            self.next_sample += self.sim.sample_every

    def assign(self, now: float, free: IntArray) -> None:
        w, pool = self.w, self.pool
        decision = DecisionRound(
            now=now,
            case_class=w.case_class[pool],
            priority=w.priority[pool],
            waiting_since=w.arrival[pool],
            deadline=w.deadline[pool],
            free=free,
            tables=self.sim.tables,
        )
        started = time.perf_counter()
        assignment = self.policy.assign(decision)
        self.decision_seconds.append(time.perf_counter() - started)
        check_assignment(decision, assignment)
        if assignment.size == 0:
            return
        if self.shift_changed:
            self.best_now = self._best_on_shift()
            self.shift_changed = False
        ids, cops = pool[assignment.case], assignment.cop
        fit = self.sim.tables.fit[w.case_class[ids], cops]
        hold = w.handle[ids] * (1.0 + w.config.handle_times.slowdown * (1.0 - fit))
        self.state[ids] = _SERVED
        self.served_at[ids] = now
        self.cop[ids] = cops
        self.fit[ids] = fit
        self.best_fit[ids] = self.best_now[w.case_class[ids]]
        self.load += np.bincount(cops, minlength=self.load.size)
        np.maximum(self.peak_load, self.load, out=self.peak_load)
        self.unresolved -= ids.size
        horizon = w.horizon
        self.busy += float((np.minimum(now + hold, horizon) - min(now, horizon)).sum())
        for cop, end in zip(cops.tolist(), (now + hold).tolist(), strict=True):
            self.push(end, _COMPLETE, cop)
        self.pool = pool[self.state[pool] == _WAITING]

    def _best_on_shift(self) -> FloatArray:
        tables = self.sim.tables
        best: FloatArray = np.where(tables.eligible & self.on_shift, tables.fit, -1.0).max(axis=1)
        return best

    def outcome(self, wall: float) -> Outcome:
        return Outcome(
            policy=self.policy.name,
            served_at=self.served_at,
            abandoned_at=self.abandoned_at,
            cop=self.cop,
            fit=self.fit,
            best_fit=self.best_fit,
            busy_seconds=self.busy,
            available_seconds=_available_seconds(self.sim.cops, self.w.horizon),
            queue_times=np.array([t for t, _ in self.samples], dtype=np.float64),
            queue_lengths=np.array([q for _, q in self.samples], dtype=np.int64),
            decision_seconds=np.array(self.decision_seconds, dtype=np.float64),
            wall_seconds=wall,
            peak_load=self.peak_load,
        )


def _available_seconds(cops: CopArrays, horizon: float) -> float:
    """Slot-seconds on shift within [0, horizon]: capacity times time on shift."""
    start, end = cops.shift_start, cops.shift_end
    length = np.where(end > start, end - start, end + SECONDS_PER_DAY - start)
    total = np.zeros(cops.size)
    for day in range(-1, int(horizon // SECONDS_PER_DAY) + 1):
        begin = day * SECONDS_PER_DAY + start
        total += np.clip(np.minimum(begin + length, horizon) - np.maximum(begin, 0.0), 0, None)
    return float((total * cops.capacity).sum())
