"""Streaming a turn: the events a chat channel shows while the agent works.

The model side streams text into LangGraph's custom stream (``LLMPlannerConfig.stream_text``);
the graph's own updates say when a tool starts (the action guard allowed it), finishes (act
recorded it), is held for the customer or blocked, and when the conversation is handed off.
:func:`agent_events` turns ``graph.astream(..., stream_mode=["updates", "custom"])`` into
:data:`AgentEvent` values. Text deltas are a preview, screened as it grows
(``agent.guards.output.PreviewScreen``: nothing the output guard would stop is shown); the
reply that the output guard passed is the one the API returns at the end of the turn, and it
replaces the preview.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

from langgraph.config import get_stream_writer
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from resolution_agent.agent.state import ActionRecord, Escalation, GuardDecision, TurnChange

TextSink = Callable[[str], None]

_TEXT_DELTA = "text_delta"


def text_sink() -> TextSink | None:
    """Where model text goes while a graph node runs; None outside a graph run."""
    try:
        writer = get_stream_writer()
    except (RuntimeError, KeyError):
        return None

    def sink(text: str) -> None:
        writer({"event": _TEXT_DELTA, "text": text})

    return sink


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class TextDeltaEvent(_Event):
    type: Literal["text_delta"] = "text_delta"
    text: str


class ToolStartedEvent(_Event):
    type: Literal["tool_started"] = "tool_started"
    tool: str
    args: dict[str, JsonValue]


class ToolFinishedEvent(_Event):
    type: Literal["tool_finished"] = "tool_finished"
    tool: str
    ok: bool
    detail: str = ""


class ToolHeldEvent(_Event):
    """The guard did not let a proposed tool run now (asks the customer, verifies, blocks)."""

    type: Literal["tool_held"] = "tool_held"
    tool: str
    verdict: str
    rule_id: str


class HandedOffEvent(_Event):
    type: Literal["handed_off"] = "handed_off"
    queue: str
    priority: str
    rule_id: str


AgentEvent = Annotated[
    TextDeltaEvent | ToolStartedEvent | ToolFinishedEvent | ToolHeldEvent | HandedOffEvent,
    Field(discriminator="type"),
]


def events_of(mode: str, chunk: Any) -> list[AgentEvent]:
    """The agent events in one ``(mode, chunk)`` item of a multi-mode LangGraph stream."""
    if mode == "custom":
        if isinstance(chunk, dict) and chunk.get("event") == _TEXT_DELTA:
            return [TextDeltaEvent(text=str(chunk.get("text", "")))]
        return []
    if mode != "updates" or not isinstance(chunk, dict):
        return []
    events: list[AgentEvent] = []
    for node, update in chunk.items():
        if not isinstance(update, dict):
            continue
        this_turn = update.get("this_turn")
        guard = this_turn.changes.get("guard") if isinstance(this_turn, TurnChange) else None
        if node == "action_guard" and isinstance(guard, GuardDecision) and guard.call:
            if guard.verdict == "allow":
                events.append(ToolStartedEvent(tool=guard.call.tool, args=guard.call.args))
            else:
                events.append(
                    ToolHeldEvent(
                        tool=guard.call.tool, verdict=guard.verdict, rule_id=guard.rule_id
                    )
                )
        actions = update.get("actions")
        if node == "act" and isinstance(actions, list) and actions:
            last = actions[-1]
            if isinstance(last, ActionRecord):
                failure = last.result.failure
                events.append(
                    ToolFinishedEvent(
                        tool=last.call.tool, ok=last.ok, detail=failure.message if failure else ""
                    )
                )
        escalation = (
            this_turn.changes.get("escalation") if isinstance(this_turn, TurnChange) else None
        )
        if node == "escalate" and isinstance(escalation, Escalation):
            events.append(
                HandedOffEvent(
                    queue=escalation.queue,
                    priority=escalation.priority,
                    rule_id=escalation.rule_id,
                )
            )
    return events


async def agent_events(chunks: AsyncIterator[Any]) -> AsyncIterator[AgentEvent]:
    """Agent events from ``graph.astream(..., stream_mode=["updates", "custom"])``."""
    async for item in chunks:
        if isinstance(item, tuple) and len(item) == 2:
            for event in events_of(str(item[0]), item[1]):
                yield event
