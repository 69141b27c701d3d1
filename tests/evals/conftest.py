"""Shared fixtures: the small scenario suite in ``data/``, run once per session and graded.

The session run adds two scenarios that must not pass (a wrong expectation and an unknown
customer), so report tests see failures, a crash and passes side by side.
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.metrics import RunResult
from resolution_agent.evals.suite import run_scenarios
from resolution_agent.evals.summary import Report, summarise

DATA = Path(__file__).resolve().parent / "data"

FAILING = """
- id: declined-expects-handoff
  title: A wrong expectation, so the scenario fails
  tags: [answers, broken]
  customer: cus_1001
  turns: ["why was my card declined at ASOS?"]
  expect:
    outcome: handed_off
    queue: cards
- id: unknown-customer
  title: A customer the bank does not know crashes the run
  tags: [broken]
  customer: cus_9999
  turns: ["I've lost my card"]
  expect:
    outcome: awaiting_customer
"""


def write_yaml(folder: Path, name: str, text: str) -> Path:
    """Write a scenario file from an indented literal; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def failing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("failing")
    write_yaml(folder, "failing.yaml", FAILING)
    return folder


@pytest.fixture(scope="session")
def suite_runs(settings: Settings, failing_dir: Path) -> list[RunResult]:
    scenarios = load_suite([DATA, failing_dir])
    return asyncio.run(run_scenarios(scenarios, settings, concurrency=4))


@pytest.fixture(scope="session")
def suite_report(suite_runs: list[RunResult]) -> Report:
    return summarise(suite_runs)
