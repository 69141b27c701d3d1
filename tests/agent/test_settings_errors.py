"""A bad setting is reported by the environment variable the user set, never a field name."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from resolution_agent.agent.cli import app
from resolution_agent.agent.settings import SettingsError, load_settings


def test_a_bad_setting_names_its_environment_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESOLVE_CHECKPOINTER", "postgres")
    monkeypatch.setenv("RESOLVE_CLARIFY_THRESHOLD", "abc")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "RESOLVE_CHECKPOINTER: Input should be 'sqlite' or 'memory' (got 'postgres')" in message
    assert "RESOLVE_CLARIFY_THRESHOLD:" in message
    assert "\ncheckpointer\n" not in message  # pydantic's own layout is not shown


def test_a_bad_api_key_names_both_variables_and_never_repeats_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.setenv("RESOLVE_LLM_MAX_CALLS_PER_TURN", "sk-secret-looking")

    with pytest.raises(SettingsError) as caught:
        load_settings(openai_api_key=["not", "a", "string"])

    message = str(caught.value)
    assert "OPENAI_API_KEY (or RESOLVE_OPENAI_API_KEY)" in message
    assert "'not'" not in message
    assert "RESOLVE_LLM_MAX_CALLS_PER_TURN" in message


def test_the_cli_prints_the_variable_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOLVE_CHECKPOINTER", "postgres")

    result = CliRunner().invoke(app, ["audit", "conv-1"])

    assert result.exit_code == 2
    assert "RESOLVE_CHECKPOINTER" in result.output
    assert "Traceback" not in result.output
