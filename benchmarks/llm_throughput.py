"""Throughput of the real graph driven by an LLM planner on a simulated model.

The simulated model answers every call after a fixed latency (``asyncio.sleep``, 300 ms by
default): first a ``list_cards`` tool call, then a short reply, so each turn is two model calls
(about 600 ms of model time), one bank read through the action guard, and two plan steps.
For 1, 10 and 100 concurrent conversations it prints turns per second, median and p95 turn
time, and the overhead per turn: turn time minus the planner's measured model time, split into
the planner's own work (prompt, tools, parsing) and the rest of the graph and API.

    python benchmarks/llm_throughput.py [--latency-ms 300] [--turns 3] [--checkpointer memory]
        [--classifier embedding|keywords]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
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
                conversation_id = f"bench-{concurrency}-{index}"
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

            started = time.perf_counter()
            await asyncio.gather(*(conversation(i) for i in range(concurrency)))
            wall_s = time.perf_counter() - started
    return Result(concurrency, wall_s, turn_ms, overhead_ms, model_ms, planner_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--turns", type=int, default=3, help="turns per conversation")
    parser.add_argument("--checkpointer", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100])
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
        f"{'conversations':>13}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'model ms':>10}{'overhead ms':>13}{'overhead p95':>14}{'of it planner':>15}"
    )
    for concurrency in args.concurrency:
        result = asyncio.run(
            run(concurrency, args.turns, args.latency_ms / 1000, args.checkpointer, args.classifier)
        )
        count = len(result.turn_ms)
        print(
            f"{concurrency:>13}{count:>7}{count / result.wall_s:>9.2f}"
            f"{statistics.median(result.turn_ms):>9.1f}{p95(result.turn_ms):>9.1f}"
            f"{statistics.mean(result.model_ms):>10.1f}"
            f"{statistics.mean(result.overhead_ms):>13.2f}{p95(result.overhead_ms):>14.2f}"
            f"{statistics.mean(result.planner_ms):>15.2f}"
        )
    print("model ms: the planner's measured model time per turn (the simulated latency plus")
    print("event-loop delay); overhead: turn time minus model time, means unless marked p95.")


if __name__ == "__main__":
    main()
