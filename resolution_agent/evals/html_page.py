"""Renders ``report.html`` from ``prompts/report.html.j2``: one self-contained page.

Everything shown is computed here as display strings, so the template only lays it out;
``StrictUndefined`` makes a missing value fail loudly and ``finalize`` keeps a stray ``None``
from ever being printed as the word "None".

Failed scenarios come first, since they are what a reader opens the page for. Free text from
the conversations (transcripts, tool arguments, failure messages) is masked as the agent's
logs are (:func:`agent.logs.redact_text`): a page is mailed and pasted into tickets, and a
scenario's test card number and security code should not travel with it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from resolution_agent.agent.logs import redact_text
from resolution_agent.evals.charts import BarRow, heat, histogram, pass_rate_bars
from resolution_agent.evals.formatting import metric_rows, percent, usd
from resolution_agent.evals.summary import OUTCOMES, Report, ScenarioResult

TEMPLATE = "report.html.j2"


def render_html(report: Report, templates_dir: Path) -> str:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE).render(**page_context(report))


def page_context(report: Report) -> dict[str, Any]:
    """The template's variables: strings, numbers and pre-rendered SVG only."""
    bars = [BarRow("all scenarios", report.passed, report.scenarios)]
    bars.extend(BarRow(tag, row.passed, row.scenarios) for tag, row in report.by_tag.items())
    turn_ms = [ms for r in report.results for ms in r.metrics.turn_ms]
    peak = max((n for row in report.outcomes.values() for n in row.values()), default=0)
    actual = list(next(iter(report.outcomes.values()), {}).keys())
    matrix = [
        {
            "expected": expected,
            "cells": [
                {"count": n, "style": heat(n, peak, diagonal=expected == name)}
                for name, n in row.items()
            ],
        }
        for expected, row in report.outcomes.items()
    ]
    return {
        "headline": {
            "scenarios": report.scenarios,
            "passed": report.passed,
            "pass_rate": percent(report.pass_rate),
            "model": report.model,
            "concurrency": report.concurrency,
            "k": report.repeat.k,
            "runs": report.repeat.runs,
            "pass_at_1": percent(report.repeat.pass_at_1),
            "pass_hat_k": percent(report.repeat.pass_hat_k),
            "run_at": _when(report.run_at),
            "commit": report.commit or "—",
            "planner": report.planner,
            # "offline", "compromised" and "simulated" name a planner, not a provider's model
            "llm": report.model if report.model != report.planner else "—",
        },
        "metrics": metric_rows(report.metrics),
        "tags": [
            {
                "tag": tag,
                "scenarios": row.scenarios,
                "passed": row.passed,
                "pass_rate": percent(row.pass_rate),
            }
            for tag, row in report.by_tag.items()
        ],
        "bars_svg": pass_rate_bars(bars),
        "turns_svg": histogram(turn_ms),
        "outcomes": list(OUTCOMES),
        "actual_outcomes": actual,
        "matrix": matrix,
        # failures first (a stable sort: suite order within each group)
        "results": [_row(r) for r in sorted(report.results, key=lambda r: r.passed)],
        "usage": [_usage(r) for r in report.results] if report.metrics.used_a_model else [],
        "failed": [_failed(r) for r in report.results if not r.passed],
    }


def _row(result: ScenarioResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title or "—",
        "tags": ", ".join(result.tags) or "—",
        "passed": result.passed,
        "runs": f"{result.passes}/{result.runs}",
        "expected": result.expected_outcome or "—",
        "outcome": result.outcome,
        "intent": result.intent or "—",
        "first_failure": redact_text(result.failures[0]) if result.failures else "",
        "runs_key": f"{result.passes / result.runs:.4f}" if result.runs else "0",
    }


def _usage(result: ScenarioResult) -> dict[str, Any]:
    """One conversation's model usage, with its turns side by side ("2 · 1 · 0")."""
    m = result.metrics

    def per_turn(values: list[Any], fmt: str) -> str:
        return " · ".join(format(v, fmt) for v in values) or "—"

    return {
        "id": result.id,
        "turns": len(m.turn_model_calls),
        "calls": m.model_calls,
        "calls_by_turn": per_turn(m.turn_model_calls, "d"),
        "tokens": f"{m.tokens:,}",
        "tokens_in_out": f"{m.input_tokens:,} / {m.output_tokens:,}",
        "tokens_by_turn": per_turn(m.turn_tokens, ","),
        "cost": usd(m.cost_usd),
        "model_ms": f"{m.model_ms:.1f}",
        "model_ms_by_turn": per_turn(m.turn_model_ms, ".1f"),
        "failed_calls": m.failed_model_calls,
        "fallbacks": m.model_fallbacks,
    }


def _failed(result: ScenarioResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title or "—",
        "failures": [redact_text(f) for f in result.failures] or ["failed"],
        "transcript": [
            {"role": line.role, "text": redact_text(line.text)} for line in result.transcript
        ],
        "actions": [
            {
                "tool": a.tool,
                "args": redact_text(json.dumps(a.args, sort_keys=True, ensure_ascii=False)),
                "outcome": a.outcome,
                "detail": redact_text(a.detail) if a.detail else "—",
            }
            for a in result.actions
        ],
    }


def _when(at: datetime | None) -> str:
    """``2025-06-01 14:03 BST (UTC+01:00)``; a report from before the field: a dash."""
    if at is None:
        return "—"
    offset = at.strftime("%z")
    zone = at.tzname() or ""
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    if zone and zone != utc:
        return f"{at:%Y-%m-%d %H:%M} {zone} ({utc})"
    return f"{at:%Y-%m-%d %H:%M} {utc}"


def _finalize(value: object) -> object:
    return "—" if value is None else value


__all__ = ["page_context", "render_html"]
