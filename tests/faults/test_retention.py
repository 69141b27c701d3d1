"""Checkpoint retention on SQLite and PostgreSQL: superseded checkpoints go, live state stays.

Every test runs real conversations, prunes, and then checks through the public API that what
must survive did: a conversation waiting for a yes still cancels the card after pruning, an
open case keeps its conversation, the audit trail outlives a deleted conversation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langgraph.checkpoint.base.id import uuid6
from typer.testing import CliRunner

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.cli import app
from resolution_agent.agent.errors import UnknownConversationError
from resolution_agent.agent.storage.retention import (
    PruneReport,
    checkpoint_time,
    prune_periodically,
)
from tests.faults.conftest import OpenAgent, sqlite_rows

CUSTOMER = "cus_1001"
OTHER = "cus_1002"
STOLEN = "someone nicked my purse with my card in it"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
LATER = datetime.now(UTC) + timedelta(days=31)  # conversations written now are idle by then


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings overrides that pick the backend (a fresh PostgreSQL database per test)."""
    if request.param == "postgres":
        return {"database_url": request.getfixturevalue("database_url")}
    return {}


class Checkpoints:
    """Counts and sizes in LangGraph's checkpoint tables, read with plain SQL."""

    def __init__(self, backend: dict[str, Any], data_dir: Path) -> None:
        self.url: str | None = backend.get("database_url")
        self.file = data_dir / "checkpoints.sqlite"

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        if self.url is None:
            return sqlite_rows(self.file, sql.replace("%s", "?"), *params)
        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql.encode(), params).fetchall()

    def count(self, thread_id: str) -> int:
        [(n,)] = self._rows("SELECT COUNT(*) FROM checkpoints WHERE thread_id = %s", thread_id)
        return int(n)

    def bytes(self, thread_id: str) -> int:
        """Stored bytes of one conversation: checkpoints, pending writes (and blobs)."""
        if self.url is None:
            queries = [
                "SELECT SUM(LENGTH(checkpoint) + LENGTH(metadata)) FROM checkpoints "
                "WHERE thread_id = %s",
                "SELECT SUM(LENGTH(value)) FROM writes WHERE thread_id = %s",
            ]
        else:
            queries = [
                "SELECT SUM(pg_column_size(checkpoint) + pg_column_size(metadata)) "
                "FROM checkpoints WHERE thread_id = %s",
                "SELECT SUM(pg_column_size(blob)) FROM checkpoint_blobs WHERE thread_id = %s",
                "SELECT SUM(pg_column_size(blob)) FROM checkpoint_writes WHERE thread_id = %s",
            ]
        return sum(int(self._rows(q, thread_id)[0][0] or 0) for q in queries)


THREE_TURNS = (STOLEN, "yes please", "thanks, that's all")


async def _three_turns(agent: ResolutionAgent, conversation_id: str) -> None:
    """A card cancelled and replaced: three turns, two bank calls, a resolved conversation."""
    for text in THREE_TURNS:
        await agent.handle_message(conversation_id, OTHER, text)


async def test_pruning_keeps_each_latest_checkpoint_and_a_pending_yes_still_cancels_the_card(
    open_agent: OpenAgent, backend: dict[str, Any], tmp_path: Path
) -> None:
    tables = Checkpoints(backend, tmp_path / "data")
    async with open_agent(**backend) as agent:
        await _three_turns(agent, "three-turns")
        asked = await agent.handle_message("waiting", CUSTOMER, STOLEN)
        assert "yes or no" in asked.text
        before = {t: (tables.count(t), tables.bytes(t)) for t in ("three-turns", "waiting")}

        report = await agent.prune_checkpoints()

        after = {t: (tables.count(t), tables.bytes(t)) for t in ("three-turns", "waiting")}
        assert {t: n for t, (n, _) in after.items()} == {"three-turns": 1, "waiting": 1}
        assert report.conversations == 2 and report.conversations_deleted == 0
        assert report.checkpoints_deleted == sum(n for n, _ in before.values()) - 2
        print(  # the figures the retention setting is judged by
            f"\n{report.backend}: 3-turn conversation {before['three-turns'][1]} bytes in "
            f"{before['three-turns'][0]} checkpoints -> {after['three-turns'][1]} bytes in 1"
        )
        assert after["three-turns"][1] < before["three-turns"][1] / 3

        reply = await agent.handle_message("waiting", CUSTOMER, "yes please")
        assert reply.status == "resolved"
        assert [(a.tool, a.outcome) for a in reply.actions] == [("cancel_card", "succeeded")]
        await agent.handle_message("three-turns", OTHER, "one more thing")
        conversation = await agent.get_conversation("three-turns")
        assert [m.text for m in conversation.transcript if m.role == "customer"] == [
            *THREE_TURNS,
            "one more thing",
        ]


