"""Scenario runs in worker processes: a suite on every core, one report whatever their number.

Why processes: an offline scenario run is CPU work in one event loop (graph, guards,
templates, the mock bank, the classifier), so more conversations in flight in one process do
not make a suite faster; more processes do. Each worker builds what does not change per run
once, on its first jobs (a :class:`~resolution_agent.evals.runner.SuiteRunner` with the
scenarios' banks and the agent's shared parts: models, templates, start-up checks), then runs
chunk after chunk of jobs, each as one process would (its own copy of the bank, its own agent,
storage and conversation id), grades them there and sends back only the graded results.

Workers are started with ``spawn``: a fresh interpreter that imports what it needs, rather
than a fork of a parent that holds threads (progress ticker, embedding threads), which can
deadlock a child and which Python deprecates.

Determinism: results are put back in the order of the jobs and each run is isolated, so the
report does not depend on the number of workers (a test holds it).

A worker that dies (a crash in native code, ``os._exit``, the kernel's OOM killer) breaks the
pool and loses every chunk in flight. Those jobs are run again one at a time in a fresh
worker, so the job that kills a worker on its own is found and recorded as a crash (its error
starts with :data:`WORKER_CRASHED`), the others get their own results, and the rest of the
suite goes on in a fresh pool. Nothing is lost and nothing counted twice.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import Scenario
from resolution_agent.evals.runner import Job, PlannerFactory, Progress, RunRecord, SuiteRunner

#: How a run whose worker process died is recorded: its ``error`` starts with this.
WORKER_CRASHED = "WorkerCrashed"
T = TypeVar("T")


#: Starting a worker (a fresh interpreter importing the agent, then its models and the
#: scenarios' banks) costs about as much CPU as this many offline scenario runs: fewer runs
#: per worker than that are quicker in fewer processes.
RUNS_PER_WORKER = 50


def default_workers(runs: int) -> int:
    """One worker per CPU this process may use, but no more than one per
    :data:`RUNS_PER_WORKER` runs (a small suite runs in this process)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, runs // RUNS_PER_WORKER))


@dataclass(frozen=True)
class SuitePlan(Generic[T]):
    """Everything a worker needs, sent to it once when it starts (so it must pickle)."""

    settings: Settings
    scenarios: tuple[Scenario, ...]
    jobs: tuple[Job, ...]
    #: Grades one run in the worker (a module-level function, such as ``metrics.grade``).
    finish: Callable[[RunRecord], T]
    planner: PlannerFactory | None = None
    time_limit_s: float | None = None
    #: Conversations in flight in one worker at once (they share its event loop).
    concurrency: int = 1


class _Worker(Generic[T]):
    """The runner and event loop of one worker process, built on its first chunk."""

    def __init__(self, plan: SuitePlan[T]) -> None:
        self._plan = plan
        self._loop = asyncio.new_event_loop()
        self._runner = SuiteRunner(
            plan.settings, plan.scenarios, planner=plan.planner, time_limit_s=plan.time_limit_s
        )

    def run(self, indices: Sequence[int]) -> list[T]:
        jobs = [self._plan.jobs[i] for i in indices]
        return self._loop.run_until_complete(
            self._runner.run(jobs, self._plan.finish, concurrency=self._plan.concurrency)
        )


#: The worker of this process. A process pool calls module-level functions, so this is where a
#: worker keeps what it built between chunks; it is set only inside worker processes.
_worker: _Worker[Any] | None = None
_plan: SuitePlan[Any] | None = None


def _start(plan: SuitePlan[Any]) -> None:
    """Pool initializer: keep the plan; the expensive building waits for the first chunk, so
    that a failure there (a bad data file) comes back as that exception, not a broken pool."""
    global _plan
    _plan = plan


def _run_chunk(indices: list[int]) -> list[Any]:
    global _worker
    if _worker is None:
        assert _plan is not None, "a worker runs chunks only after _start"
        _worker = _Worker(_plan)
    return _worker.run(indices)


async def run_in_workers(
    plan: SuitePlan[T],
    *,
    workers: int,
    chunk: int = 1,
    progress: Progress | None = None,
) -> list[T]:
    """``plan.finish`` of every job's record, in the order of ``plan.jobs``, run by
    ``workers`` processes in chunks of ``chunk`` jobs."""
    total = len(plan.jobs)
    results: dict[int, T] = {}

    def record(index: int, result: T) -> None:
        results[index] = result
        if progress is not None:
            progress(len(results), total)

    todo: deque[list[int]] = deque(
        list(range(start, min(start + chunk, total))) for start in range(0, total, chunk)
    )
    while todo:
        suspects = await _run_pool(plan, workers, todo, record)
        await _run_alone(plan, suspects, record)
    return [results[i] for i in range(total)]


async def _run_pool(
    plan: SuitePlan[T],
    workers: int,
    todo: deque[list[int]],
    record: Callable[[int, T], None],
) -> list[int]:
    """Run chunks from ``todo`` until it is empty or the pool breaks; the jobs that were in
    flight when it broke are returned (the suspects)."""
    loop = asyncio.get_running_loop()
    with _pool(plan, workers) as pool:
        flying: dict[asyncio.Future[list[T]], list[int]] = {}
        lost: list[int] = []  # the jobs of every chunk in flight when the pool broke
        while flying or (todo and not lost):
            while todo and not lost and len(flying) < workers:
                indices = todo.popleft()
                flying[_submit(loop, pool, indices)] = indices
            done, _ = await asyncio.wait(flying, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                indices = flying.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    lost.extend(indices)
                    continue
                for index, result in zip(indices, future.result(), strict=True):
                    record(index, result)
    return sorted(lost)


async def _run_alone(
    plan: SuitePlan[T], suspects: Sequence[int], record: Callable[[int, T], None]
) -> None:
    """Each suspect alone in one worker: one that still breaks it is recorded as crashed."""
    loop = asyncio.get_running_loop()
    pool: ProcessPoolExecutor | None = None
    try:
        for index in suspects:
            if pool is None:
                pool = _pool(plan, 1)
            result: T
            try:
                [result] = await _submit(loop, pool, [index])
            except BrokenProcessPool as exc:
                pool.shutdown()
                pool = None
                job = plan.jobs[index]
                crashed = RunRecord(scenario=job.scenario, attempt=job.attempt)
                crashed.error = f"{WORKER_CRASHED}: the worker process running it died ({exc})"
                result = plan.finish(crashed)
            record(index, result)
    finally:
        if pool is not None:
            pool.shutdown()


def _pool(plan: SuitePlan[T], workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(plan,),
    )


def _submit(
    loop: asyncio.AbstractEventLoop, pool: ProcessPoolExecutor, indices: list[int]
) -> asyncio.Future[list[T]]:
    future: Future[list[T]] = pool.submit(_run_chunk, indices)
    return asyncio.wrap_future(future, loop=loop)


__all__ = [
    "RUNS_PER_WORKER",
    "WORKER_CRASHED",
    "SuitePlan",
    "default_workers",
    "run_in_workers",
]
