"""Counting one suite's runs under one hostile behaviour, run by run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from resolution_agent.agent.testing.hostile_answers import unguarded
from resolution_agent.evals.metrics import grade
from resolution_agent.evals.redteam_checks import judge
from resolution_agent.evals.runner import HUNG, RunRecord
from resolution_agent.tools.mockbank import BankState


@dataclass
class Tally:
    """Mutable while the runs come in; ``counts()`` feeds the frozen row."""

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
    errors: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def add(self, record: RunRecord, before: BankState, *, attack: bool) -> None:
        """Count one run: crash or hang, the oracle's findings, how its model turns ended."""
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

    def counts(self) -> dict[str, Any]:
        return asdict(self)


__all__ = ["Tally"]
