"""The storage interfaces every backend implements, beside :class:`agent.audit.AuditLog` and
:class:`agent.desk.cases.CaseStore`: channel-message de-duplication, outbound deliveries and
the per-conversation lock."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from resolution_agent.tools.errors import ResolveError

MessageState = Literal["received", "answered"]

#: How long a payload taken by :meth:`OutboundDeliveries.due` is reserved for its sender.
DELIVERY_LEASE = timedelta(seconds=60)


class UnknownRecordError(ResolveError, LookupError):
    """A channel message or delivery was updated before it was claimed or enqueued."""


class Delivery(BaseModel):
    """One outbound message (a COp reply, a case event) waiting for, or past, delivery."""

    model_config = ConfigDict(frozen=True)

    id: int
    conversation_id: str
    payload: str  # JSON text, handed back exactly as enqueued
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None = None


class Claim(BaseModel):
    """What is recorded of a channel message: the conversation it came in, its reply if any.

    The conversation is returned so that an id reused in another conversation is refused
    before anything runs, whether or not its first delivery was answered.
    """

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    reply_json: str | None = None


class ChannelMessages(Protocol):
    """Which channel messages were seen, so a redelivered message gets the recorded reply."""

    async def claim(
        self,
        channel: str,
        message_id: str,
        conversation_id: str,
        *,
        now: datetime | None = None,
    ) -> Claim:
        """Record the message as received (unless it was); what is recorded of it.

        No ``reply_json`` means: run the turn (the first delivery, or an earlier one that never
        finished). The first delivery's ``conversation_id`` is kept.
        """
        ...

    async def answer(
        self, channel: str, message_id: str, reply_json: str, *, now: datetime | None = None
    ) -> None:
        """Record the reply to a claimed message; a redelivery gets it from :meth:`claim`."""
        ...


class OutboundDeliveries(Protocol):
    """The outbox: payloads to deliver to a channel, retried until delivered."""

    async def enqueue(
        self, conversation_id: str, payload: str, *, now: datetime | None = None
    ) -> int:
        """Add a payload (JSON text), due at ``now``; its delivery id."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Undelivered payloads due by ``now``, oldest first, each reserved for its sender.

        Reserving moves a payload's next attempt to ``now + DELIVERY_LEASE``, so another
        worker polling meanwhile does not send it too; a worker that dies holding it only
        delays it by the lease. ``mark_delivered``/``mark_failed`` end the reservation.
        """
        ...

    async def since(self, conversation_id: str, after_id: int, limit: int) -> list[Delivery]:
        """A conversation's payloads with an id above ``after_id``, delivered or not, in id
        order: what a channel that polls instead of taking the webhook has not seen yet."""
        ...

    async def mark_delivered(self, delivery_id: int, at: datetime) -> None: ...

    async def mark_failed(self, delivery_id: int, next_attempt_at: datetime) -> None:
        """Count a failed attempt and set when to try again."""
        ...


class ConversationLocks(Protocol):
    """Mutual exclusion per conversation: ``async with locks.hold(conversation_id): ...``."""

    def hold(self, conversation_id: str) -> AbstractAsyncContextManager[None]: ...


def utc_now(now: datetime | None) -> datetime:
    """``now``, or the current time in UTC."""
    return now if now is not None else datetime.now(UTC)
