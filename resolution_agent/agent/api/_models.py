"""What the API returns: a turn's :class:`Reply`, the actions it took, a stored conversation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from resolution_agent.agent.handoff import HandoffSummary
from resolution_agent.agent.handoff_model import SAID_AS, ActionOutcome
from resolution_agent.agent.planning.llm import Usage
from resolution_agent.agent.state import Citation, ConversationState, Message
from resolution_agent.agent.vocabulary import ConversationStatus


class ActionTaken(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool: str
    args: dict[str, JsonValue]
    outcome: ActionOutcome
    detail: str = ""


class Reply(BaseModel):
    """What the channel shows, and what it needs to know about this turn."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    text: str
    status: ConversationStatus
    citations: list[Citation] = Field(default_factory=list)
    actions: list[ActionTaken] = Field(default_factory=list)
    handoff: HandoffSummary | None = None
    intent: str | None = None
    turn: int = 0
    usage: Usage | None = Field(
        default=None, description="Model calls, tokens, cost and latency of this turn (LLM)."
    )


class Conversation(BaseModel):
    """A stored conversation as COps tools and evals read it."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    customer_id: str
    status: ConversationStatus
    first_intent: str | None
    transcript: list[Message]
    actions: list[ActionTaken]
    handoff: HandoffSummary | None
    state: ConversationState


def action_taken(record: Any) -> ActionTaken:
    """A tool call of the conversation state as the API reports it."""
    failure = record.result.failure
    return ActionTaken(
        tool=record.call.tool,
        args=record.call.args,
        outcome=SAID_AS[record.result.outcome],
        detail=failure.message if failure else "",
    )


def reply_of(state: ConversationState) -> Reply:
    """The Reply of the turn ``state`` ends with."""
    reply = state.this_turn.reply
    assert reply is not None
    handoff = state.handoff if isinstance(state.handoff, HandoffSummary) else None
    return Reply(
        conversation_id=state.conversation_id,
        text=reply.text,
        status=state.status,
        citations=reply.citations,
        actions=[action_taken(a) for a in state.turn_actions()],
        handoff=handoff if state.status == "handed_off" else None,
        intent=state.active_intent,
        turn=state.turn,
    )
