"""Compares a run with an earlier ``report.json``: which scenarios got better or worse.

A scenario that passed in the baseline and fails now is a regression, and any regression fails
the command: a change must not quietly trade one behaviour for another. The baseline is read
leniently (only ``results[].id``/``passed``, ``pass_rate`` and numeric ``metrics``) so reports
from older versions of the suite still compare.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import BaseModel, Field

from resolution_agent.evals.summary import Report
from resolution_agent.tools.errors import DataFileError


class MetricDelta(BaseModel):
    name: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


class Comparison(BaseModel):
    regressions: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    metrics: list[MetricDelta] = Field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot read the baseline report: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"the baseline is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise DataFileError(path, "not a report.json: expected a 'results' list", key="results")
    for index, row in enumerate(data["results"]):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise DataFileError(path, "each result needs an 'id'", key=f"results[{index}]")
    return data


def compare(current: Report, baseline: dict[str, Any]) -> Comparison:
    """Scenario changes by id, and the change of every metric both reports have."""
    before = {str(r["id"]): bool(r.get("passed")) for r in baseline["results"]}
    after = {r.id: r.passed for r in current.results}
    comparison = Comparison(
        regressions=[i for i, ok in after.items() if before.get(i) is True and not ok],
        improvements=[i for i, ok in after.items() if before.get(i) is False and ok],
        new=[i for i in after if i not in before],
        removed=[i for i in before if i not in after],
    )
    old_metrics = {"pass_rate": baseline.get("pass_rate"), **dict(baseline.get("metrics") or {})}
    new_metrics = {"pass_rate": current.pass_rate, **current.metrics.model_dump()}
    for name, value in new_metrics.items():
        old = old_metrics.get(name)
        if _numeric(old) and _numeric(value):
            comparison.metrics.append(MetricDelta(name=name, before=float(old), after=float(value)))
    return comparison


def describe(comparison: Comparison) -> str:
    """Plain-text lines for the terminal: scenario changes first, then metric deltas."""
    lines = ["compared with the baseline:"]
    for label, ids in (
        ("regressions (passed -> failed)", comparison.regressions),
        ("improvements (failed -> passed)", comparison.improvements),
        ("new scenarios", comparison.new),
        ("scenarios no longer in the suite", comparison.removed),
    ):
        if ids:
            lines.append(f"  {label}: {', '.join(ids)}")
    if len(lines) == 1:
        lines.append("  no scenario changed result")
    changed = [m for m in comparison.metrics if abs(m.delta) > 1e-9]
    for m in changed:
        lines.append(f"  {m.name}: {_fmt(m.before)} -> {_fmt(m.after)} ({m.delta:+.4g})")
    if not changed:
        lines.append("  no metric changed")
    return "\n".join(lines)


def _numeric(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value: float) -> str:
    return f"{value:.4g}"


__all__ = ["Comparison", "MetricDelta", "compare", "describe", "load_baseline"]
