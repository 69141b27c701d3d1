"""The simulation report: a side-by-side table, ``report.json`` and a one-file ``report.html``.

The HTML comes from ``prompts/routing_report.html.j2`` with autoescaping and StrictUndefined;
its charts are inline SVG, so the page opens offline with no script at all.

Each ranked metric marks its best value (ties included, compared as shown, so two cells that
read the same are never told apart) and its worst, and each policy gets one line naming where
it is worst and where it trails the best. Utilisation and simulation time are not ranked:
neither a busier desk nor a slower simulator is better or worse in itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.routing._charts import Chart, grouped_bars, lines
from resolution_agent.agent.routing._errors import RoutingError
from resolution_agent.agent.routing._metrics import PolicyResult, SimulationReport
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority

TEMPLATE = "routing_report.html.j2"
DEFAULT_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
_PRIORITIES: tuple[Priority, ...] = tuple(sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__))


Better = Literal["higher", "lower"]


class Row(BaseModel):
    """One metric across the policies; ``best`` and ``worst`` mark cells of a ranked metric."""

    model_config = ConfigDict(frozen=True)

    label: str
    values: list[str]
    better: Better | None = None
    best: list[bool] = []
    worst: list[bool] = []


class Verdict(BaseModel):
    """Where one policy loses: worst of all, or behind the best (with the best's value)."""

    model_config = ConfigDict(frozen=True)

    policy: str
    worst: list[str]
    behind: list[str]
    ranked: int

    @property
    def text(self) -> str:
        if not self.worst and not self.behind:
            return f"{self.policy}: best or level on all {self.ranked} ranked metrics"
        parts = []
        if self.worst:
            parts.append("worst on " + "; ".join(self.worst) + ".")
        if self.behind:
            parts.append("Behind the best on " + "; ".join(self.behind) + ".")
        return f"{self.policy}: " + " ".join(parts)


@dataclass(frozen=True)
class _Metric:
    label: str
    pick: Callable[[PolicyResult], float]
    show: Callable[[float], str]
    better: Better | None


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def _metrics() -> list[_Metric]:
    def ms(value: float) -> str:
        return f"{value:.1f} ms"

    def sla(priority: Priority) -> _Metric:
        def pick(r: PolicyResult) -> float:
            return r.metrics.by_priority[priority].sla_attainment

        return _Metric(f"{priority} SLA attainment", pick, percent, "higher")

    return [
        *(sla(p) for p in _PRIORITIES),
        _Metric("mean wait", lambda r: r.metrics.wait_mean_s, duration, "lower"),
        _Metric("p90 wait", lambda r: r.metrics.wait_p90_s, duration, "lower"),
        _Metric("p99 wait", lambda r: r.metrics.wait_p99_s, duration, "lower"),
        _Metric(
            "p99 wait, low priority",
            lambda r: r.metrics.by_priority["low"].wait_p99_s,
            duration,
            "lower",
        ),
        _Metric("max wait", lambda r: r.metrics.wait_max_s, duration, "lower"),
        _Metric("best-skill share", lambda r: r.metrics.best_skill_share, percent, "higher"),
        _Metric("mean skill fit", lambda r: r.metrics.mean_fit, lambda v: f"{v:.3f}", "higher"),
        _Metric("utilisation", lambda r: r.metrics.utilisation, percent, None),
        _Metric("abandonment", lambda r: r.metrics.abandonment, percent, "lower"),
        _Metric("served", lambda r: r.metrics.served, lambda v: f"{v:,.0f}", "higher"),
        _Metric("decision p50", lambda r: r.timing.decide_p50_ms, ms, "lower"),
        _Metric("decision p99", lambda r: r.timing.decide_p99_ms, ms, "lower"),
        _Metric("simulation time", lambda r: r.timing.run_s, lambda v: f"{v:.1f} s", None),
    ]


def rows(report: SimulationReport) -> list[Row]:
    """The comparison, one row per figure and one column per policy, best and worst marked."""
    table = []
    for metric in _metrics():
        raw = [metric.pick(r) for r in report.results]
        shown = [metric.show(v) for v in raw]
        best, worst = _extremes(raw, shown, metric.better)
        table.append(
            Row(label=metric.label, values=shown, better=metric.better, best=best, worst=worst)
        )
    return table


def _extremes(
    raw: list[float], shown: list[str], better: Better | None
) -> tuple[list[bool], list[bool]]:
    """Cells showing the best and the worst value; none when unranked or every cell reads alike."""
    nothing = [False] * len(raw)
    if better is None or len(set(shown)) < 2:
        return nothing, nothing
    sign = 1.0 if better == "higher" else -1.0
    top = shown[max(range(len(raw)), key=lambda i: sign * raw[i])]
    bottom = shown[min(range(len(raw)), key=lambda i: sign * raw[i])]
    return [s == top for s in shown], [s == bottom for s in shown]


def verdicts(report: SimulationReport) -> list[Verdict]:
    """One per policy: the ranked metrics where it is worst, and where it trails the best."""
    table = [r for r in rows(report) if r.better is not None]
    names = [r.metrics.policy for r in report.results]
    out = []
    for i, name in enumerate(names):
        worst: list[str] = []
        behind: list[str] = []
        for row in table:
            if not any(row.best) or row.best[i]:
                continue
            leaders = [n for n, best in zip(names, row.best, strict=True) if best]
            value = row.values[row.best.index(True)]
            said = f"{row.label} ({row.values[i]} vs {value}, {'/'.join(leaders)})"
            (worst if row.worst[i] else behind).append(said)
        out.append(Verdict(policy=name, worst=worst, behind=behind, ranked=len(table)))
    return out


def terminal_table(report: SimulationReport) -> str:
    names = [r.metrics.policy for r in report.results]
    table = rows(report)
    first = max([len("metric"), *(len(r.label) for r in table)])
    widths = [max([len(n), *(len(r.values[i]) for r in table)]) for i, n in enumerate(names)]
    lines_out = [
        "  ".join(
            ["metric".ljust(first), *(n.rjust(w) for n, w in zip(names, widths, strict=True))]
        )
    ]
    for r in table:
        cells = (v.rjust(w) for v, w in zip(r.values, widths, strict=True))
        lines_out.append("  ".join([r.label.ljust(first), *cells]))
    if len(names) > 1:
        lines_out.append("")
        lines_out.extend(v.text for v in verdicts(report))
    return "\n".join(lines_out)


def _series(results: list[PolicyResult], pick: Any) -> dict[str, list[float]]:
    return {r.metrics.policy: pick(r) for r in results}


def charts(report: SimulationReport) -> list[Chart]:
    results = report.results
    minutes = lambda v: f"{v:.0f} min"  # noqa: E731
    return [
        grouped_bars(
            "SLA attainment by priority",
            list(_PRIORITIES),
            _series(
                results, lambda r: [r.metrics.by_priority[p].sla_attainment for p in _PRIORITIES]
            ),
            percent,
            top_value=1.0,
        ),
        grouped_bars(
            "Wait until a COp picks up (minutes)",
            ["mean", "p90", "p99", "p99 low priority"],
            _series(
                results,
                lambda r: [
                    r.metrics.wait_mean_s / 60,
                    r.metrics.wait_p90_s / 60,
                    r.metrics.wait_p99_s / 60,
                    r.metrics.by_priority["low"].wait_p99_s / 60,
                ],
            ),
            minutes,
        ),
        grouped_bars(
            "Abandonment, best-skill share and utilisation",
            ["abandonment", "best-skill share", "utilisation"],
            _series(
                results,
                lambda r: [
                    r.metrics.abandonment,
                    r.metrics.best_skill_share,
                    r.metrics.utilisation,
                ],
            ),
            percent,
            top_value=1.0,
        ),
        lines(
            "Customers waiting over the day",
            {
                r.metrics.policy: [(q.at_s / 3600, float(q.waiting)) for q in r.metrics.queue]
                for r in results
            },
            lambda h: f"{h:.0f}h",
            lambda n: f"{n:.0f}",
        ),
    ]


def render_html(report: SimulationReport, prompts_dir: Path = DEFAULT_PROMPTS) -> str:
    if not (prompts_dir / TEMPLATE).is_file():
        raise RoutingError(f"report template {prompts_dir / TEMPLATE} is missing")
    env = Environment(
        loader=FileSystemLoader(prompts_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE).render(
        config=report.config,
        interval_s=report.interval_s,
        tolerance=report.best_skill_tolerance,
        cases_by_priority=report.cases_by_priority,
        policies=[r.metrics.policy for r in report.results],
        rows=rows(report),
        verdicts=verdicts(report) if len(report.results) > 1 else [],
        charts=charts(report),
    )


def write_report(
    report: SimulationReport, folder: Path, prompts_dir: Path = DEFAULT_PROMPTS
) -> list[Path]:
    """Write ``report.json`` and ``report.html`` into ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / "report.json", folder / "report.html"
    json_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    html_path.write_text(render_html(report, prompts_dir), encoding="utf-8")
    return [json_path, html_path]
