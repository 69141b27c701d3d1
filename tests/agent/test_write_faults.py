"""The write path under faults: intent stored before the bank call, unknown outcomes said as
unknown, and storage failures that never lose a message nor let a write out unrecorded.

Storage faults are real failures of the real SQLite files, chosen because they fail for root
too (the tests run as root, where ``chmod 0444`` stops nothing):

- a read-only checkpoint file: ``PRAGMA query_only`` on the checkpointer's connection; a full
  disk: ``PRAGMA max_page_count`` at the file's current size (SQLite's own "database or disk
  is full"). Replacing the file by a directory fails nothing: the checkpointer keeps its WAL
  open and goes on writing into the unlinked file;
- a failing audit disk: another connection holding ``audit.sqlite``'s write lock, so the
  agent's next append waits SQLite's busy timeout (5 s) and fails ("database is locked");
  released when the storage comes back. (The audit file is in WAL mode: its log stays open,
  so no file SQLite would create for a write can be blocked.)
- the data dir deleted under a running agent.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.errors import StorageError
from resolution_agent.agent.graph import checkpoint_serializer
from resolution_agent.agent.nodes.act import act
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.offline import OfflinePlanner
from resolution_agent.agent.planning.steps import Escalate
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.state import (
    ActionRecord,
    ConversationState,
    IntentPrediction,
    PendingAction,
    ProposeTool,
    ToolCall,
    TurnScope,
    Understanding,
)
from resolution_agent.agent.storage.sqlite import SqliteAuditLog
from resolution_agent.agent.templates import Templates
from resolution_agent.tools.client import BankClient
from resolution_agent.tools.errors import ResolveError
from resolution_agent.tools.mockbank import BankState, FaultRule, MockBank, create_app
from resolution_agent.tools.models import CardCancellation, ToolFailure, ToolResult
from tests.agent.conftest import CLOCK, OpenAgent, bank_of, card_status

CUSTOMER = "cus_1001"
LOST = "I've lost my card"
CARD = "card_1001a"
UNCONFIRMED = (
    "I couldn't confirm whether cancelling your card and ordering its replacement went "
    "through, so please don't try it again yourself."
)


class AuditLock:
    """The write lock of an audit file, taken by another connection until released."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def hold(self) -> None:
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        assert self._db is not None
        self._db.execute("ROLLBACK")
        self._db.close()
        self._db = None


class DiskFailsWhileTheBankCancels(MockBank):
    """A bank that cancels the card while the agent's disk fails: the answer comes back, and
    storing it fails."""

    fail_disk: Callable[[], None] | None = None

    def cancel_card(self, *args: Any, **kwargs: Any) -> CardCancellation:
        done = super().cancel_card(*args, **kwargs)
        if self.fail_disk is not None:
            self.fail_disk()
        return done


async def _ask_to_cancel(agent: ResolutionAgent, conversation: str) -> None:
    """Turn 1: the card is frozen and the agent asks whether to cancel and replace it."""
    reply = await agent.handle_message(conversation, CUSTOMER, LOST, message_id="m1")
    assert reply.status == "awaiting_customer"
    assert "cancel the card ending 4821" in reply.text


def _about(events: list[AuditEvent], tool: str) -> list[tuple[str, str]]:
    return [(e.kind, e.rule_id) for e in events if e.detail.get("tool") == tool]


def _cancels_done(bank: MockBank) -> int:
    """Cancellations the bank really ran (a replay of a known idempotency key is not one)."""
    return sum(1 for x in bank.executions if x.tool == "cancel_card" and x.status == 200)


# ---- unknown outcomes ------------------------------------------------------------------------


