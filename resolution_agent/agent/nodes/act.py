"""act: run an allowed tool call against the bank, once, and record what happened.

The idempotency key names the logical action: the conversation, the customer message it
answers (the channel's message id, else the turn) and the call's fingerprint. It does not
depend on what ran before the call in the turn, so a turn resumed or replayed after a crash
sends the same key and the bank does the write once.

A write is recorded twice in the audit trail: its ``tool_intent`` (tool, arguments, key) is
appended and committed *before* the request is sent, its ``tool_call`` (outcome ``ok``,
``failed`` or ``unknown``) after the answer. A crash in between leaves the intent, so the write
appears in the audit and, as an outcome unknown, in the handoff summary. Each step's
checkpoint is written before the next step starts (``graph.DURABILITY``), so the conversation
up to this write (the customer's "yes" included) is stored before the bank is asked. When the intent
cannot be stored, nothing is sent: the turn ends in a :class:`StorageError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from resolution_agent.agent.errors import StorageError, storage_failure
from resolution_agent.agent.guards.input import instructs, untrusted_text
from resolution_agent.agent.guards.third_party import plain_result
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ActionRecord, ConversationState, ProposeTool
from resolution_agent.tools.declarations import TOOLS_BY_NAME, get_tool
from resolution_agent.tools.models import ToolResult

log = structlog.get_logger("agent.act")


def observe_owned(
    owned: dict[str, list[str]], tool: str, data: dict[str, Any] | None
) -> dict[str, list[str]]:
    """Ids the bank returned for this customer become ids the guard lets tools act on.

    Which result fields hold such ids is the tool's ``reveals``, on its declaration.
    """
    if not data:
        return owned
    spec = TOOLS_BY_NAME.get(tool)
    merged = {k: list(v) for k, v in owned.items()}
    for reveal in spec.reveals if spec is not None else ():
        value = data if reveal.field is None else data.get(reveal.field)
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                ids = merged.setdefault(reveal.collection, [])
                if row["id"] not in ids:
                    ids.append(row["id"])
    return merged


@contextmanager
def _storage_failure_means(message: str | None) -> Iterator[None]:
    """A database error in the block becomes a :class:`StorageError` saying ``message``: what
    happened at the bank and what to do (no message: the error goes on as it is)."""
    try:
        yield
    except Exception as exc:
        if message is None or storage_failure(exc) is None:
            raise
        log.error("tool_audit_not_stored", error=type(exc).__name__)
        raise StorageError(f"{message} (storage said: {exc})") from exc


def _rule_id(result: ToolResult) -> str:
    if result.ok:
        return "TOOL-OK"
    if result.outcome == "unknown":
        return "TOOL-UNKNOWN"
    return f"TOOL-{result.failure.kind.upper() if result.failure else 'FAILED'}"


async def act(state: ConversationState, deps: Deps) -> dict[str, Any]:
    proposal = state.this_turn.proposal
    assert isinstance(proposal, ProposeTool)
    call = proposal.call
    spec = get_tool(call.tool)
    args = spec.args_model.model_validate(call.args).model_dump(exclude_none=True)
    answering = state.message_id or f"turn-{state.turn}"
    key = (
        f"{state.conversation_id}:{answering}:{call.fingerprint()}"
        if spec.effect == "write"
        else None
    )
    if key is not None:
        with _storage_failure_means(
            f"could not store the intent to run {call.tool}, so it was not sent to the bank; "
            "make the agent's storage writable again (disk space, RESOLVE_DATA_DIR present, "
            "database reachable) and deliver the customer's message again"
        ):
            await deps.record(
                state.conversation_id,
                state.turn,
                "tool_intent",
                "TOOL-INTENT",
                tool=call.tool,
                args=dict(call.args),
                idempotency_key=key,
            )
    result = await deps.bank.call(
        spec,
        args,
        customer_id=state.customer_id,
        idempotency_key=key,
        step_up=state.identity == "step_up",
    )
    log.info(
        "tool_called",
        tool=call.tool,
        outcome=result.outcome,
        attempts=result.attempts,
        elapsed_ms=round(result.elapsed_ms, 1),
    )
    failure = result.failure
    with _storage_failure_means(
        f"{call.tool} was sent to the bank (idempotency key {key}) but its outcome could not "
        "be stored; make the agent's storage writable again and deliver the customer's "
        "message again with the same message id: the bank answers that key with its first "
        "result, so the write is not done twice"
        if key is not None
        else None
    ):
        await deps.record(
            state.conversation_id,
            state.turn,
            "tool_call",
            _rule_id(result),
            tool=call.tool,
            args=dict(call.args),
            ok=result.ok,
            outcome=result.outcome,
            attempts=result.attempts,
            idempotency_key=key,
            failure=failure.message if failure else None,
        )
    for field, text in untrusted_text(call.tool, result.data):
        # Merchant names and payee references come from outside the bank: data, never orders.
        if instructs(text):
            await deps.record(
                state.conversation_id,
                state.turn,
                "input",
                "IN-INJECTION-TOOL",
                tool=call.tool,
                field=field,
            )
    if result.data is not None:
        # Stored plain: no planner, template or model ever sees a planted link or order.
        plain = plain_result(call.tool, result.data)
        assert isinstance(plain, dict)
        result = result.model_copy(update={"data": plain})
    record = ActionRecord(call=call, turn=state.turn, result=result)
    update: dict[str, Any] = {
        "actions": [record],
        "this_turn": state.this_turn.but(guard=None),
        "owned": observe_owned(state.owned, call.tool, result.data),
    }
    if state.pending is not None and state.pending.call == call:
        update["pending"] = None
    if call.tool == "check_verification" and result.ok and (result.data or {}).get("verified"):
        update["verified"] = True
        update["identity"] = "step_up"
    return update
