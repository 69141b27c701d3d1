"""The signal log on each backend: what is appended is read back by time, across reopening."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import pytest

from resolution_agent.agent.patterns.log import open_signal_log
from tests.patterns.conftest import T0, MakeSignal
from tests.storage.conftest import BACKENDS, storage_settings


@pytest.mark.parametrize("backend", BACKENDS)
async def test_signals_are_read_back_in_time_order_within_the_range(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, signal: MakeSignal
) -> None:
    url = request.getfixturevalue("database_url") if backend == "postgres" else None
    settings = storage_settings(backend, tmp_path, url)
    late = signal(at=T0 + timedelta(minutes=20), merchants=("Gymbox",), risk_signals=("scam",))
    early = signal(at=T0 + timedelta(minutes=5), understood=False, text="what fee is this")
    outside = signal(at=T0 + timedelta(hours=2))
    async with AsyncExitStack() as stack:
        log = await open_signal_log(settings, stack)
        for s in (late, early, outside):
            await log.append(s)
        window = await log.read(since=T0, until=T0 + timedelta(hours=1))
        assert window == [early, late]
        assert await log.read(since=T0 + timedelta(minutes=10)) == [late, outside]


async def test_sqlite_signals_survive_reopening(tmp_path: Path, signal: MakeSignal) -> None:
    settings = storage_settings("sqlite", tmp_path, None)
    kept = signal(tool_failures=("freeze_card:timeout",), queue="cards", outcome="handed_off")
    async with AsyncExitStack() as stack:
        await (await open_signal_log(settings, stack)).append(kept)
    async with AsyncExitStack() as stack:
        assert await (await open_signal_log(settings, stack)).read(since=T0) == [kept]
    assert (tmp_path / "signals.sqlite").is_file()
