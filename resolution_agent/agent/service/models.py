"""What crosses the service's HTTP boundary: requests, responses and errors.

A conversation goes out without its internal ``state`` (guard decisions, pending actions,
planner scratch): channels get the transcript, the status and the actions only.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from resolution_agent.agent.api import ActionTaken, Conversation
from resolution_agent.agent.handoff import HandoffSummary
from resolution_agent.agent.state import Message
from resolution_agent.agent.storage import Delivery
from resolution_agent.agent.vocabulary import ConversationStatus
from resolution_agent.tools.vocabulary import IdentityLevel


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MessageIn(_Frozen):
    """A customer's message as a channel posts it; ``message_id`` makes a redelivery safe."""

    message_id: str = Field(min_length=1, max_length=128)
    conversation_id: str
    customer_id: str
    text: str
    identity: IdentityLevel = "app_authenticated"


class ConversationOut(_Frozen):
    """A stored conversation as a channel may see it."""

    conversation_id: str
    customer_id: str
    status: ConversationStatus
    first_intent: str | None
    transcript: list[Message]
    actions: list[ActionTaken]
    handoff: HandoffSummary | None

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationOut:
        return cls.model_validate(conversation.model_dump(exclude={"state"}))


class OutboxItem(_Frozen):
    """One outbound payload (a COp reply, a case event), as the webhook would have sent it."""

    id: int
    payload: JsonValue
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, delivery: Delivery) -> OutboxItem:
        return cls(
            id=delivery.id,
            payload=json.loads(delivery.payload),
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
        )


class OutboxPage(_Frozen):
    """Payloads after the channel's last seen id; poll again with ``after=next_after``."""

    conversation_id: str
    items: list[OutboxItem]
    next_after: int


class ErrorDetail(_Frozen):
    code: str
    message: str


class ErrorBody(_Frozen):
    error: ErrorDetail
