"""Replays scenarios against the agent, concurrently and each in isolation.

Isolation is what makes a suite trustworthy: every run gets a deep copy of its (patched) bank
seed, its own mock bank with its own faults, its own agent and a fresh conversation id, so
two scenarios that freeze the same card both start from an active card. What is expensive and
read-only is loaded once per runner and shared: the seed files, and the agent's parts that no
run changes (models, templates, start-up checks: :mod:`agent.shared_parts`). Worker processes
(:mod:`evals.workers`) each hold one runner.

The deep copy is a pickle round trip of the patched seed, pickled once per scenario: about
ten times cheaper than ``copy.deepcopy`` of a seed with a few hundred transactions. Each run
is handed to ``finish`` (grading) as soon as it ends, so a long suite keeps only the small
graded results, not every run's bank and conversation.
"""

from __future__ import annotations

import asyncio
import pickle
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from resolution_agent.agent.api import Conversation, Reply, ResolutionAgent
from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.llm import LLMPlanner, Usage
from resolution_agent.agent.retrieval import Retriever
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.shared_parts import SharedParts, open_shared_parts, plans_with_model
from resolution_agent.evals.loader import Scenario
from resolution_agent.tools.errors import DataFileError
from resolution_agent.tools.mockbank import BankState, MockBank, apply_patch, load_seed

Progress = Callable[[int, int], None]
#: How a run that did not end within the runner's ``time_limit_s`` is recorded: its ``error``
#: starts with this, so a hung scenario counts as a crash and can still be told apart.
HUNG = "ScenarioHung"
T = TypeVar("T")
#: Makes the planner of one scenario run (a fresh one each, so no state leaks between runs).
PlannerFactory = Callable[[], Planner]


@dataclass(frozen=True)
class TurnRecord:
    """One customer message and what the agent answered, as the channel saw it."""

    customer: str
    reply: str
    status: str
    citations: list[str]
    seconds: float
    model_calls: int = 0
    tokens: int = 0
    usage: Usage | None = None  # the LLM planner's accounting of this turn (None: offline)


@dataclass
class RunRecord:
    """Everything observed while running one scenario once (the input to grading)."""

    scenario: Scenario
    attempt: int
    turns: list[TurnRecord] = field(default_factory=list)
    conversation: Conversation | None = None
    bank: BankState | None = None
    error: str | None = None
    seconds: float = 0.0
    #: The conversation's audit trail and the mock bank's per-endpoint request counts: what
    #: really happened, for graders that must not rely on the agent's own account (red team).
    audit: list[AuditEvent] = field(default_factory=list)
    bank_calls: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    attempt: int


class SuiteRunner:
    """Runs jobs with at most ``concurrency`` conversations in flight at once."""

    def __init__(
        self,
        settings: Settings,
        scenarios: Sequence[Scenario],
        *,
        planner: PlannerFactory | None = None,
        retriever: Retriever | None = None,
        time_limit_s: float | None = None,
    ) -> None:
        """``retriever`` replaces the help-centre index (the red team layers planted articles).

        ``time_limit_s`` bounds each run: one that takes longer is stopped and recorded as
        hung (a crash whose error starts with :data:`HUNG`), so one stuck conversation
        cannot hold the whole suite.
        """
        self._settings = settings
        self._planner = planner
        self._time_limit_s = time_limit_s
        self._banks: dict[str, bytes] = {}
        pickled: dict[int, bytes] = {}  # scenarios without a patch share their seed's bytes
        for sid, state in prepare_banks(settings.fixtures_dir, scenarios).items():
            if id(state) not in pickled:
                pickled[id(state)] = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
            self._banks[sid] = pickled[id(state)]
        self._retriever = retriever
        self._shared: SharedParts | None = None

    async def run(
        self,
        jobs: Sequence[Job],
        finish: Callable[[RunRecord], T],
        *,
        concurrency: int = 8,
        progress: Progress | None = None,
    ) -> list[T]:
        """``finish`` of every job's record, in the order of ``jobs``.

        A crash is recorded in that job's record only; the other jobs run on.
        """
        gate = asyncio.Semaphore(max(1, concurrency))
        done = 0
        if self._shared is None:  # one set of models, templates and checks for every agent
            self._shared = await open_shared_parts(
                self._settings,
                model_planner=await self._plans_with_model(),
                retriever=self._retriever,
            )
        with tempfile.TemporaryDirectory(prefix="resolve-eval-") as data_dir:
            update: dict[str, object] = {
                "data_dir": Path(data_dir),
                "checkpointer": "memory",
                "bank_url": None,
                "bank_backoff_base_s": 0.0,
                "bank_backoff_max_s": 0.0,
            }
            if "log_level" not in self._settings.model_fields_set:
                # Injected faults make the agent warn by design; unless asked, keep the table clean.
                update["log_level"] = "error"
            base = self._settings.model_copy(update=update)

            async def one(job: Job) -> T:
                nonlocal done
                async with gate:
                    record = await self._run_one(base, job)
                done += 1
                if progress is not None:
                    progress(done, len(jobs))
                return finish(record)

            return list(await asyncio.gather(*(one(job) for job in jobs)))

    async def _plans_with_model(self) -> bool:
        """Whether the runs' planner is a model (the output guard then opens its detector)."""
        if self._planner is None:
            return plans_with_model(self._settings, None)
        sample = self._planner()
        if isinstance(sample, LLMPlanner):
            await sample.aclose()
        return plans_with_model(self._settings, sample)

    async def _run_one(self, base: Settings, job: Job) -> RunRecord:
        record = RunRecord(scenario=job.scenario, attempt=job.attempt)
        started = time.perf_counter()
        run = asyncio.ensure_future(self._converse(base, record))
        await asyncio.wait({run}, timeout=self._time_limit_s)
        if not run.done():
            record.error = f"{HUNG}: no end within {self._time_limit_s:g} s"
            await _abandon(run, grace_s=self._time_limit_s or 0.0)
        elif not run.cancelled() and (exc := run.exception()) is not None:
            # One broken scenario must not sink the suite.
            record.error = f"{type(exc).__name__}: {exc}"
        record.seconds = time.perf_counter() - started
        return record

    async def _converse(self, base: Settings, record: RunRecord) -> None:
        scenario = record.scenario
        state: BankState = pickle.loads(self._banks[scenario.id])
        bank = MockBank(state)
        for fault in scenario.faults:
            bank.faults.add(fault)
        settings = base.model_copy(update={"clock": state.clock})
        conversation_id = f"eval-{uuid.uuid4().hex}"
        async with ResolutionAgent(
            settings,
            mock_bank=bank,
            shared=self._shared,
            planner=self._planner() if self._planner is not None else None,
        ) as agent:
            for text in scenario.customer_messages:
                turn_started = time.perf_counter()
                reply = await agent.handle_message(
                    conversation_id, scenario.customer, text, identity=scenario.session.identity
                )
                record.turns.append(_turn(text, reply, time.perf_counter() - turn_started))
            record.conversation = await agent.get_conversation(conversation_id)
            record.audit = await agent.audit_events(conversation_id)
        record.bank = bank.state
        record.bank_calls = dict(bank.calls)
        # FastAPI's module-level callable cache keeps recent apps' routes alive, and the mock
        # bank's routes close over the bank: leave that bank an empty state, not ~1 MB.
        bank.state = BankState(clock=state.clock)


