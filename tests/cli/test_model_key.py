"""A provider model asked for without its key stops start-up in one line; offline on purpose runs.

It used to run the offline planner after a log warning and exit 0, so offline replies passed
for the model's. The check is the planner factory's (``check_planner_key``), used by the agent's
start-up, the demo and chat before their warm-up, and the suite commands before any run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution_agent.agent.cli import app

KEYS = (
    "OPENAI_API_KEY",
    "RESOLVE_OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "RESOLVE_ANTHROPIC_API_KEY",
)


@pytest.fixture(autouse=True)
def _no_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RESOLVE_INTENT_CLASSIFIER", "keywords")
    monkeypatch.setenv("RESOLVE_RETRIEVER", "lexical")


@pytest.mark.parametrize("command", [["demo"], ["chat", "--customer", "cus_1001"]])
@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ("openai:gpt-4.1-mini", "OPENAI_API_KEY (or RESOLVE_OPENAI_API_KEY)"),
        ("anthropic:claude-sonnet-4-6", "ANTHROPIC_API_KEY (or RESOLVE_ANTHROPIC_API_KEY)"),
    ],
)
def test_a_model_without_its_key_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, command: list[str], spec: str, key: str
) -> None:
    monkeypatch.setenv("RESOLVE_MODEL", spec)

    result = CliRunner().invoke(app, command, input="hello\n")

    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # nothing ran, no prompt
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: model {spec} needs an API key: set {key}, "
        "or set RESOLVE_MODEL=offline to run offline on purpose"
    ]


def test_a_blank_key_is_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOLVE_MODEL", "openai:gpt-4.1-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "  ")

    result = CliRunner().invoke(app, ["chat", "--customer", "cus_1001"], input="hello\n")

    assert result.exit_code == 2
    assert "needs an API key: set OPENAI_API_KEY" in result.stderr


def test_offline_asked_for_on_purpose_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOLVE_MODEL", "offline")

    result = CliRunner().invoke(app, ["chat", "--customer", "cus_1001"], input="hello\n")

    assert result.exit_code == 0, result.output
    assert "agent> " in result.stdout
