"""Aggregates graded runs into the suite's report: totals, by tag, repeats, outcome matrix.

With ``--repeat k`` a scenario *passes* only when all k runs passed (pass^k), so
``passed / scenarios == pass_rate`` holds for every k and ``--fail-under`` is the strict
number; pass@1 (the mean pass rate over all runs) is reported beside it.

Model usage (LLM planner runs) is summed and averaged two ways: per turn (one customer message)
and per run (one conversation), since a budget is set per turn and a price is paid per case.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from resolution_agent.agent.api import ActionTaken
from resolution_agent.evals.metrics import RunMetrics, RunResult, TranscriptLine

OUTCOMES = ("resolved", "handed_off", "awaiting_customer")
UNTAGGED = "(untagged)"


class Totals(BaseModel):
    """Suite-level numbers over runs. Rates are ``None`` when no run checked that aspect."""

    model_config = ConfigDict(frozen=True)

    runs: int
    passed_runs: int
    errors: int
    outcome_match: float | None
    intent_match: float | None
    state_match: float | None
    queue_match: float | None
    priority_match: float | None
    tool_precision: float | None
    tool_recall: float | None
    guard_blocks: int
    policy_violations: int
    replies: int
    model_calls: int
    tokens: int
    turn_ms_median: float
    turn_ms_p95: float
    wall_s: float
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    model_s: float = Field(default=0.0, description="Summed time spent waiting for the model.")
    failed_model_calls: int = 0
    model_fallbacks: int = 0
    unpriced_model_calls: int = 0
    model_calls_per_turn: float = 0.0
    tokens_per_turn: float = 0.0
    cost_usd_per_turn: float = 0.0
    model_ms_per_turn_median: float = 0.0
    model_ms_per_turn_p95: float = 0.0
    model_calls_per_run: float = Field(default=0.0, description="Per conversation (scenario run).")
    tokens_per_run: float = 0.0
    cost_usd_per_run: float = 0.0
    cost_usd_per_run_p95: float = 0.0

    @property
    def used_a_model(self) -> bool:
        """Whether any run asked a model (an LLM planner run), so usage is worth showing."""
        return bool(self.model_calls or self.failed_model_calls)


class TagSummary(BaseModel):
    scenarios: int
    passed: int
    pass_rate: float
    metrics: Totals


class RepeatInfo(BaseModel):
    k: int
    runs: int
    pass_at_1: float
    pass_hat_k: float


class ScenarioResult(BaseModel):
    """A scenario over its k runs; details are those of its first failing run, else its first."""

    id: str
    title: str
    tags: list[str]
    passed: bool
    outcome: str
    expected_outcome: str | None
    intent: str | None
    failures: list[str]
    error: str | None
    runs: int
    passes: int
    metrics: RunMetrics
    transcript: list[TranscriptLine]
    actions: list[ActionTaken]


class Report(BaseModel):
    """What ``report.json`` holds, in this key order."""

    scenarios: int
    passed: int
    pass_rate: float
    model: str
    concurrency: int = Field(
        description="Conversations run at once; per-turn wall times grow with it."
    )
    repeat: RepeatInfo
    metrics: Totals
    by_tag: dict[str, TagSummary]
    outcomes: dict[str, dict[str, int]] = Field(
        description="Confusion matrix: expected outcome -> actual outcome -> scenario runs."
    )
    results: list[ScenarioResult]
    # Where the numbers came from, for the page's header; last, so that the keys above keep
    # their places for readers of earlier reports (and old reports still load as baselines).
    run_at: AwareDatetime | None = Field(
        default=None, description="When the run was summarised, with its UTC offset."
    )
    commit: str | None = Field(
        default=None,
        description="git commit of the project's checkout ('-dirty': with uncommitted changes); "
        "None when it does not run from a git checkout.",
    )
    planner: str = Field(
        default="offline", description="Which planner ran: offline, llm, simulated, compromised."
    )


def summarise(
    runs: Sequence[RunResult],
    *,
    repeat: int = 1,
    model: str = "offline",
    concurrency: int = 1,
    planner: str = "offline",
    commit: str | None = None,
    run_at: datetime | None = None,
) -> Report:
    """The report of a suite from its graded runs (any order; grouped by scenario id).

    ``run_at`` defaults to now, in the machine's own time zone.
    """
    by_id: dict[str, list[RunResult]] = {}
    for run in runs:
        by_id.setdefault(run.id, []).append(run)
    scenarios = [_scenario(group) for group in by_id.values()]
    passed = sum(1 for s in scenarios if s.passed)
    tags = sorted({tag for s in scenarios for tag in (s.tags or [UNTAGGED])})
    by_tag: dict[str, TagSummary] = {}
    for tag in tags:
        members = [s for s in scenarios if tag in (s.tags or [UNTAGGED])]
        tag_runs = [r for s in members for r in by_id[s.id]]
        tag_passed = sum(1 for s in members if s.passed)
        by_tag[tag] = TagSummary(
            scenarios=len(members),
            passed=tag_passed,
            pass_rate=_ratio(tag_passed, len(members)),
            metrics=totals(tag_runs),
        )
    return Report(
        scenarios=len(scenarios),
        passed=passed,
        pass_rate=_ratio(passed, len(scenarios)),
        model=model,
        concurrency=concurrency,
        repeat=repeat_info(runs, repeat),
        metrics=totals(runs),
        by_tag=by_tag,
        outcomes=confusion(runs),
        results=scenarios,
        run_at=run_at or datetime.now().astimezone(),
        commit=commit,
        planner=planner,
    )


def repeat_info(runs: Sequence[RunResult], k: int) -> RepeatInfo:
    """pass@1: the mean pass rate over all runs; pass^k: scenarios whose k runs all passed."""
    by_id: dict[str, list[bool]] = {}
    for run in runs:
        by_id.setdefault(run.id, []).append(run.passed)
    all_passed = sum(1 for results in by_id.values() if all(results))
    return RepeatInfo(
        k=k,
        runs=len(runs),
        pass_at_1=_ratio(sum(1 for r in runs if r.passed), len(runs)),
        pass_hat_k=_ratio(all_passed, len(by_id)),
    )


def totals(runs: Sequence[RunResult]) -> Totals:
    metrics = [r.metrics for r in runs]
    turns = sorted(ms for m in metrics for ms in m.turn_ms)
    matched = sum(m.tools_matched for m in metrics)
    turn_count = sum(len(m.turn_model_calls) for m in metrics)
    model_ms = sorted(ms for m in metrics for ms in m.turn_model_ms)
    run_costs = sorted(m.cost_usd for m in metrics)
    return Totals(
        runs=len(runs),
        passed_runs=sum(1 for r in runs if r.passed),
        errors=sum(1 for r in runs if r.error is not None),
        outcome_match=_rate([m.outcome_match for m in metrics]),
        intent_match=_rate([m.intent_match for m in metrics]),
        state_match=_rate([m.state_match for m in metrics]),
        queue_match=_rate([m.queue_match for m in metrics]),
        priority_match=_rate([m.priority_match for m in metrics]),
        tool_precision=_maybe_ratio(matched, sum(m.tools_relevant for m in metrics)),
        tool_recall=_maybe_ratio(matched, sum(m.tools_expected for m in metrics)),
        guard_blocks=sum(m.guard_blocks for m in metrics),
        policy_violations=sum(len(m.policy_violations) for m in metrics),
        replies=sum(m.replies for m in metrics),
        model_calls=sum(m.model_calls for m in metrics),
        tokens=sum(m.tokens for m in metrics),
        turn_ms_median=round(statistics.median(turns), 3) if turns else 0.0,
        turn_ms_p95=round(_p95(turns), 3),
        wall_s=round(sum(m.wall_ms for m in metrics) / 1000, 3),
        input_tokens=sum(m.input_tokens for m in metrics),
        output_tokens=sum(m.output_tokens for m in metrics),
        cost_usd=round(sum(m.cost_usd for m in metrics), 6),
        model_s=round(sum(m.model_ms for m in metrics) / 1000, 3),
        failed_model_calls=sum(m.failed_model_calls for m in metrics),
        model_fallbacks=sum(m.model_fallbacks for m in metrics),
        unpriced_model_calls=sum(m.unpriced_model_calls for m in metrics),
        model_calls_per_turn=_mean(sum(m.model_calls for m in metrics), turn_count, 3),
        tokens_per_turn=_mean(sum(m.tokens for m in metrics), turn_count, 1),
        cost_usd_per_turn=_mean(sum(m.cost_usd for m in metrics), turn_count, 8),
        model_ms_per_turn_median=round(statistics.median(model_ms), 3) if model_ms else 0.0,
        model_ms_per_turn_p95=round(_p95(model_ms), 3),
        model_calls_per_run=_mean(sum(m.model_calls for m in metrics), len(metrics), 3),
        tokens_per_run=_mean(sum(m.tokens for m in metrics), len(metrics), 1),
        cost_usd_per_run=_mean(sum(m.cost_usd for m in metrics), len(metrics), 8),
        cost_usd_per_run_p95=round(_p95(run_costs), 8),
    )


def _p95(ordered: Sequence[float]) -> float:
    """The nearest-rank 95th percentile of an ascending sequence; 0 when it is empty."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _mean(total: float, count: int, digits: int) -> float:
    return round(total / count, digits) if count else 0.0


