"""The report's plain-text table for the terminal and the files written under ``--report``.

``report.json`` keeps a stable key order (the models' field order, tags sorted, results in
suite order) so two reports diff cleanly and a later run can use one as its ``--baseline``.
"""

from __future__ import annotations

import json
from pathlib import Path

from resolution_agent.evals.formatting import number, percent, usd
from resolution_agent.evals.html_page import render_html
from resolution_agent.evals.summary import Report, Totals


def terminal_table(report: Report) -> str:
    """Totals, one row per tag, the headline metrics and each failed scenario's first failure."""
    width = max([len("total"), *(len(tag) + 2 for tag in report.by_tag)]) + 2
    lines = [f"{'':<{width}}{'scenarios':>10}{'passed':>8}{'pass rate':>11}"]
    lines.append(
        f"{'total':<{width}}{report.scenarios:>10}{report.passed:>8}{percent(report.pass_rate):>11}"
    )
    for tag, row in report.by_tag.items():
        lines.append(
            f"{'  ' + tag:<{width}}{row.scenarios:>10}{row.passed:>8}{percent(row.pass_rate):>11}"
        )
    lines.append("")
    repeat = report.repeat
    lines.append(
        f"runs {repeat.runs} (repeat {repeat.k}, concurrency {report.concurrency}): "
        f"pass@1 {percent(repeat.pass_at_1)}, pass^{repeat.k} {percent(repeat.pass_hat_k)}"
    )
    lines.extend(metric_lines(report.metrics))
    failed = [r for r in report.results if not r.passed]
    if failed:
        lines.append("")
        lines.append("failed:")
        for result in failed:
            first = result.failures[0] if result.failures else "failed"
            runs = f" ({result.passes}/{result.runs} runs passed)" if result.runs > 1 else ""
            lines.append(f"  {result.id}{runs}: {first}")
    return "\n".join(lines)


def metric_lines(m: Totals) -> list[str]:
    return [
        f"tool precision {number(m.tool_precision)}, recall {number(m.tool_recall)}; "
        f"outcome {percent(m.outcome_match)}, intent {percent(m.intent_match)}, "
        f"state {percent(m.state_match)}, queue {percent(m.queue_match)}, "
        f"priority {percent(m.priority_match)}",
        f"guard blocks {m.guard_blocks}, policy violations {m.policy_violations}, "
        f"agent replies {m.replies}, model calls {m.model_calls}, tokens {m.tokens}, "
        f"errors {m.errors}",
        f"time per turn: median {m.turn_ms_median:.1f} ms, p95 {m.turn_ms_p95:.1f} ms; "
        f"run time {m.wall_s:.2f} s",
        *usage_lines(m),
    ]


def usage_lines(m: Totals) -> list[str]:
    """Model usage of an LLM run: totals, per turn and per conversation (none when offline)."""
    if not m.used_a_model:
        return []
    unpriced = f", {m.unpriced_model_calls} calls unpriced" if m.unpriced_model_calls else ""
    return [
        f"model: {m.model_calls} calls (failed {m.failed_model_calls}, fallbacks "
        f"{m.model_fallbacks}), {m.tokens:,} tokens (in {m.input_tokens:,}, out "
        f"{m.output_tokens:,}), cost {usd(m.cost_usd)}{unpriced}, model time {m.model_s:.2f} s",
        f"  per turn: {m.model_calls_per_turn:.2f} calls, {m.tokens_per_turn:,.0f} tokens, "
        f"{usd(m.cost_usd_per_turn)}, model time median {m.model_ms_per_turn_median:.1f} ms, "
        f"p95 {m.model_ms_per_turn_p95:.1f} ms",
        f"  per conversation: {m.model_calls_per_run:.2f} calls, {m.tokens_per_run:,.0f} tokens, "
        f"{usd(m.cost_usd_per_run)} (p95 {usd(m.cost_usd_per_run_p95)})",
    ]


def report_json(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_report(report: Report, folder: Path, templates_dir: Path) -> list[Path]:
    """Write ``report.json`` and ``report.html`` into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "report.json"
    json_path.write_text(report_json(report), encoding="utf-8")
    html_path = folder / "report.html"
    html_path.write_text(render_html(report, templates_dir), encoding="utf-8")
    return [json_path, html_path]


__all__ = ["metric_lines", "report_json", "terminal_table", "usage_lines", "write_report"]
