"""Model usage in the eval report: per turn and per conversation, in JSON, terminal and HTML.

The suite in ``data/`` runs through the real LLM planner on the simulated engine model (the
offline engine answering as a model: deterministic, no network), fast path off so that every
plan step is a model call, with a price table so cost is known.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.llm import LLMPlannerConfig
from resolution_agent.agent.planning.simulated import ENGINE_MODEL, SimulatedPlanner
from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.metrics import RunResult
from resolution_agent.evals.report import terminal_table, write_report
from resolution_agent.evals.suite import run_scenarios
from resolution_agent.evals.summary import Report, summarise
from tests.evals.conftest import DATA

PRICES = (1.0, 2.0)  # USD per 1M tokens in, out


def run_llm(settings: Settings, *, fast_path: bool) -> list[RunResult]:
    config = LLMPlannerConfig(fast_path=fast_path, prices={ENGINE_MODEL: PRICES})

    def planner() -> Planner:
        return SimulatedPlanner(config)

    scenarios = load_suite([DATA])
    return asyncio.run(run_scenarios(scenarios, settings, concurrency=4, planner=planner))


@pytest.fixture(scope="module")
def llm_runs(settings: Settings) -> list[RunResult]:
    return run_llm(settings, fast_path=False)


@pytest.fixture(scope="module")
def llm_report(llm_runs: list[RunResult]) -> Report:
    return summarise(llm_runs, model=ENGINE_MODEL)


def test_each_run_counts_calls_tokens_cost_and_model_time_per_turn(
    llm_runs: list[RunResult],
) -> None:
    assert all(r.error is None for r in llm_runs)
    assert any(r.metrics.model_calls for r in llm_runs)  # a handoff in `decide` needs none
    for run in llm_runs:
        m = run.metrics
        assert len(m.turn_model_calls) == len(m.turn_tokens) == len(m.turn_cost_usd) == m.replies
        assert len(m.turn_model_ms) == m.replies
        assert m.model_calls == sum(m.turn_model_calls)
        assert m.tokens == sum(m.turn_tokens) == m.input_tokens + m.output_tokens
        expected = (m.input_tokens * PRICES[0] + m.output_tokens * PRICES[1]) / 1_000_000
        assert m.cost_usd == pytest.approx(expected)
        assert m.cost_usd == pytest.approx(sum(m.turn_cost_usd))
        assert m.model_ms == pytest.approx(sum(m.turn_model_ms), abs=0.01)
        assert m.unpriced_model_calls == 0


def test_totals_add_up_and_average_per_turn_and_per_conversation(llm_report: Report) -> None:
    t = llm_report.metrics
    runs = [r.metrics for r in llm_report.results]
    turns = sum(m.replies for m in runs)
    assert t.used_a_model
    assert t.model_calls == sum(m.model_calls for m in runs)
    assert t.tokens == t.input_tokens + t.output_tokens
    assert t.cost_usd == pytest.approx(sum(m.cost_usd for m in runs), abs=1e-6)
    assert t.model_calls_per_turn == pytest.approx(t.model_calls / turns, abs=1e-3)
    assert t.tokens_per_turn == pytest.approx(t.tokens / turns, abs=0.1)
    assert t.model_calls_per_run == pytest.approx(t.model_calls / len(runs), abs=1e-3)
    assert t.cost_usd_per_run == pytest.approx(t.cost_usd / len(runs), abs=1e-8)
    assert t.cost_usd_per_run_p95 >= t.cost_usd_per_run * 0.5


def test_usage_is_in_report_json_the_terminal_table_and_the_html_page(
    llm_report: Report, tmp_path: Path
) -> None:
    write_report(llm_report, tmp_path, Settings().prompts_dir)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    table = terminal_table(llm_report)

    metrics = data["metrics"]
    for key in ("model_calls", "input_tokens", "output_tokens", "cost_usd", "model_s"):
        assert key in metrics
    for key in ("model_calls_per_turn", "tokens_per_turn", "cost_usd_per_turn"):
        assert metrics[key] > 0
    first = data["results"][0]["metrics"]
    assert {"turn_model_calls", "turn_tokens", "turn_cost_usd", "turn_model_ms"} <= set(first)
    assert f"model: {llm_report.metrics.model_calls} calls" in table
    assert "  per turn: " in table and "  per conversation: " in table
    assert "Model usage by conversation" in html
    assert '<table id="usage">' in html
    for result in llm_report.results:
        assert f"<code>{result.id}</code>" in html
    assert "per conversation: cost" in html


def test_an_offline_report_shows_no_model_usage(suite_report: Report, tmp_path: Path) -> None:
    write_report(suite_report, tmp_path, Settings().prompts_dir)

    assert not suite_report.metrics.used_a_model
    assert "model: " not in terminal_table(suite_report)
    assert "Model usage by conversation" not in (tmp_path / "report.html").read_text("utf-8")


def test_the_fast_path_takes_confident_procedures_off_the_model(
    settings: Settings, llm_runs: list[RunResult]
) -> None:
    fast = summarise(run_llm(settings, fast_path=True)).metrics
    slow = summarise(llm_runs).metrics

    assert fast.model_calls < slow.model_calls
    assert fast.tokens < slow.tokens
    assert fast.cost_usd < slow.cost_usd