def confusion(runs: Sequence[RunResult]) -> dict[str, dict[str, int]]:
    """Expected outcome -> actual outcome -> runs, for runs whose scenario expects one."""
    actual = [*OUTCOMES, "error"]
    matrix = {expected: dict.fromkeys(actual, 0) for expected in OUTCOMES}
    for run in runs:
        if run.expected_outcome is not None:
            matrix[run.expected_outcome][run.outcome] += 1
    return matrix


def _scenario(runs: Sequence[RunResult]) -> ScenarioResult:
    shown = next((r for r in runs if not r.passed), runs[0])
    passes = sum(1 for r in runs if r.passed)
    return ScenarioResult(
        id=shown.id,
        title=shown.title,
        tags=shown.tags,
        passed=passes == len(runs),
        outcome=shown.outcome,
        expected_outcome=shown.expected_outcome,
        intent=shown.intent,
        failures=shown.failures,
        error=shown.error,
        runs=len(runs),
        passes=passes,
        metrics=shown.metrics,
        transcript=shown.transcript,
        actions=shown.actions,
    )


def _rate(values: Sequence[bool | None]) -> float | None:
    checked = [v for v in values if v is not None]
    return _maybe_ratio(sum(checked), len(checked))


def _maybe_ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


__all__ = [
    "OUTCOMES",
    "RepeatInfo",
    "Report",
    "ScenarioResult",
    "TagSummary",
    "Totals",
    "confusion",
    "repeat_info",
    "summarise",
    "totals",
]
