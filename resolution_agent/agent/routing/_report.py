"""The simulation report: a side-by-side table, ``report.json`` and a one-file ``report.html``.

The HTML comes from ``prompts/routing_report.html.j2`` with autoescaping and StrictUndefined;
its charts are inline SVG, so the page opens offline with no script at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.routing._charts import Chart, grouped_bars, lines
from resolution_agent.agent.routing._errors import RoutingError
from resolution_agent.agent.routing._metrics import PolicyResult, SimulationReport
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority

TEMPLATE = "routing_report.html.j2"
DEFAULT_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
_PRIORITIES: tuple[Priority, ...] = tuple(sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__))


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    values: list[str]


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def rows(report: SimulationReport) -> list[Row]:
    """The comparison, one row per figure and one column per policy."""
    results = report.results

    def row(label: str, pick: Any) -> Row:
        return Row(label=label, values=[pick(r) for r in results])

    table = [
        row(f"{p} SLA attainment", lambda r, p=p: percent(r.metrics.by_priority[p].sla_attainment))
        for p in _PRIORITIES
    ]
    table += [
        row("mean wait", lambda r: duration(r.metrics.wait_mean_s)),
        row("p90 wait", lambda r: duration(r.metrics.wait_p90_s)),
        row("p99 wait", lambda r: duration(r.metrics.wait_p99_s)),
        row("p99 wait, low priority", lambda r: duration(r.metrics.by_priority["low"].wait_p99_s)),
        row("max wait", lambda r: duration(r.metrics.wait_max_s)),
        row("best-skill share", lambda r: percent(r.metrics.best_skill_share)),
        row("mean skill fit", lambda r: f"{r.metrics.mean_fit:.3f}"),
        row("utilisation", lambda r: percent(r.metrics.utilisation)),
        row("abandonment", lambda r: percent(r.metrics.abandonment)),
        row("served", lambda r: f"{r.metrics.served:,}"),
        row("decision p50", lambda r: f"{r.timing.decide_p50_ms:.1f} ms"),
        row("decision p99", lambda r: f"{r.timing.decide_p99_ms:.1f} ms"),
        row("simulation time", lambda r: f"{r.timing.run_s:.1f} s"),
    ]
    return table


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