async def test_a_cancel_whose_answer_never_comes_is_unknown_and_never_suggested_again(
    open_agent: OpenAgent,
) -> None:
    async with open_agent(bank_timeout_s=0.05) as agent:
        await _ask_to_cancel(agent, "conv-slow-cancel")
        bank_of(agent).faults.add(
            FaultRule(endpoint="cancel_card", status=None, times=0, latency_ms=250)
        )

        reply = await agent.handle_message("conv-slow-cancel", CUSTOMER, "yes", message_id="m2")
        events = await agent.audit_events("conv-slow-cancel")

    assert reply.status == "handed_off"
    assert reply.text.startswith(UNCONFIRMED)
    assert "cancelled" not in reply.text.lower()
    assert [(a.tool, a.outcome) for a in reply.actions] == [("cancel_card", "unknown")]
    assert "check at the bank before retrying" in reply.actions[0].detail
    assert _about(events, "cancel_card") == [
        ("guard", "CONFIRM-REQUIRED"),
        ("guard", "ALLOW"),
        ("tool_intent", "TOOL-INTENT"),
        ("tool_call", "TOOL-UNKNOWN"),
    ]
    intent, call = [e for e in events if e.kind in ("tool_intent", "tool_call")][-2:]
    assert intent.detail["idempotency_key"] == call.detail["idempotency_key"]
    assert (call.detail["outcome"], call.detail["attempts"]) == ("unknown", 3)
    handoff = reply.handoff
    assert handoff is not None
    assert [(a.tool, a.outcome) for a in handoff.actions][-1] == ("cancel_card", "unknown")
    assert (
        "`cancel_card` card_id=card_1001a, reason=lost, replace=True → **outcome unknown — "
        "check at the bank before retrying**"
    ) in handoff.markdown
    assert not any("did not succeed" in item for item in handoff.open_items)
    assert handoff.next_steps[0].startswith("Check at the bank whether cancel_card")
    assert not any("offer a replacement" in step for step in handoff.next_steps)


async def test_a_read_that_times_out_is_still_a_plain_failure(open_agent: OpenAgent) -> None:
    async with open_agent(bank_timeout_s=0.05) as agent:
        bank_of(agent).faults.add(
            FaultRule(endpoint="list_cards", status=None, times=0, latency_ms=250)
        )

        reply = await agent.handle_message("conv-slow-read", CUSTOMER, LOST)
        events = await agent.audit_events("conv-slow-read")

    assert [(a.tool, a.outcome) for a in reply.actions] == [("list_cards", "failed")]
    assert reply.status == "handed_off"
    assert "couldn't confirm" not in reply.text
    assert _about(events, "list_cards") == [("guard", "ALLOW"), ("tool_call", "TOOL-TIMEOUT")]


# ---- a crash between the bank's answer and the record ----------------------------------------


@pytest.fixture
async def failing_disk_agent(
    make_settings: Callable[..., Settings],
    default_seed: BankState,
    retriever: LexicalRetriever,
) -> AsyncIterator[tuple[ResolutionAgent, DiskFailsWhileTheBankCancels, AuditLock]]:
    """An agent whose bank breaks the audit disk (``fail_disk``) while it cancels a card."""
    settings = make_settings()
    bank = DiskFailsWhileTheBankCancels(copy.deepcopy(default_seed))
    async with ResolutionAgent(settings, mock_bank=bank, retriever=retriever) as agent:
        yield agent, bank, AuditLock(settings.data_dir / "audit.sqlite")


async def test_a_cancel_done_at_the_bank_but_not_recorded_is_resumed_under_the_same_key(
    failing_disk_agent: tuple[ResolutionAgent, DiskFailsWhileTheBankCancels, AuditLock],
) -> None:
    agent, bank, audit_lock = failing_disk_agent
    await _ask_to_cancel(agent, "conv-crash")
    bank.fail_disk = audit_lock.hold

    with pytest.raises(StorageError, match="cancel_card was sent to the bank") as raised:
        await agent.handle_message("conv-crash", CUSTOMER, "yes", message_id="m2")

    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    assert card_status(bank, CARD) == "cancelled"  # the bank did it
    bank.fail_disk = None
    audit_lock.release()  # the storage is back
    # the intent shows what was attempted; its outcome was never stored
    assert _about(await agent.audit_events("conv-crash"), "cancel_card") == [
        ("guard", "CONFIRM-REQUIRED"),
        ("guard", "ALLOW"),
        ("tool_intent", "TOOL-INTENT"),
    ]

    reply = await agent.handle_message("conv-crash", CUSTOMER, "yes", message_id="m2")

    assert reply.status == "resolved"
    assert "I've cancelled your card ending 4821" in reply.text
    assert [(a.tool, a.outcome) for a in reply.actions] == [("cancel_card", "succeeded")]
    assert _cancels_done(bank) == 1  # the redelivery got the bank's first answer
    assert bank.calls["cancel_card"] == 2
    events = await agent.audit_events("conv-crash")
    keys = {e.detail["idempotency_key"] for e in events if e.kind in ("tool_intent", "tool_call")}
    assert len([k for k in keys if "m2" in str(k)]) == 1  # one logical write, one key
    conversation = await agent.get_conversation("conv-crash")
    assert [m.text for m in conversation.transcript if m.role == "customer"] == [LOST, "yes"]


