"""Display strings shared by the terminal table and the HTML page, so both say the same."""

from __future__ import annotations

from resolution_agent.evals.summary import Totals


def percent(value: float | None) -> str:
    """A rate as ``85.7%``; a dash when nothing was checked (never the word "None")."""
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def usd(value: float) -> str:
    """A cost in US dollars: cents for sums, more digits for the fractions a turn costs."""
    return f"${value:,.2f}" if value >= 1 else f"${value:.6f}"


def usage_rows(m: Totals) -> list[tuple[str, str]]:
    """Model calls, tokens, cost and model time in total, per turn and per conversation."""
    if not m.used_a_model:
        return []
    unpriced = f" ({m.unpriced_model_calls} calls unpriced)" if m.unpriced_model_calls else ""
    return [
        (
            "model calls",
            f"{m.model_calls} (failed {m.failed_model_calls}, fallbacks {m.model_fallbacks})",
        ),
        ("tokens", f"{m.tokens:,} (in {m.input_tokens:,}, out {m.output_tokens:,})"),
        ("cost", usd(m.cost_usd) + unpriced),
        ("model time, summed", f"{m.model_s:.2f} s"),
        ("per turn: model calls", f"{m.model_calls_per_turn:.2f}"),
        ("per turn: tokens", f"{m.tokens_per_turn:,.0f}"),
        ("per turn: cost", usd(m.cost_usd_per_turn)),
        (
            "per turn: model time",
            f"median {m.model_ms_per_turn_median:.1f} ms, p95 {m.model_ms_per_turn_p95:.1f} ms",
        ),
        ("per conversation: model calls", f"{m.model_calls_per_run:.2f}"),
        ("per conversation: tokens", f"{m.tokens_per_run:,.0f}"),
        (
            "per conversation: cost",
            f"{usd(m.cost_usd_per_run)} (p95 {usd(m.cost_usd_per_run_p95)})",
        ),
    ]


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
        *usage_rows(m),
    ]


__all__ = ["metric_rows", "number", "percent", "usage_rows", "usd"]
