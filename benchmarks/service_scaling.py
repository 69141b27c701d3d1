"""Throughput and latency of ``resolve serve`` as workers are added, against one SQLite process.

Set-ups, each measured in every round: one ``resolve serve`` process on SQLite, and 1, 2 and 4
worker processes on one PostgreSQL, all behind one ``resolve mockbank`` process. The planner is
the simulated model (``RESOLVE_MODEL=simulated``, a test double: the offline engine answering
as a model) with ``--latency`` seconds per model call and the fast path off, so every plan
step waits for "the model" as a real deployment would; intents come from the keyword list and
articles from BM25, so the figures show the service, its storage and the model wait rather
than MiniLM on a shared CPU.

A channel posts ``--conversations`` three-turn conversations (each customer a copy of a seed
customer of its own, so every set-up does the same work), ``--concurrency`` conversations at
a time, spreading messages over the workers. Per set-up: turns per second over the run, p50
and p95 of a message's round trip, and the model calls per turn; each as a ratio against the
SQLite process of the same round; medians over ``--rounds``. A few conversations first warm
each worker up and are not counted. PostgreSQL is a throwaway server started here (Debian's
``initdb``/``pg_ctl``), unless ``--database-url`` names a server to create databases on.

    python benchmarks/service_scaling.py [--conversations 120] [--concurrency 32]
        [--rounds 3] [--latency 0.3] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import load_seed
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK, customer_copy

RESOLVE = Path(sys.executable).with_name("resolve")
TOKEN = "bench-token-0123456789"
SETUPS = (("sqlite", 1), ("postgres", 1), ("postgres", 2), ("postgres", 4))
WARM_UP = 4  # conversations per worker before the clock starts
# (seed customer the conversation's customer copies, its three messages)
SCRIPTS = (
    ("cus_1001", ("someone nicked my purse with my card in it", "yes please", "thanks")),
    ("cus_1001", ("Netflix has charged me twice this month", "yes", "thank you")),
    ("cus_1001", ("why was my card declined at ASOS?", "thanks", "bye")),
    ("cus_1003", ("my pin is blocked, I put the wrong one in three times", "731640", "thanks")),
    ("cus_1004", ("my new card still hasn't arrived", "thanks", "ok")),
)


@dataclass(frozen=True)
class Run:
    """One set-up measured once."""

    turns_per_s: float
    p50_ms: float
    p95_ms: float
    model_calls_per_turn: float


# ---- processes ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[str]:
    """A ``resolve`` command on a free port of 127.0.0.1; its URL. Stopped on leaving."""
    port = _free_port()
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [str(RESOLVE), *args, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()


async def _wait_ready(client: httpx.AsyncClient, url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if (await client.get(url, timeout=5)).status_code == 200:
                return
        await asyncio.sleep(0.2)
    raise SystemExit(f"{url} not ready in 120 s; see {log}")


@contextlib.contextmanager
def _postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server on a Unix socket in a folder of its own; the admin URL."""
    on_path = shutil.which("initdb")
    found = [on_path] if on_path else glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
    bindir = Path(max(found, key=lambda p: (len(p), p))).resolve().parent  # Debian's newest
    # Short (a socket path has a length limit) and the postgres user's own when run as root.
    work = Path(tempfile.mkdtemp(prefix="resolve-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        account = pwd.getpwnam("postgres")
        os.chown(work, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = work / "data", _free_port()
    initdb = [str(bindir / "initdb"), f"--pgdata={data}", "--username=postgres", "--auth=trust"]
    flags = ["--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"]
    subprocess.run([*as_user, *initdb, *flags], check=True, capture_output=True)
    # The same durability as the storage tests' server: figures compare set-ups, not disks.
    options = f"-p {port} -k {work} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
    pg_ctl = [*as_user, str(bindir / "pg_ctl"), f"--pgdata={data}"]
    subprocess.run(
        [*pg_ctl, f"--log={work / 'server.log'}", "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@/postgres?host={work}&port={port}"
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _new_database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    path, _, query = admin_url.partition("?")
    return f"{path.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


# ---- the channel ------------------------------------------------------------------------------


async def _converse(
    client: httpx.AsyncClient,
    workers: list[str],
    number: int,
    gate: asyncio.Semaphore,
    latencies: list[float],
    calls: list[int],
) -> None:
    _, messages = SCRIPTS[number % len(SCRIPTS)]
    async with gate:
        for turn, text in enumerate(messages):
            body = {
                "message_id": f"b{number}-m{turn}",
                "conversation_id": f"bench-{number}",
                "customer_id": f"cus_{number}",
                "text": text,
            }
            started = time.perf_counter()
            response = await client.post(
                f"{workers[(number + turn) % len(workers)]}/v1/messages",
                json=body,
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=300,
            )
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            usage = response.json().get("usage") or {}
            calls.append(int(usage.get("calls", 0)))


async def _measure(
    backend: str, size: int, args: argparse.Namespace, admin_url: str, work: Path
) -> Run:
    seed = load_seed(PROJECT_ROOT / "fixtures", "default")
    warm = range(6000, 6000 + WARM_UP * size)
    measured = range(5000, 5000 + args.conversations)
    patch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for number in [*warm, *measured]:
        for collection, rows in customer_copy(
            seed, SCRIPTS[number % len(SCRIPTS)][0], number
        ).items():
            patch[collection] += rows
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RESOLVE_", "OTEL_"))}
    run_dir = Path(tempfile.mkdtemp(prefix=f"{backend}{size}-", dir=work))
    with contextlib.ExitStack() as stack:
        async with httpx.AsyncClient(
            limits=httpx.Limits(max_connections=4 * args.concurrency)
        ) as client:
            bank_log = run_dir / "mockbank.log"
            bank = stack.enter_context(_process(["mockbank"], base, bank_log))
            await _wait_ready(client, f"{bank}/_admin/executions", bank_log)
            (await client.post(f"{bank}/_admin/patch", json=patch, timeout=120)).raise_for_status()
            env = base | {
                "RESOLVE_MODEL": "simulated",
                "RESOLVE_SIMULATED_LATENCY_S": str(args.latency),
                "RESOLVE_LLM_FAST_PATH": "false",
                "RESOLVE_INTENT_CLASSIFIER": "keywords",
                "RESOLVE_RETRIEVER": "lexical",
                "RESOLVE_CLOCK": DEFAULT_CLOCK.isoformat(),
                "RESOLVE_BANK_URL": bank,
                "RESOLVE_SERVICE_CHANNEL_TOKENS": json.dumps({"app": TOKEN}),
            }
            if backend == "postgres":
                env["RESOLVE_DATABASE_URL"] = _new_database(admin_url)
            workers = []
            for n in range(size):
                log = run_dir / f"worker-{n}.log"
                worker_env = env | {"RESOLVE_DATA_DIR": str(run_dir / f"worker-{n}")}
                workers.append((stack.enter_context(_process(["serve"], worker_env, log)), log))
            await asyncio.gather(*(_wait_ready(client, f"{u}/readyz", log) for u, log in workers))
            urls = [u for u, _ in workers]

            gate = asyncio.Semaphore(args.concurrency)
            await asyncio.gather(*(_converse(client, urls, n, gate, [], []) for n in warm))
            latencies: list[float] = []
            calls: list[int] = []
            started = time.perf_counter()
            await asyncio.gather(
                *(_converse(client, urls, n, gate, latencies, calls) for n in measured)
            )
            wall = time.perf_counter() - started
    shutil.rmtree(run_dir, ignore_errors=True)
    quantiles = statistics.quantiles(latencies, n=20)
    return Run(
        turns_per_s=len(latencies) / wall,
        p50_ms=statistics.median(latencies),
        p95_ms=quantiles[18],
        model_calls_per_turn=sum(calls) / len(calls),
    )


async def _rounds(args: argparse.Namespace, admin_url: str, work: Path) -> list[dict[str, Run]]:
    rounds = []
    for number in range(1, args.rounds + 1):
        runs = {}
        for backend, size in SETUPS:
            run = await _measure(backend, size, args, admin_url, work)
            runs[f"{backend} x{size}"] = run
            print(
                f"  round {number}: {backend} x{size}: {run.turns_per_s:.1f} turns/s, "
                f"p50 {run.p50_ms:.0f} ms, p95 {run.p95_ms:.0f} ms",
                file=sys.stderr,
            )
        rounds.append(runs)
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conversations", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per model call")
    parser.add_argument("--database-url", help="PostgreSQL server to create databases on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resolve-bench-", dir="/tmp") as tmp:
        work = Path(tmp)
        with contextlib.ExitStack() as stack:
            admin_url = args.database_url
            if admin_url is None:
                admin_url = stack.enter_context(_postgres())
            rounds = asyncio.run(_rounds(args, admin_url, work))

    print(
        f"resolve serve: {args.conversations} conversations x 3 turns, {args.concurrency} at a "
        f"time; simulated model {args.latency * 1000:.0f} ms a call, fast path off; "
        f"medians of {args.rounds} rounds; {os.cpu_count()} CPU cores"
    )
    print(
        f"{'set-up':<13}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'calls/turn':>12}{'x turns/s':>11}{'x p50':>8}{'x p95':>8}"
    )
    for name in rounds[0]:

        def median(figure: str, ratio: bool = False, of: str = name) -> float:
            values = []
            for runs in rounds:
                value = float(getattr(runs[of], figure))
                values.append(value / float(getattr(runs["sqlite x1"], figure)) if ratio else value)
            return statistics.median(values)

        print(
            f"{name:<13}{median('turns_per_s'):>9.1f}{median('p50_ms'):>9.0f}"
            f"{median('p95_ms'):>9.0f}{median('model_calls_per_turn'):>12.2f}"
            f"{median('turns_per_s', True):>10.2f}x{median('p50_ms', True):>7.2f}x"
            f"{median('p95_ms', True):>7.2f}x"
        )
    print("ratios are against the SQLite process of the same round (x turns/s > 1: faster)")


if __name__ == "__main__":
    main()