async def _abandon(run: asyncio.Future[None], grace_s: float) -> None:
    """Stop a run that is past its time limit.

    The first cancel stops waiting for the turn, but the agent finishes a turn its caller gave
    up on when it closes (so a channel's timeout never leaves a message half-handled), on its
    own deadlines: it gets ``grace_s`` to do that and close cleanly. A turn still running then
    would hold the close for ever: cancelling again ends the close's wait, which cancels the
    turn, and that agent is left unclosed.
    """
    run.cancel()
    await asyncio.wait({run}, timeout=grace_s)
    while not run.done():
        run.cancel()
        await asyncio.wait({run}, timeout=0.5)


def prepare_banks(fixtures_dir: Path, scenarios: Sequence[Scenario]) -> dict[str, BankState]:
    """Each scenario's starting bank: its seed (each read once) with its patch applied.

    Done before anything runs, so a bad seed name or patch is a data error naming the file,
    not a string of failed scenarios.
    """
    seeds: dict[str, BankState] = {}
    banks: dict[str, BankState] = {}
    for scenario in scenarios:
        try:
            if scenario.bank not in seeds:
                seeds[scenario.bank] = load_seed(fixtures_dir, scenario.bank)
            state = seeds[scenario.bank]
            if scenario.bank_patch:
                state = state.model_copy(deep=True)
                apply_patch(state, scenario.bank_patch, source=str(scenario.source))
        except DataFileError as exc:
            key = exc.key or "bank"
            if scenario.bank_patch and exc.key and not key.startswith("bank_patch"):
                key = f"bank_patch.{key}"
            raise DataFileError(
                scenario.source, f"scenario {scenario.id!r}: {exc.problem}", key=key
            ) from exc
        banks[scenario.id] = state
    return banks


def jobs_for(scenarios: Sequence[Scenario], repeat: int) -> list[Job]:
    """Each scenario ``repeat`` times, repeats of one scenario side by side."""
    return [Job(s, attempt) for s in scenarios for attempt in range(max(1, repeat))]


def _turn(text: str, reply: Reply, seconds: float) -> TurnRecord:
    calls, tokens = _usage(reply)
    return TurnRecord(
        customer=text,
        reply=reply.text,
        status=reply.status,
        citations=[c.article_id for c in reply.citations],
        seconds=seconds,
        model_calls=calls,
        tokens=tokens,
        usage=reply.usage,
    )


def _usage(reply: Reply) -> tuple[int, int]:
    """LLM calls and tokens of a turn, when the reply carries them (the offline planner: 0)."""
    usage = reply.usage
    if usage is None:
        return 0, 0
    return usage.calls, usage.input_tokens + usage.output_tokens


__all__ = [
    "HUNG",
    "Job",
    "PlannerFactory",
    "RunRecord",
    "SuiteRunner",
    "TurnRecord",
    "jobs_for",
    "prepare_banks",
]
