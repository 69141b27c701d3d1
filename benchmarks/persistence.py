"""What persistence costs per turn as a conversation grows: bytes and commits at turns 1, 10, 25.

One conversation of ``--turns`` lost-card turns (list_cards, freeze_card, reply; the card is
made active again before each) on the SQLite backend. For each turn it counts

- **state bytes**: what the checkpointer serialised (checkpoints and pending writes), read off
  its serializer, so the figure is the same whatever the table layout;
- **bytes written**: everything the process handed to ``write``/``pwrite`` during the turn
  (``wchar`` of ``/proc/self/io``: checkpoints, WAL, audit, channel stores), Linux only;
- **commits**: transactions committed on every SQLite connection the agent holds (read off
  each connection's statement trace: an explicit ``COMMIT``, or a write in autocommit mode).

Bytes that do not grow with the turn number mean persistence is O(1) per turn.

    python benchmarks/persistence.py [--turns 25]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

MESSAGE = "I've lost my card, I think I left it on the bus"
SHOWN = (1, 10, 25, 50)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@dataclass
class Commits:
    """Counts commits from one connection's statement trace."""

    count: int = 0
    in_transaction: bool = False

    def __call__(self, sql: str) -> None:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head == "BEGIN" or head == "SAVEPOINT":
            self.in_transaction = True
        elif head in ("COMMIT", "END", "RELEASE"):
            self.in_transaction = False
            self.count += 1
        elif head == "ROLLBACK":
            self.in_transaction = False
        elif head in _WRITES and not self.in_transaction:
            self.count += 1


@dataclass
class CountingSerde:
    """The checkpointer's serializer, counting the bytes it produces."""

    inner: Any
    produced: int = 0

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        kind, data = self.inner.dumps_typed(obj)
        self.produced += len(data)
        return kind, data

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        return self.inner.loads_typed(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@dataclass
class Turn:
    state_bytes: int
    written_bytes: int
    commits: int
    ms: float


@dataclass
class Probe:
    serde: CountingSerde
    traces: list[Commits] = field(default_factory=list)

    def totals(self) -> tuple[int, int, int]:
        return self.serde.produced, written(), sum(t.count for t in self.traces)


def written() -> int:
    """Bytes this process has passed to write calls so far (``wchar``), or 0 off Linux."""
    io = Path("/proc/self/io")
    if not io.exists():
        return 0
    for line in io.read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


async def attach(agent: ResolutionAgent) -> Probe:
    """Count the serializer's bytes and trace every SQLite connection of the agent's storage.

    Reaches into the agent's storage (a benchmark may): the checkpointer's ``conn`` and each
    store's connection.
    """
    storage = agent._storage
    assert storage is not None
    saver = storage.checkpointer
    probe = Probe(serde=CountingSerde(saver.serde))
    saver.serde = probe.serde
    connections: list[aiosqlite.Connection] = []
    conn = getattr(saver, "conn", None)
    if isinstance(conn, aiosqlite.Connection):
        connections.append(conn)
    for store in (storage.audit, storage.cases, storage.channel_messages, storage.deliveries):
        db = getattr(store, "_db", None)
        if isinstance(db, aiosqlite.Connection) and db not in connections:
            connections.append(db)
    for db in connections:
        trace = Commits()
        await db.set_trace_callback(trace)
        probe.traces.append(trace)
    return probe


async def conversation(turns: int, data_dir: Path) -> list[Turn]:
    settings = Settings(data_dir=data_dir, checkpointer="sqlite", clock=DEFAULT_CLOCK)
    measured: list[Turn] = []
    async with ResolutionAgent(settings) as agent:
        bank = agent.mock_bank
        assert bank is not None
        await agent.handle_message("warm-up", "cus_1001", MESSAGE)
        probe = await attach(agent)
        for _ in range(turns):
            card = bank.state.cards["card_1001a"]
            bank.state.cards["card_1001a"] = card.model_copy(update={"status": "active"})
            before = probe.totals()
            started = time.perf_counter()
            await agent.handle_message("bench-persistence", "cus_1001", MESSAGE)
            ms = (time.perf_counter() - started) * 1000
            state, written_, commits = (a - b for a, b in zip(probe.totals(), before, strict=True))
            measured.append(Turn(state, written_, commits, ms))
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        turns = asyncio.run(conversation(args.turns, Path(tmp)))
    print(f"one conversation of {args.turns} lost-card turns on SQLite")
    print(f"{'turn':>5}{'state bytes':>13}{'bytes written':>15}{'commits':>9}{'ms':>9}")
    for number in sorted({n for n in (*SHOWN, args.turns) if n <= len(turns)}):
        t = turns[number - 1]
        print(f"{number:>5}{t.state_bytes:>13,}{t.written_bytes:>15,}{t.commits:>9}{t.ms:>9.1f}")
    total = sum(t.state_bytes for t in turns)
    first, last = turns[0].state_bytes, turns[-1].state_bytes
    print(f"state bytes, whole conversation: {total:,}; last turn / first turn: {last / first:.2f}")
    half = len(turns) // 2
    for name, part in (("first", turns[:half]), ("second", turns[half:])):
        print(
            f"{name} half: mean state bytes {statistics.mean(t.state_bytes for t in part):,.0f}, "
            f"max {max(t.state_bytes for t in part):,}, "
            f"median ms {statistics.median(t.ms for t in part):.1f}"
        )


if __name__ == "__main__":
    main()
