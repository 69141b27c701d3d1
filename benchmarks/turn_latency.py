"""Wall time of one offline turn through the whole graph, against the floors of the same run.

The turn is a lost-card report (understand, retrieve, plan, list_cards, freeze_card, reply),
each on a fresh conversation against the in-process mock bank, each message a little
different (no cache answers it). Prints median and p95 on the SQLite and the memory
checkpointers (rows ``sqlite`` and ``memory``), their ratio, and the **floors**, measured in
the same run with the same data:

- a bare LangGraph graph of the same steps (nodes that only append a line) with sync
  checkpoints on the same kind of SQLite file, and on memory; the steps are read from the
  project's own warm-up turn (its checkpoint history), so the floor follows the graph;
- one MiniLM encode of the message and one Chroma query with it;
- the two bank calls the turn makes (list_cards, freeze_card) through the agent's client.

The floor of a turn is their sum; project turn / floor says what the agent itself adds.

    python benchmarks/turn_latency.py [--turns 200]
"""

from __future__ import annotations

import argparse
import asyncio
import operator
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.hybrid import HybridRetriever
from resolution_agent.agent.storage._pragmas import tune
from resolution_agent.tools.declarations import get_tool
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

MESSAGE = "I've lost my card, I think I left it on the bus number {i}"
#: Each run's messages are its own (the encoder keeps recent vectors: a message another run
#: encoded would be served from them and the turn would skip its MiniLM run), all four-digit.
FIRST = {"memory": 1000, "sqlite": 2000, "floor": 3000, "warm-up": 9000}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


async def timed(turns: int, run: Callable[[int], Awaitable[None]]) -> list[float]:
    timings: list[float] = []
    for i in range(turns):
        started = time.perf_counter()
        await run(i)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def project(checkpointer: str, turns: int, data_dir: Path) -> tuple[list[float], list[str]]:
    """The turn's timings, and the steps (node names, in order) the warm-up turn ran."""
    settings = Settings(data_dir=data_dir, checkpointer=checkpointer, clock=DEFAULT_CLOCK)
    async with ResolutionAgent(settings) as agent:
        bank = agent.mock_bank
        assert bank is not None
        warm_up = FIRST["warm-up"] + FIRST[checkpointer]
        await agent.handle_message("warm-up", "cus_1001", MESSAGE.format(i=warm_up))
        graph, _ = agent._require()
        history = [s async for s in graph.aget_state_history(_thread("warm-up"))]
        steps = [t.name for s in reversed(history) for t in s.tasks if t.name != "__start__"]

        async def turn(i: int) -> None:
            card = bank.state.cards["card_1001a"]
            bank.state.cards["card_1001a"] = card.model_copy(update={"status": "active"})
            reply = await agent.handle_message(
                f"bench-{checkpointer}-{i}", "cus_1001", MESSAGE.format(i=FIRST[checkpointer] + i)
            )
            assert any(a.tool == "freeze_card" for a in reply.actions), reply.text

        return await timed(turns, turn), steps


def _thread(thread_id: str) -> Any:
    return {"configurable": {"thread_id": thread_id}}


class _Bare(TypedDict):
    lines: Annotated[list[str], operator.add]


def bare_graph(saver: BaseCheckpointSaver[Any], steps: list[str]) -> Any:
    """The turn's steps as a chain of nodes that each append one line."""
    builder: StateGraph[_Bare, None, _Bare, _Bare] = StateGraph(_Bare)
    names = [f"{step}_{n}" for n, step in enumerate(steps)]
    for name in names:

        async def node(state: _Bare, name: str = name) -> dict[str, Any]:
            return {"lines": [name]}

        builder.add_node(name, node)
    for a, b in zip([START, *names], [*names, END], strict=True):
        builder.add_edge(a, b)
    return builder.compile(checkpointer=saver)


async def bare(checkpointer: str, turns: int, data_dir: Path, steps: list[str]) -> list[float]:
    async def run(saver: BaseCheckpointSaver[Any]) -> list[float]:
        graph = bare_graph(saver, steps)

        async def turn(i: int) -> None:
            await graph.ainvoke({"lines": ["customer"]}, _thread(f"bare-{i}"), durability="sync")

        return await timed(turns, turn)

    if checkpointer == "memory":
        return await run(InMemorySaver())
    data_dir.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(data_dir / "bare.sqlite")) as saver:
        await saver.setup()
        await tune(saver.conn)
        return await run(saver)


async def encode_query_bank(turns: int, data_dir: Path) -> tuple[list[float], list[float]]:
    """Per turn: one MiniLM encode + one Chroma query; the two bank calls."""
    settings = Settings(data_dir=data_dir, checkpointer="memory", clock=DEFAULT_CLOCK)
    async with ResolutionAgent(settings) as agent:
        _, deps = agent._require()
        retriever = deps.retriever
        assert isinstance(retriever, HybridRetriever), type(retriever)
        retriever.ready()
        encoder = retriever._encoder

        async def encode_and_query(i: int) -> None:
            def blocking() -> None:
                vector = encoder.encode([MESSAGE.format(i=FIRST["floor"] + i)])  # never seen
                retriever.index.query(vector[0], n=retriever.config.dense_candidates)

            await asyncio.to_thread(blocking)

        bank = agent.mock_bank
        assert bank is not None

        async def bank_calls(i: int) -> None:
            card = bank.state.cards["card_1001a"]
            bank.state.cards["card_1001a"] = card.model_copy(update={"status": "active"})
            await deps.bank.call(
                get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
            )
            await deps.bank.call(
                get_tool("freeze_card"),
                {"customer_id": "cus_1001", "card_id": "card_1001a"},
                customer_id="cus_1001",
                idempotency_key=f"bench-floor-{i}",
            )

        await encode_and_query(FIRST["warm-up"])
        return await timed(turns, encode_and_query), await timed(turns, bank_calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    n = args.turns
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        memory, steps = asyncio.run(project("memory", n, root / "m"))
        sqlite, sqlite_steps = asyncio.run(project("sqlite", n, root / "s"))
        assert sqlite_steps == steps, (steps, sqlite_steps)
        runs = {
            # the project's rows keep their names: compare_revisions.py reads them
            "memory": memory,
            "sqlite": sqlite,
            "bare graph memory": asyncio.run(bare("memory", n, root / "bm", steps)),
            "bare graph sqlite": asyncio.run(bare("sqlite", n, root / "bs", steps)),
        }
        encode, bank = asyncio.run(encode_query_bank(n, root / "f"))
    runs["encode + query"] = encode
    runs["bank calls"] = bank
    med = {name: statistics.median(values) for name, values in runs.items()}
    print(f"one offline turn (lost card: list_cards + freeze_card), {n} turns each")
    print(f"its {len(steps)} steps: {' '.join(steps)}")
    print(f"{'':<20}{'median ms':>11}{'p95 ms':>10}")
    for name, values in runs.items():
        print(f"{name:<20}{med[name]:>11.2f}{p95(values):>10.2f}")
    s_over_m = med["sqlite"] / med["memory"]
    print(f"sqlite / memory median ratio: {s_over_m:.2f}x")
    for store in ("memory", "sqlite"):
        floor = med[f"bare graph {store}"] + med["encode + query"] + med["bank calls"]
        print(f"project turn / floors ({store}): {med[store] / floor:.2f}x (floor {floor:.2f} ms)")


if __name__ == "__main__":
    main()
