"""``resolve patterns`` reads the data dir's signal log and prints its alerts."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution_agent.agent.cli import app
from resolution_agent.agent.patterns import TurnSignal
from resolution_agent.agent.patterns.log import open_signal_log
from resolution_agent.agent.settings import Settings
from tests.patterns.conftest import T0
from tests.patterns.streams import steady

NOW = T0 + timedelta(days=1, hours=8)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir whose signal log holds a day and a half of turns and a merchant outage."""
    history = list(steady(T0, 30))
    start = T0 + timedelta(days=1, hours=6, minutes=2)
    outage = [
        TurnSignal(
            conversation_id=f"out-{k}",
            at=start + timedelta(seconds=20 * k),
            intent="declined_card_payment",
            confidence=0.9,
            understood=True,
            outcome="resolved",
            merchants=("Gymbox",),
        )
        for k in range(60)
    ]

    async def write() -> None:
        async with AsyncExitStack() as stack:
            log = await open_signal_log(Settings(data_dir=tmp_path), stack)
            for s in sorted(history + outage, key=lambda s: s.at):
                await log.append(s)

    asyncio.run(write())
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RESOLVE_CLOCK", NOW.isoformat())
    return tmp_path


def test_patterns_prints_the_open_alerts_as_a_table(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["patterns", "--since", "6h"])

    assert result.exit_code == 0, result.output
    assert "PAT-VOLUME-SPIKE" in result.output
    assert "merchant:Gymbox" in result.output
    assert "action:" in result.output


def test_patterns_json_is_the_alerts(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["patterns", "--since", "6h", "--json"])

    assert result.exit_code == 0, result.output
    alerts = json.loads(result.output)
    assert {a["subject"] for a in alerts} == {
        "merchant:Gymbox",
        "intent:declined_card_payment",
    }
    assert all(a["conversation_ids"] for a in alerts)


def test_a_since_that_is_neither_span_nor_time_is_refused(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["patterns", "--since", "yesterday"])

    assert result.exit_code == 1
    assert "--since 'yesterday'" in result.output