async def test_a_write_with_an_intent_and_no_outcome_is_handed_off_as_unknown(
    failing_disk_agent: tuple[ResolutionAgent, DiskFailsWhileTheBankCancels, AuditLock],
) -> None:
    agent, bank, audit_lock = failing_disk_agent
    await _ask_to_cancel(agent, "conv-orphan")
    bank.fail_disk = audit_lock.hold
    with pytest.raises(StorageError):
        await agent.handle_message("conv-orphan", CUSTOMER, "yes", message_id="m2")
    bank.fail_disk = None
    audit_lock.release()

    reply = await agent.handle_message(
        "conv-orphan", CUSTOMER, "I want to speak to a person please", message_id="m3"
    )

    assert reply.status == "handed_off"
    assert reply.text.startswith(UNCONFIRMED)
    assert reply.handoff is not None
    [cancel] = [a for a in reply.handoff.actions if a.tool == "cancel_card"]
    assert (cancel.outcome, cancel.summary) == (
        "unknown",
        "card_id=card_1001a, reason=lost, replace=True",
    )
    assert "its answer was never recorded" in cancel.detail
    assert reply.handoff.next_steps[0].startswith("Check at the bank whether cancel_card")
    assert bank.calls["cancel_card"] == 1  # nothing was sent again
    customer = [line.text for line in reply.handoff.transcript if line.role == "customer"]
    assert customer == [LOST, "yes", "I want to speak to a person please"]


# ---- storage that fails before the write -----------------------------------------------------


@asynccontextmanager
async def _agent_on_saver(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> AsyncIterator[tuple[ResolutionAgent, AsyncSqliteSaver]]:
    """An agent on the real checkpoint file, through a connection the test can break."""
    settings = make_settings()
    settings.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(settings.checkpoint_file)) as saver:
        saver.serde = checkpoint_serializer()
        async with ResolutionAgent(
            settings, mock_bank=new_bank(), retriever=retriever, checkpointer=saver
        ) as agent:
            yield agent, saver


async def _read_only(saver: AsyncSqliteSaver) -> None:
    await saver.conn.execute("PRAGMA query_only = ON")


async def _full(saver: AsyncSqliteSaver) -> None:
    async with saver.conn.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await saver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    await saver.conn.execute(f"PRAGMA max_page_count = {int(row[0])}")


async def _writable(saver: AsyncSqliteSaver) -> None:
    await saver.conn.execute("PRAGMA query_only = OFF")
    await saver.conn.execute("PRAGMA max_page_count = 1073741823")