async def test_retention_deletes_idle_conversations_but_keeps_open_cases_and_the_audit(
    open_agent: OpenAgent, backend: dict[str, Any], tmp_path: Path
) -> None:
    tables = Checkpoints(backend, tmp_path / "data")
    async with open_agent(**backend, checkpoint_retention_days=30) as agent:
        await _three_turns(agent, "idle")
        await agent.handle_message("open-case", CUSTOMER, "can I speak to a real person")
        await agent.handle_message("closed-case", CUSTOMER, "can I speak to a real person")
        await agent.claim_case("closed-case", "cop_amira")
        await agent.close_case("closed-case", "cop_amira", "resolved")

        too_soon = await agent.prune_checkpoints(now=datetime.now(UTC) + timedelta(days=29))
        assert too_soon.conversations_deleted == 0

        report = await agent.prune_checkpoints(now=LATER)

        assert (report.conversations_deleted, report.kept_for_open_cases) == (2, 1)
        for gone in ("idle", "closed-case"):
            assert tables.count(gone) == 0
            with pytest.raises(UnknownConversationError):
                await agent.get_conversation(gone)
            assert await agent.audit_events(gone) != []  # the record stays
        assert tables.count("open-case") == 1
        case = await agent.get_case("open-case")
        assert case.status == "queued"
        reply = await agent.handle_message("open-case", CUSTOMER, "still waiting")
        assert reply.status == "handed_off"  # recorded for the COp, as before pruning


async def test_without_retention_days_no_conversation_is_ever_deleted(
    open_agent: OpenAgent, tmp_path: Path
) -> None:
    async with open_agent() as agent:
        await _three_turns(agent, "old")

        report = await agent.prune_checkpoints(now=datetime.now(UTC) + timedelta(days=3650))

        assert report.conversations_deleted == 0
        assert len((await agent.get_conversation("old")).transcript) == 2 * len(THREE_TURNS)


def test_storage_prune_command_prunes_the_configured_storage(
    open_agent: OpenAgent, offline_env: Path
) -> None:
    async def converse() -> None:
        async with open_agent(data_dir=offline_env) as agent:
            await _three_turns(agent, "three-turns")

    asyncio.run(converse())  # the command runs its own event loop
    tables = Checkpoints({}, offline_env)
    before = tables.count("three-turns")

    result = CliRunner().invoke(app, ["storage", "prune", "--json"])

    assert result.exit_code == 0, result.output
    report = PruneReport.model_validate_json(result.stdout)
    assert (report.backend, report.conversations) == ("sqlite", 1)
    assert (report.checkpoints_before, report.checkpoints_after) == (before, 1)
    assert tables.count("three-turns") == 1


async def test_the_periodic_prune_runs_again_after_a_failure() -> None:
    calls: list[str] = []
    third = asyncio.Event()

    async def prune() -> PruneReport:
        calls.append("call")
        if len(calls) == 3:
            third.set()
        if len(calls) == 1:
            raise OSError("disk unavailable")
        return PruneReport(
            backend="sqlite",
            conversations=0,
            checkpoints_before=0,
            checkpoints_after=0,
            conversations_deleted=0,
            kept_for_open_cases=0,
            seconds=0.0,
        )

    runner: Callable[[], Awaitable[PruneReport]] = prune
    task = asyncio.create_task(prune_periodically(runner, interval_s=0.001, first_after_s=0.001))
    try:
        await asyncio.wait_for(third.wait(), timeout=5)  # failed once, then ran on
    finally:
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task  # it never ended by itself: only cancelling stops it


def test_a_checkpoint_id_tells_when_it_was_written() -> None:
    written = checkpoint_time(str(uuid6(clock_seq=3)))

    assert written is not None
    assert abs((written - datetime.now(UTC)).total_seconds()) < 5
    assert checkpoint_time("not-a-uuid") is None
    assert checkpoint_time("6f1c4a2e-3b1d-4c5a-9e7f-0a1b2c3d4e5f") is None  # a UUIDv4
