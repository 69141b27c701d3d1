"""Display strings shared by the terminal table and the HTML page, so both say the same."""

from __future__ import annotations

from evals.summary import Totals


def percent(value: float | None) -> str:
    """A rate as ``85.7%``; a dash when nothing was checked (never the word "None")."""
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def metric_rows(m: Totals) -> list[tuple[str, str]]:
    """The suite's metrics as (label, value) pairs, in reading order."""
    return [
        ("scenario runs", str(m.runs)),
        ("runs passed", str(m.passed_runs)),
        ("crashed runs", str(m.errors)),
        ("outcome match", percent(m.outcome_match)),
        ("intent match", percent(m.intent_match)),
        ("state match", percent(m.state_match)),
        ("queue match", percent(m.queue_match)),
        ("priority match", percent(m.priority_match)),
        ("tool-call precision", number(m.tool_precision)),
        ("tool-call recall", number(m.tool_recall)),
        ("guard blocks", str(m.guard_blocks)),
        ("policy violations", str(m.policy_violations)),
        ("agent replies", str(m.replies)),
        ("model calls", str(m.model_calls)),
        ("tokens", str(m.tokens)),
        ("time per turn, median", f"{m.turn_ms_median:.1f} ms"),
        ("time per turn, p95", f"{m.turn_ms_p95:.1f} ms"),
        ("run time, summed", f"{m.wall_s:.2f} s"),
    ]


__all__ = ["metric_rows", "number", "percent"]
