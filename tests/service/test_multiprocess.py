"""Four ``resolve serve`` workers on one PostgreSQL: every message answered exactly once.

The set-up is production's, on one machine: one ``resolve mockbank`` process (so every worker
acts on one bank, which records each write it runs), four ``resolve serve`` processes on one
database, and a channel (this test) that posts 400 three-turn conversations through them,
64 conversations at a time, each message to a random worker. About one message in ten is
delivered twice, the second copy to another worker: at the same moment, right after the
reply, or once the conversation is over. After a third of the messages one worker is killed
with SIGKILL, mid-turn for some conversations; the channel sends what it got no answer to
again, with the same message id, to another worker, as a channel does.

Each conversation's customer is a copy of a customer of the default seed, patched into the
bank under new ids, so its outcome does not depend on the others: it must be the outcome of
the same script run alone in one process (the reference run), whatever was duplicated or
killed. Then, from the database and the bank: every customer message is in its transcript
once and answered once (every delivery got the reply recorded for its message id, and the
transcript holds that reply once); no write ran twice at the bank, by idempotency key or by
logical action; the bank ran exactly the writes of the reference run; and every conversation
ended its third turn as the reference did, never handed off for an internal error.

The planner is the offline one and the intent classifier the keyword list: the subject is
the service's exactly-once path, not understanding, and the two cores of CI must run 1,200
turns in a few minutes.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import psycopg
import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import BankState, MockBank, apply_patch, load_seed
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK, customer_copy

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WORKERS = 4
CONVERSATIONS = 400
CONCURRENCY = 64
DUPLICATE_RATE = 0.1
KILL_AFTER = CONVERSATIONS  # first deliveries answered: a third of the 1,200 messages
SEED = 20261127
CHANNEL = "app"
TOKEN = "multiprocess-token-0123456789"
REQUEST_TIMEOUT_S = 120.0
START_TIMEOUT_S = 90.0
ATTEMPTS = 6
RESOLVE = Path(sys.executable).with_name("resolve")
# The same offline agent in every process, and in the reference run.
AGENT_SETTINGS: dict[str, Any] = {
    "model": "offline",
    "intent_classifier": "keywords",
    "retriever": "lexical",
    "clock": DEFAULT_CLOCK.isoformat(),
}

Duplicate = Literal["concurrent", "after_reply", "after_conversation"]


@dataclass(frozen=True)
class Script:
    """Three messages of a customer like the seed's ``template``."""

    name: str
    template: str
    messages: tuple[str, str, str]
    weight: int


