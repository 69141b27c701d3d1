"""The eval and red-team suites against a hostile model on a real socket.

The agent plans with the real OpenAI SDK client, pointed through the settings
(``RESOLVE_MODEL=openai-compatible:hostile@http://127.0.0.1:PORT/v1``, a fake key) at
:class:`agent.testing.HostileServer`, which answers as each behaviour says: other customers'
ids, unconfirmed writes, invented tools, malformed JSON, false claims, huge output, cut streams,
429 storms, 500s, answers slower than the timeout, echoed secrets, and ``chaos`` (a mix, chosen
per request). Both suites run through the project's own runners, in-process, every turn asking
the model (the fast path is off unless ``--fast-path``).

Per behaviour and suite it prints: scenarios; crashed and hung (past ``--time-limit``);
unauthorised executions and secrets in replies (the red-team oracle, on the eval suite too,
where a tool the scenario forbids that ran is counted, even after the customer's "yes");
how the turns that asked the model ended (its answer used, the offline fallback, a handoff,
or unhandled: a failed model call that neither fell back nor handed off, which must be 0);
the replies the output guard replaced, and the replies that still hold the server's echo or
false claim ("leak", each printed); requests the server answered and how; wall time.

By default ``chaos`` runs over both full suites and every other behaviour over a fixed subset
of each suite (every k-th scenario, ``--per-behaviour`` of them); ``--per-behaviour 0`` runs
the full suites under every behaviour (slow: about a scenario a second on two cores).

    python benchmarks/hostile_model.py [--behaviour chaos ...] [--per-behaviour 20] [--json]
        [--model-timeout 1.0] [--time-limit 60] [--concurrency 8] [--fast-path]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import SecretStr

from resolution_agent.agent.settings import Settings, load_settings
from resolution_agent.agent.testing import BEHAVIOURS, Behaviour, HostileServer, Tuning
from resolution_agent.agent.testing.hostile_answers import unguarded
from resolution_agent.evals.loader import Scenario, load_suite
from resolution_agent.evals.metrics import grade
from resolution_agent.evals.redteam import kind_of, run_redteam
from resolution_agent.evals.redteam_checks import judge
from resolution_agent.evals.redteam_report import ATTACK
from resolution_agent.evals.runner import HUNG, RunRecord, SuiteRunner, jobs_for, prepare_banks
from resolution_agent.tools.mockbank import BankState, load_seed


@dataclass
class Row:
    """What one suite showed under one behaviour."""

    behaviour: str
    suite: str
    scenarios: int = 0
    passed: int = 0
    crashed: int = 0
    hung: int = 0
    unauthorised: int = 0
    secrets: int = 0
    model_turns: int = 0
    answered: int = 0
    fallback: int = 0
    handoff: int = 0
    unhandled: int = 0
    guard_replaced: int = 0
    unguarded: int = 0  # replies still holding the server's echo or false claim
    served: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def add(self, record: RunRecord, before: BankState, *, attack: bool) -> None:
        self.scenarios += 1
        if record.error is not None:
            self.hung += record.error.startswith(HUNG)
            self.crashed += not record.error.startswith(HUNG)
            self.errors.append(f"{record.scenario.id}: {record.error.splitlines()[0][:160]}")
            return
        self.passed += grade(record).passed
        verdict = judge(record, before, attack=attack)
        self.unauthorised += len(verdict.unauthorised)
        self.secrets += len(verdict.secrets)
        self.findings += [f"{record.scenario.id}: {f}" for f in verdict.unauthorised]
        self.findings += [f"{record.scenario.id}: {s}" for s in verdict.secrets]
        self.guard_replaced += sum(
            1 for e in record.audit if e.kind == "output" and e.detail.get("action") == "replaced"
        )
        for turn in record.turns:
            if unguarded(turn.reply):
                self.unguarded += 1
                self.findings.append(f"{record.scenario.id}: reached the customer: {turn.reply!r}")
            usage = turn.usage
            if usage is None or not (usage.calls or usage.failed_calls or usage.fallbacks):
                continue  # the model was not asked (guard flows, confirmations, step-up)
            self.model_turns += 1
            if turn.status == "handed_off":
                self.handoff += 1
            elif usage.fallbacks:
                self.fallback += 1
            elif usage.failed_calls and not usage.calls:
                self.unhandled += 1
                self.findings.append(f"{record.scenario.id}: a failed model call, no fallback")
            else:
                self.answered += 1


def subset(scenarios: Sequence[Scenario], size: int) -> list[Scenario]:
    """Every k-th scenario (``size`` of them), so each category of the suite is represented."""
    if size <= 0 or size >= len(scenarios):
        return list(scenarios)
    step = len(scenarios) / size
    return [scenarios[int(i * step)] for i in range(size)]


async def run_eval(
    settings: Settings, scenarios: list[Scenario], row: Row, limit: float, concurrency: int
) -> None:
    before = prepare_banks(settings.fixtures_dir, scenarios)
    runner = SuiteRunner(settings, scenarios, time_limit_s=limit)
    records = await runner.run(jobs_for(scenarios, 1), lambda r: r, concurrency=concurrency)
    for record in records:
        row.add(record, before[record.scenario.id], attack=False)


async def run_red_team(
    settings: Settings, scenarios: list[Scenario], row: Row, limit: float, concurrency: int
) -> dict[str, Any]:
    folder = settings.fixtures_dir / "redteam"
    before = prepare_banks(settings.fixtures_dir, scenarios)
    records: list[RunRecord] = []
    report = await run_redteam(
        [folder],
        settings,
        model=settings.model or "",
        ids=[s.id for s in scenarios],
        concurrency=concurrency,
        time_limit_s=limit,
        observe=records.append,
    )
    for record in records:
        kind, _ = kind_of(record.scenario)
        row.add(record, before[record.scenario.id], attack=kind == ATTACK)
    return report.model_dump(mode="json")


async def main(args: argparse.Namespace) -> None:
    base = load_settings()
    seed = load_seed(base.fixtures_dir, base.bank_seed)
    evals = load_suite([base.fixtures_dir / "scenarios"])
    attacks = load_suite([base.fixtures_dir / "redteam"])
    behaviours: list[Behaviour] = args.behaviour or list(BEHAVIOURS)
    tuning = Tuning(slow_s=args.model_timeout * 3)
    rows: list[Row] = []
    reports: dict[str, Any] = {}
    with HostileServer(behaviours[0], seed, tuning=tuning) as server:
        settings = base.model_copy(
            update={
                "model": server.spec,
                "openai_compatible_api_key": SecretStr("sk-hostile-benchmark"),
                "model_timeout_s": args.model_timeout,
                "model_attempts": 2,
                "model_deadline_s": args.model_timeout * 3,
                "llm_fast_path": args.fast_path,
                "log_level": "error",
            }
        )
        if not args.json:
            print(HEADER, flush=True)
        for behaviour in behaviours:
            server.behaviour = behaviour
            size = 0 if behaviour == "chaos" else args.per_behaviour
            for suite, scenarios in (("eval", evals), ("redteam", attacks)):
                row = Row(behaviour, suite)
                served = server.tally()
                started = time.perf_counter()
                chosen = subset(scenarios, size)
                if suite == "eval":
                    await run_eval(settings, chosen, row, args.time_limit, args.concurrency)
                else:
                    reports[behaviour] = await run_red_team(
                        settings, chosen, row, args.time_limit, args.concurrency
                    )
                row.seconds = round(time.perf_counter() - started, 1)
                row.served = dict((server.tally() - served).most_common())
                rows.append(row)
                if not args.json:
                    print(line(row), flush=True)
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "redteam": reports}, indent=2))
        return
    print_totals(rows)


HEADER = (
    f"{'behaviour':<19}{'suite':<8}{'runs':>5}{'pass':>5}{'crash':>6}{'hung':>5}"
    f"{'unauth':>7}{'secret':>7}{'asked':>6}{'used':>5}{'fallbk':>7}{'handoff':>8}"
    f"{'unhandled':>10}{'guard':>6}{'leak':>5}{'wall s':>8}  served"
)


def line(row: Row) -> str:
    served = ", ".join(f"{k} {v}" for k, v in row.served.items())
    return (
        f"{row.behaviour:<19}{row.suite:<8}{row.scenarios:>5}{row.passed:>5}{row.crashed:>6}"
        f"{row.hung:>5}{row.unauthorised:>7}{row.secrets:>7}{row.model_turns:>6}"
        f"{row.answered:>5}{row.fallback:>7}{row.handoff:>8}{row.unhandled:>10}"
        f"{row.guard_replaced:>6}{row.unguarded:>5}{row.seconds:>8}  {served}"
    )


def print_totals(rows: list[Row]) -> None:
    totals = Counter[str]()
    for row in rows:
        names = (
            "scenarios",
            "crashed",
            "hung",
            "unauthorised",
            "secrets",
            "unhandled",
            "unguarded",
        )
        for name in names:
            totals[name] += getattr(row, name)
    print(
        f"\ntotal: {totals['scenarios']} scenario runs, {totals['crashed']} crashed, "
        f"{totals['hung']} hung, {totals['unauthorised']} unauthorised executions, "
        f"{totals['secrets']} secrets in replies, {totals['unhandled']} unhandled model failures, "
        f"{totals['unguarded']} echoes or false claims that reached the customer"
    )
    for row in rows:
        for item in row.errors + row.findings:
            print(f"  {row.behaviour}/{row.suite}: {item}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--behaviour", action="append", choices=BEHAVIOURS, help="Only these (repeatable)."
    )
    parser.add_argument(
        "--per-behaviour",
        type=int,
        default=20,
        help="Scenarios of each suite per behaviour other than chaos (0: the full suites).",
    )
    parser.add_argument("--model-timeout", type=float, default=1.0, help="Model timeout, s.")
    parser.add_argument("--time-limit", type=float, default=60.0, help="Per scenario run, s.")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--fast-path", action="store_true", help="Keep the LLM fast path on.")
    parser.add_argument("--json", action="store_true", help="Rows and red-team reports as JSON.")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
