"""Throughput of the real graph driven by an LLM planner on a simulated model.

The simulated model answers every call after a fixed latency (``asyncio.sleep``, 300 ms by
default): first a ``list_cards`` tool call, then a short reply, so each turn is two model calls
(about 600 ms of model time), one bank read through the action guard, and two plan steps.
For 1, 10 and 100 concurrent conversations it prints turns per second, median and p95 turn
time, and the overhead per turn: turn time minus the planner's measured model time, split into
the planner's own work (prompt, tools, parsing) and the rest of the graph and API, and the
overhead as a share of the model time (the target: at most 10% at 100 conversations).

One event loop is one core: when the graph's work per turn fills it, turns queue behind each
other and the overhead grows with the conversations. ``--processes 1 2`` runs each level
again split over that many processes (each its own agent, as ``resolve serve`` workers are,
its share of the conversations, all starting together after their warm-up), so the table
shows how turns per second scale with processes on this machine.

    python benchmarks/llm_throughput.py [--latency-ms 300] [--turns 3] [--checkpointer memory]
        [--classifier embedding|keywords] [--concurrency 1 10 100] [--processes 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Literal

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.models import (
    ModelRequest,
    ModelResponse,
    StreamDone,
    StreamEvent,
    TokenUsage,
    ToolCallPart,
)
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.state import ConversationState, Proposal
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

MESSAGE = "I've lost my card, I think I left it on the bus"


class TimedPlanner:
    """The LLM planner, with the wall time of its plan steps added up per turn."""

    def __init__(self, inner: LLMPlanner) -> None:
        self.inner = inner
        self.spent_ms: dict[tuple[str, int], float] = defaultdict(float)

    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        started = time.perf_counter()
        try:
            return await self.inner.plan(state, ctx)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.spent_ms[(state.conversation_id, state.turn)] += elapsed


class SimulatedModel:
    """A model with a fixed latency: a tool call on the first call of a turn, then a reply."""

    def __init__(self, latency_s: float) -> None:
        self._latency_s = latency_s

    @property
    def name(self) -> str:
        return "simulated:fixed-latency"

    async def complete(self, request: ModelRequest) -> ModelResponse:
        await asyncio.sleep(self._latency_s)
        usage = TokenUsage(input_tokens=len(request.system) // 4, output_tokens=25)
        if request.meta is not None and request.meta.call == 1:
            call = ToolCallPart(
                id="call_1", name="list_cards", arguments='{"customer_id":"cus_1001"}'
            )
            return ModelResponse(tool_calls=[call], finish="tool_calls", usage=usage)
        return ModelResponse(text="I can see both of your cards. Which one is lost?", usage=usage)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        yield StreamDone(response=await self.complete(request))

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class Result:
    concurrency: int
    wall_s: float
    turn_ms: list[float]
    overhead_ms: list[float]
    model_ms: list[float]
    planner_ms: list[float]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


async def run(
    concurrency: int,
    turns: int,
    latency_s: float,
    checkpointer: Literal["memory", "sqlite"],
    classifier: Literal["embedding", "keywords"],
    start: Barrier | None = None,
    name: str = "",
) -> Result:
    llm = LLMPlanner(SimulatedModel(latency_s), config=LLMPlannerConfig(fast_path=False))
    planner = TimedPlanner(llm)
    turn_ms: list[float] = []
    overhead_ms: list[float] = []
    model_ms: list[float] = []
    planner_ms: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            checkpointer=checkpointer,
            clock=DEFAULT_CLOCK,
            intent_classifier=classifier,
            # The project's trained intent models (cached by data hash), not a fresh folder
            # that would train them again for every concurrency level.
            models_dir=Settings().intent_models_dir,
        )
        async with ResolutionAgent(settings, planner=planner) as agent:
            await agent.handle_message("warm-up", "cus_1001", MESSAGE)

            async def conversation(index: int) -> None:
                conversation_id = f"bench-{name}{concurrency}-{index}"
                for _ in range(turns):
                    started = time.perf_counter()
                    reply = await agent.handle_message(conversation_id, "cus_1001", MESSAGE)
                    elapsed = (time.perf_counter() - started) * 1000
                    spent = llm.turn_usage(conversation_id, reply.turn).model_ms
                    planning = planner.spent_ms[(conversation_id, reply.turn)]
                    turn_ms.append(elapsed)
                    model_ms.append(spent)
                    overhead_ms.append(elapsed - spent)
                    planner_ms.append(planning - spent)

            if start is not None:  # every process warm before any conversation starts
                await asyncio.to_thread(start.wait)
            started = time.perf_counter()
            await asyncio.gather(*(conversation(i) for i in range(concurrency)))
            wall_s = time.perf_counter() - started
    return Result(concurrency, wall_s, turn_ms, overhead_ms, model_ms, planner_ms)


def _child(
    queue: multiprocessing.Queue[Result],
    start: Barrier,
    name: str,
    concurrency: int,
    turns: int,
    latency_s: float,
    checkpointer: Literal["memory", "sqlite"],
    classifier: Literal["embedding", "keywords"],
) -> None:
    queue.put(
        asyncio.run(run(concurrency, turns, latency_s, checkpointer, classifier, start, name))
    )


def in_processes(
    processes: int,
    concurrency: int,
    turns: int,
    latency_s: float,
    checkpointer: Literal["memory", "sqlite"],
    classifier: Literal["embedding", "keywords"],
) -> Result:
    """``concurrency`` conversations split over ``processes`` spawned processes, as one result
    (turns per second over the slowest process's wall time)."""
    if processes == 1:
        return asyncio.run(run(concurrency, turns, latency_s, checkpointer, classifier))
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[Result] = context.Queue()
    start = context.Barrier(processes)
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    children = [
        context.Process(
            target=_child,
            args=(queue, start, f"p{i}-", share, turns, latency_s, checkpointer, classifier),
        )
        for i, share in enumerate(shares)
    ]
    for process in children:
        process.start()
    results = [queue.get() for _ in children]
    for process in children:
        process.join()
    return Result(
        concurrency=concurrency,
        wall_s=max(r.wall_s for r in results),
        turn_ms=[v for r in results for v in r.turn_ms],
        overhead_ms=[v for r in results for v in r.overhead_ms],
        model_ms=[v for r in results for v in r.model_ms],
        planner_ms=[v for r in results for v in r.planner_ms],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--turns", type=int, default=3, help="turns per conversation")
    parser.add_argument("--checkpointer", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--processes", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--classifier",
        choices=["embedding", "keywords"],
        default="embedding",
        help="intent classifier: the default MiniLM model, or the keyword list (no model)",
    )
    args = parser.parse_args()
    print(
        f"simulated model {args.latency_ms:.0f} ms per call, 2 calls + list_cards per turn, "
        f"{args.turns} turns per conversation, {args.checkpointer} checkpoints, "
        f"{args.classifier} intent classifier"
    )
    print(
        f"{'processes':>9}{'conversations':>14}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}"
        f"{'p95 ms':>9}{'model ms':>10}{'overhead ms':>13}{'overhead p95':>14}"
        f"{'of it planner':>15}{'overhead/model':>16}"
    )
    rate: dict[tuple[int, int], float] = {}
    for concurrency in args.concurrency:
        for processes in args.processes:
            result = in_processes(
                processes,
                concurrency,
                args.turns,
                args.latency_ms / 1000,
                args.checkpointer,
                args.classifier,
            )
            count = len(result.turn_ms)
            rate[(concurrency, processes)] = count / result.wall_s
            overhead, model = statistics.mean(result.overhead_ms), statistics.mean(result.model_ms)
            print(
                f"{processes:>9}{concurrency:>14}{count:>7}{count / result.wall_s:>9.2f}"
                f"{statistics.median(result.turn_ms):>9.1f}{p95(result.turn_ms):>9.1f}"
                f"{model:>10.1f}{overhead:>13.2f}{p95(result.overhead_ms):>14.2f}"
                f"{statistics.mean(result.planner_ms):>15.2f}{overhead / model:>16.1%}"
            )
    print("model ms: the planner's measured model time per turn (the simulated latency plus")
    print("event-loop delay); overhead: turn time minus model time, means unless marked p95.")
    first = args.processes[0]
    for concurrency in args.concurrency:
        for processes in args.processes[1:]:
            ratio = rate[(concurrency, processes)] / rate[(concurrency, first)]
            print(
                f"{concurrency} conversations: {processes} processes vs {first}: "
                f"{ratio:.2f}x turns/s"
            )


if __name__ == "__main__":
    main()
