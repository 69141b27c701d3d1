"""Wall time of one offline turn through the whole graph, SQLite vs in-memory checkpoints.

The turn is a lost-card report (understand, retrieve, plan, list_cards, freeze_card, reply),
each on a fresh conversation against the in-process mock bank. Prints median and p95 for both
checkpointers from the same run, and their ratio, so the cost of persistence is visible.

    python benchmarks/turn_latency.py [--turns 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

MESSAGE = "I've lost my card, I think I left it on the bus"


async def measure(checkpointer: str, turns: int, data_dir: Path) -> list[float]:
    settings = Settings(data_dir=data_dir, checkpointer=checkpointer, clock=DEFAULT_CLOCK)
    timings: list[float] = []
    async with ResolutionAgent(settings) as agent:
        bank = agent.mock_bank
        assert bank is not None
        await agent.handle_message("warm-up", "cus_1001", MESSAGE)
        for i in range(turns):
            card = bank.state.cards["card_1001a"]
            bank.state.cards["card_1001a"] = card.model_copy(update={"status": "active"})
            started = time.perf_counter()
            reply = await agent.handle_message(f"bench-{checkpointer}-{i}", "cus_1001", MESSAGE)
            timings.append((time.perf_counter() - started) * 1000)
            assert any(a.tool == "freeze_card" for a in reply.actions), reply.text
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        memory = asyncio.run(measure("memory", args.turns, Path(tmp) / "m"))
        sqlite = asyncio.run(measure("sqlite", args.turns, Path(tmp) / "s"))
    m_med, s_med = statistics.median(memory), statistics.median(sqlite)
    print(f"one offline turn (lost card: list_cards + freeze_card), {args.turns} turns each")
    print(f"{'checkpointer':<14}{'median ms':>11}{'p95 ms':>10}")
    print(f"{'memory':<14}{m_med:>11.2f}{p95(memory):>10.2f}")
    print(f"{'sqlite':<14}{s_med:>11.2f}{p95(sqlite):>10.2f}")
    print(
        f"sqlite / memory median ratio: {s_med / m_med:.2f}x "
        f"(persistence adds {s_med - m_med:.2f} ms per turn)"
    )


if __name__ == "__main__":
    main()