@pytest.mark.parametrize("fault", [_read_only, _full], ids=["read-only", "disk-full"])
async def test_a_checkpoint_that_cannot_be_written_stops_the_yes_before_the_bank(
    fault: Callable[[AsyncSqliteSaver], Any],
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    async with _agent_on_saver(make_settings, new_bank, retriever) as (agent, saver):
        bank = bank_of(agent)
        await _ask_to_cancel(agent, "conv-ro")
        await fault(saver)

        with pytest.raises(StorageError, match="deliver the message again") as raised:
            await agent.handle_message("conv-ro", CUSTOMER, "yes", message_id="m2")

        assert isinstance(raised.value, ResolveError)
        assert bank.calls["cancel_card"] == 0
        assert card_status(bank, CARD) == "frozen"
        # nothing of turn 2 claims a reply was sent
        assert [e.turn for e in await agent.audit_events("conv-ro")].count(2) == 0

        await _writable(saver)  # the storage is back: the channel delivers the message again
        reply = await agent.handle_message("conv-ro", CUSTOMER, "yes", message_id="m2")

        assert "I've cancelled your card ending 4821" in reply.text
        assert _cancels_done(bank) == 1
        conversation = await agent.get_conversation("conv-ro")
        assert [m.text for m in conversation.transcript if m.role == "customer"] == [LOST, "yes"]
        assert [a.call.tool for a in conversation.state.actions][-1] == "cancel_card"


@pytest.mark.parametrize("message_id", ["m2", None], ids=["with-message-id", "without"])
async def test_deleting_the_data_dir_under_a_running_agent_sends_nothing_and_fails_typed(
    message_id: str | None, open_agent: OpenAgent, make_settings: Callable[..., Settings]
) -> None:
    data_dir = make_settings().data_dir
    async with open_agent() as agent:
        bank = bank_of(agent)
        await _ask_to_cancel(agent, "conv-gone")
        shutil.rmtree(data_dir)

        with pytest.raises(StorageError):
            await agent.handle_message("conv-gone", CUSTOMER, "yes", message_id=message_id)

        assert bank.calls["cancel_card"] == 0
        assert card_status(bank, CARD) == "frozen"

    # The files are gone with the directory; a restarted agent takes the message in again.
    async with open_agent(mock_bank=bank) as restarted:
        await restarted.handle_message("conv-gone", CUSTOMER, "yes", message_id=message_id)
        conversation = await restarted.get_conversation("conv-gone")

    assert [m.text for m in conversation.transcript if m.role == "customer"] == ["yes"]
    assert bank.calls["cancel_card"] == 0


async def test_act_sends_nothing_when_the_intent_of_its_write_cannot_be_stored(
    tmp_path: Path, new_bank: Callable[[], MockBank]
) -> None:
    """The node itself: the audit disk fails between the guard's "allow" and the call."""
    bank = new_bank()
    audit = SqliteAuditLog(tmp_path / "audit.sqlite")
    await audit.open()
    audit_lock = AuditLock(tmp_path / "audit.sqlite")
    unused = cast(Any, None)
    async with BankClient(
        "http://mockbank", transport=httpx.ASGITransport(app=create_app(bank))
    ) as client:
        deps = Deps(
            settings=Settings(data_dir=tmp_path),
            policies=unused,
            templates=unused,
            classifier=unused,
            retriever=unused,
            planner=unused,
            bank=client,
            clock=lambda: CLOCK,
            audit=audit,
            cases=unused,
        )
        freeze = ToolCall(tool="freeze_card", args={"card_id": CARD})
        state = ConversationState(
            conversation_id="conv-act",
            customer_id=CUSTOMER,
            turn=1,
            this_turn=TurnScope(proposal=ProposeTool(call=freeze)),
        )
        audit_lock.hold()

        with pytest.raises(StorageError, match="so it was not sent to the bank"):
            await act(state, deps)

        assert bank.calls["freeze_card"] == 0
        audit_lock.release()
        update = await act(state, deps)
    events = await audit.events("conv-act")
    await audit.close()

    assert [a.outcome for a in update["actions"]] == ["ok"]
    assert [(e.kind, e.rule_id) for e in events] == [
        ("tool_intent", "TOOL-INTENT"),
        ("tool_call", "TOOL-OK"),
    ]
    assert events[0].detail["idempotency_key"] == events[1].detail["idempotency_key"]
    assert card_status(bank, CARD) == "frozen"


def test_the_offline_planner_never_sends_again_a_write_of_unknown_outcome(
    make_settings: Callable[..., Settings],
) -> None:
    """Even a fresh "yes" to it hands off: only someone who checked at the bank may redo it."""
    settings = make_settings()
    cancel = ToolCall(tool="cancel_card", args={"card_id": CARD, "reason": "lost", "replace": True})
    lost = ToolFailure(kind="timeout", message="no answer", retryable=True, outcome_unknown=True)
    state = ConversationState(
        conversation_id="conv-again",
        customer_id=CUSTOMER,
        turn=3,
        active_intent="lost_or_stolen_card",
        actions=[
            ActionRecord(
                call=cancel, turn=2, result=ToolResult(tool="cancel_card", ok=False, failure=lost)
            )
        ],
        pending=PendingAction(call=cancel, kind="confirmation", asked_turn=2),
        this_turn=TurnScope(
            understanding=Understanding(
                prediction=IntentPrediction(intent="lost_or_stolen_card", confidence=1.0),
                confirmation="yes",
            ),
            action_start=1,
        ),
    )
    assert state.confirmed_call() == cancel  # without the rule, this yes would send it again
    ctx = PlanningContext(
        policies=load_policies(settings.policies_dir),
        templates=Templates(settings.prompts_dir),
        now=CLOCK,
    )

    step = OfflinePlanner().step(state, ctx)

    assert step == Escalate("tool_failure", "cancel_card: sent before with an unknown outcome")