SCRIPTS = (
    # A protective write at once, then one after the customer's confirmation.
    Script(
        "lost_card",
        "cus_1001",
        ("someone nicked my purse with my card in it", "yes please", "thanks, that's all"),
        40,
    ),
    Script(
        "charged_twice",
        "cus_1001",
        ("Netflix has charged me twice this month", "yes", "thank you"),
        15,
    ),
    Script(
        "cancel_payment",
        "cus_1001",
        ("please cancel my rent payment to Harbour Lettings", "yes", "thanks"),
        10,
    ),
    Script("declined", "cus_1001", ("why was my card declined at ASOS?", "thanks", "bye"), 10),
    Script("late_card", "cus_1004", ("my new card still hasn't arrived", "thanks", "ok"), 10),
    Script(
        "pin_step_up",
        "cus_1003",
        ("my pin is blocked, I put the wrong one in three times", "731640", "thanks"),
        10,
    ),
    Script(
        "scam",
        "cus_1008",
        (
            "A man rang saying he was from Kestrel's fraud team and told me to move my savings "
            "to a safe account. I've already sent £2,000.",
            "hello?",
            "please help",
        ),
        5,
    ),
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Loopback only: the channel, the workers and the bank talk over 127.0.0.1, nothing else.

    Replaces the service tests' guard, which refuses every connection.
    """
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX or address[0] in ("127.0.0.1", "::1"):
            return real_connect(self, address)
        attempts.append(f"connect {address!r}")
        raise OSError(f"tests must not leave the machine (connect to {address!r})")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("127.0.0.1", "localhost", b"127.0.0.1", b"localhost"):
            return real_getaddrinfo(host, *args, **kwargs)
        attempts.append(f"getaddrinfo {host!r}")
        raise OSError(f"tests must not leave the machine (DNS lookup of {host!r})")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not attempts, f"the test tried to leave the machine: {attempts}"


# ---- the processes ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Process:
    """A child process on a port of 127.0.0.1, its output in a log file."""

    name: str
    port: int
    log: Path
    popen: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text.splitlines()[-lines:])


def _environment(**values: str) -> dict[str, str]:
    """This environment without any RESOLVE_* setting, provider key or exporter, plus values."""
    dropped = ("RESOLVE_", "OTEL_", "OPENAI_", "ANTHROPIC_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return env | values


def _start(
    stack: ExitStack, name: str, args: list[str], env: dict[str, str], logs: Path
) -> Process:
    port = _free_port()
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [str(RESOLVE), *args, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=logs,
        )
    process = Process(name, port, log, popen)
    stack.callback(_stop, process)
    return process


def _stop(process: Process) -> None:
    if process.popen.poll() is None:
        process.popen.terminate()
        try:
            process.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(timeout=15)


async def _wait_ready(client: httpx.AsyncClient, process: Process, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            pytest.fail(f"{process.name} exited with {process.popen.returncode}\n{process.tail()}")
        try:
            if (await client.get(f"{process.url}{path}", timeout=5)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail(f"{process.name} was not ready within {START_TIMEOUT_S:g} s\n{process.tail()}")


# ---- the channel ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversation:
    id: str
    customer_id: str
    script: Script
    # per message: the worker of its first delivery, and how it is delivered again (if at all)
    workers: tuple[int, ...]
    duplicates: tuple[Duplicate | None, ...]

    def message_id(self, turn: int) -> str:
        return f"{self.id}-m{turn}"

    def body(self, turn: int) -> dict[str, str]:
        return {
            "message_id": self.message_id(turn),
            "conversation_id": self.id,
            "customer_id": self.customer_id,
            "text": self.script.messages[turn],
        }


def _plan(rng: random.Random) -> list[Conversation]:
    modes: tuple[Duplicate, ...] = ("concurrent", "after_reply", "after_conversation")
    return [
        Conversation(
            id=f"mp-{n:03d}",
            customer_id=f"cus_{5000 + n}",
            script=rng.choices(SCRIPTS, weights=[s.weight for s in SCRIPTS])[0],
            workers=tuple(rng.randrange(WORKERS) for _ in range(3)),
            duplicates=tuple(
                rng.choice(modes) if rng.random() < DUPLICATE_RATE else None for _ in range(3)
            ),
        )
        for n in range(CONVERSATIONS)
    ]


@dataclass
class Channel:
    """Posts messages as a chat channel does: to some worker, again to another on no answer."""

    client: httpx.AsyncClient
    workers: list[Process]
    live: list[int] = field(default_factory=list)
    killed: int | None = None
    answered: int = 0
    received: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    retried: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.live = list(range(len(self.workers)))

    def _pick(self, preferred: int, avoid: int | None) -> int:
        if preferred in self.live and preferred != avoid:
            return preferred
        others = [w for w in self.live if w != avoid] or self.live
        return others[preferred % len(others)]

    async def post(self, body: dict[str, str], preferred: int, avoid: int | None = None) -> int:
        """Deliver ``body`` until a worker answers it; the worker that first got it."""
        first = worker = self._pick(preferred, avoid)
        for attempt in range(ATTEMPTS):
            self.sent["deliveries"] += 1
            try:
                response = await self.client.post(
                    f"{self.workers[worker].url}/v1/messages",
                    json=body,
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    timeout=REQUEST_TIMEOUT_S,
                )
            except httpx.TransportError as exc:
                self.retried[type(exc).__name__] += 1
            else:
                if response.status_code == 200:
                    self.received[body["message_id"]].append(response.json())
                    return first
                assert response.status_code >= 500, response.text  # a channel retries 5xx only
                self.retried[f"http_{response.status_code}"] += 1
            await asyncio.sleep(0.05 * (attempt + 1))
            worker = self._pick((worker + 1) % len(self.workers), worker)
        pytest.fail(f"message {body['message_id']} was never answered in {ATTEMPTS} deliveries")

    def answer_counted(self) -> None:
        """After the ``KILL_AFTER``-th answer, SIGKILL a worker, whatever it is doing."""
        self.answered += 1
        if self.answered == KILL_AFTER:
            self.killed = self.live.pop(0)
            os.kill(self.workers[self.killed].popen.pid, signal.SIGKILL)

    async def converse(self, conversation: Conversation, gate: asyncio.Semaphore) -> None:
        later: list[tuple[dict[str, str], int]] = []
        async with gate:
            for turn, duplicate in enumerate(conversation.duplicates):
                body, preferred = conversation.body(turn), conversation.workers[turn]
                if duplicate is not None:
                    self.sent[f"duplicate_{duplicate}"] += 1
                if duplicate == "concurrent":
                    other = (preferred + 1) % WORKERS
                    await asyncio.gather(
                        self.post(body, preferred), self.post(body, other, avoid=preferred)
                    )
                else:
                    first = await self.post(body, preferred)
                    if duplicate == "after_reply":
                        await self.post(body, (first + 1) % WORKERS, avoid=first)
                    elif duplicate == "after_conversation":
                        later.append((body, first))
                self.answer_counted()
            for body, first in later:
                await self.post(body, (first + 1) % WORKERS, avoid=first)


# ---- what each conversation must come to --------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a conversation came to, free of its ids: per turn, the status, intent and calls."""

    turns: tuple[tuple[str, str | None, tuple[tuple[str, str], ...]], ...]
    writes: tuple[tuple[str, int], ...]  # what the bank ran: tool and status, in order

    @classmethod
    def of(cls, replies: list[dict[str, Any]], writes: list[tuple[str, int]]) -> Outcome:
        return cls(
            turns=tuple(
                (
                    r["status"],
                    r["intent"],
                    tuple((a["tool"], a["outcome"]) for a in r["actions"]),
                )
                for r in replies
            ),
            writes=tuple(writes),
        )


async def _reference(seed: BankState, data_dir: Path) -> dict[str, Outcome]:
    """Each script run alone, in one process, on a copy of its template customer."""
    bank = MockBank(seed.model_copy(deep=True))
    settings = Settings(
        data_dir=data_dir,
        checkpointer="memory",
        database_url=None,
        bank_url=None,
        **AGENT_SETTINGS,
    )
    replies: dict[str, list[dict[str, Any]]] = {}
    async with ResolutionAgent(settings, mock_bank=bank) as agent:
        for n, script in enumerate(SCRIPTS):
            customer = f"cus_{4000 + n}"
            apply_patch(bank.state, customer_copy(seed, script.template, 4000 + n), source="test")
            replies[script.name] = [
                (
                    await agent.handle_message(
                        script.name,
                        customer,
                        text,
                        message_id=f"{script.name}-m{turn}",
                        channel=CHANNEL,
                    )
                ).model_dump(mode="json")
                for turn, text in enumerate(script.messages)
            ]
    return {
        name: Outcome.of(
            turns,
            [
                (e.tool, e.status)
                for e in bank.executions
                if (e.idempotency_key or "").startswith(f"{name}:")
            ],
        )
        for name, turns in replies.items()
    }


def _channel_rows(database_url: str) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """message id -> (conversation id, state, recorded reply), from the database."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT message_id, conversation_id, state, reply::text FROM channel_messages "
            "WHERE channel = %s",
            (CHANNEL,),
        ).fetchall()
    return {
        m: (c, state, None if reply is None else json.loads(reply)) for m, c, state, reply in rows
    }


async def test_four_workers_answer_every_message_exactly_once_through_redelivery_and_a_kill(
    database_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    conversations = _plan(random.Random(SEED))
    seed = load_seed(PROJECT_ROOT / "fixtures", "default")
    expected = await _reference(seed, tmp_path / "reference")
    with ExitStack() as stack:
        async with httpx.AsyncClient(
            limits=httpx.Limits(max_connections=2 * CONCURRENCY, max_keepalive_connections=0)
        ) as client:
            bank = _start(stack, "mockbank", ["mockbank"], _environment(), tmp_path)
            await _wait_ready(client, bank, "/_admin/executions")
            patch: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for c in conversations:
                number = int(c.customer_id.removeprefix("cus_"))
                for collection, records in customer_copy(seed, c.script.template, number).items():
                    patch[collection] += records
            patched = await client.post(f"{bank.url}/_admin/patch", json=patch, timeout=60)
            assert patched.status_code == 200, patched.text
            env = _environment(
                RESOLVE_DATABASE_URL=database_url,
                RESOLVE_BANK_URL=bank.url,
                RESOLVE_SERVICE_CHANNEL_TOKENS=json.dumps({CHANNEL: TOKEN}),
                **{f"RESOLVE_{k.upper()}": v for k, v in AGENT_SETTINGS.items()},
            )
            workers = [
                _start(
                    stack,
                    f"worker-{n}",
                    ["serve"],
                    env | {"RESOLVE_DATA_DIR": str(tmp_path / f"worker-{n}")},
                    tmp_path,
                )
                for n in range(WORKERS)
            ]
            await asyncio.gather(*(_wait_ready(client, w, "/readyz") for w in workers))
            ready = time.monotonic()

            channel = Channel(client, workers)
            gate = asyncio.Semaphore(CONCURRENCY)
            await asyncio.gather(*(channel.converse(c, gate) for c in conversations))
            driven = time.monotonic()

            reader = workers[channel.live[0]]
            stored = {}
            for c in conversations:
                response = await client.get(
                    f"{reader.url}/v1/conversations/{c.id}",
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                assert response.status_code == 200, response.text
                stored[c.id] = response.json()
            executions = (await client.get(f"{bank.url}/_admin/executions")).json()
            resumed = sum(w.log.read_text(errors="replace").count("turn_resumed") for w in workers)
            survivors_alive = all(workers[w].popen.poll() is None for w in channel.live)
            logs = "\n".join(w.tail() for w in workers)
            worker_lines = [
                line for w in workers for line in w.log.read_text(errors="replace").splitlines()
            ]

    rows = _channel_rows(database_url)
    message_ids = [c.message_id(t) for c in conversations for t in range(3)]
    statuses = Counter(stored[c.id]["status"] for c in conversations)
    print(
        f"\n{WORKERS} workers, {CONVERSATIONS} conversations x 3 turns, concurrency {CONCURRENCY}"
        f"\nstart-up {ready - started:.1f} s, traffic {driven - ready:.1f} s "
        f"({len(message_ids) / (driven - ready):.1f} messages/s)"
        f"\nsent: {dict(channel.sent)}; retried: {dict(channel.retried)}"
        f"\nkilled worker-{channel.killed} after {KILL_AFTER} answers; turns resumed: {resumed}"
        f"\nbank writes run: {len(executions)} "
        f"{dict(Counter(e['tool'] for e in executions))}"
        f"\nconversations: {dict(statuses)}"
    )
    assert channel.killed is not None
    assert survivors_alive, logs

    # 0 lost, 0 extra: every message recorded and answered once, every delivery got that answer.
    assert sorted(rows) == sorted(message_ids)
    for message_id in message_ids:
        conversation_id, state, reply = rows[message_id]
        assert message_id.startswith(conversation_id)
        assert state == "answered" and reply is not None, message_id
        received = channel.received[message_id]
        assert received and all(r == reply for r in received), (message_id, received, reply)
    duplicates = sum(1 for c in conversations for d in c.duplicates if d is not None)
    assert sum(len(channel.received[m]) for m in message_ids) == len(message_ids) + duplicates

    # The bank: each key ran at most once, and no logical action ran under two keys.
    keys = [e["idempotency_key"] for e in executions]
    assert None not in keys
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    logical = Counter(
        (k.split(":", 1)[0], e["request"]) for k, e in zip(keys, executions, strict=True)
    )
    assert [a for a, n in logical.items() if n > 1] == []
    writes: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key, execution in zip(keys, executions, strict=True):
        writes[key.split(":", 1)[0]].append((execution["tool"], execution["status"]))
    assert set(writes) <= {c.id for c in conversations}

    for c in conversations:
        transcript = stored[c.id]["transcript"]
        replies = [rows[c.message_id(t)][2] or {} for t in range(3)]
        # Each customer message once, in order, and the reply to it once (after a hand-off the
        # agent is silent, the COp answers).
        customer = [m for m in transcript if m["role"] == "customer"]
        assert [m["message_id"] for m in customer] == [
            f"{CHANNEL}:{c.message_id(t)}" for t in range(3)
        ], transcript
        assert [m["text"] for m in customer] == list(c.script.messages)
        assert [r["turn"] for r in replies] == [1, 2, 3], replies
        silent = [False] + [r["status"] == "handed_off" for r in replies[:-1]]
        for reply, after_hand_off in zip(replies, silent, strict=True):
            said = [
                m["text"] for m in transcript if m["role"] == "agent" and m["turn"] == reply["turn"]
            ]
            assert said == ([] if after_hand_off else [reply["text"]]), (c.id, reply, said)
        # Finished as the same script run alone, unbroken: same turns, same writes at the bank.
        assert Outcome.of(replies, writes[c.id]) == expected[c.script.name], (
            c.id,
            [r.get("handoff") for r in replies],
            [line for line in worker_lines if f"conversation_id={c.id} " in f"{line} "],
        )
        assert stored[c.id]["status"] == replies[-1]["status"]
