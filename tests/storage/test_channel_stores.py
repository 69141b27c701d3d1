"""Channel-message de-duplication and the outbound deliveries, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolution_agent.agent.storage import Claim, Storage, UnknownRecordError
from resolution_agent.agent.storage.base import DELIVERY_LEASE

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
REPLY = '{"status": "awaiting_customer", "text": "Your card is frozen.",  "n": 1.50}'


async def test_a_new_message_is_claimed_and_a_redelivery_gets_the_recorded_reply(
    storage: Storage,
) -> None:
    messages = storage.channel_messages

    first = await messages.claim("app", "msg-1", "conv-1", now=T0)
    unfinished = await messages.claim("app", "msg-1", "conv-1", now=T0)
    await messages.answer("app", "msg-1", REPLY, now=T0 + timedelta(seconds=2))
    redelivered = await messages.claim("app", "msg-1", "conv-1")
    other_channel = await messages.claim("sms", "msg-1", "conv-9")
    reused = await messages.claim("app", "msg-1", "conv-2")

    assert first == Claim(conversation_id="conv-1")
    # Never answered: the turn runs again (same idempotency keys).
    assert unfinished == Claim(conversation_id="conv-1")
    assert redelivered == Claim(conversation_id="conv-1", reply_json=REPLY)  # exactly as stored
    assert other_channel == Claim(conversation_id="conv-9")  # message ids are per channel
    assert reused == redelivered  # the first conversation is kept, for the caller to refuse


async def test_answering_a_message_never_claimed_is_an_error(storage: Storage) -> None:
    with pytest.raises(UnknownRecordError, match="app/msg-404"):
        await storage.channel_messages.answer("app", "msg-404", REPLY)


async def test_deliveries_come_due_in_order_and_a_failure_waits_for_its_retry_time(
    storage: Storage,
) -> None:
    outbox = storage.deliveries
    first = await outbox.enqueue("conv-1", '{"event": "cop_reply", "n": 1}', now=T0)
    second = await outbox.enqueue("conv-2", '{"event": "case_closed"}', now=T0 + timedelta(1))
    later = await outbox.enqueue("conv-3", "[]", now=T0 + timedelta(days=3))

    day1 = T0 + timedelta(days=1)
    due_now = await outbox.due(day1, limit=10)
    assert [(d.id, d.conversation_id, d.attempts) for d in due_now] == [
        (first, "conv-1", 0),
        (second, "conv-2", 0),
    ]
    assert due_now[0].payload == '{"event": "cop_reply", "n": 1}'
    assert due_now[0].created_at == T0
    assert due_now[0].next_attempt_at == day1 + DELIVERY_LEASE  # reserved for this sender
    assert await outbox.due(day1, limit=10) == []  # a second worker gets neither

    await outbox.mark_failed(first, T0 + timedelta(days=2))
    await outbox.mark_delivered(second, T0 + timedelta(days=1, seconds=1))

    assert await outbox.due(T0 + timedelta(days=1, hours=1), limit=10) == []
    day5 = T0 + timedelta(days=5)
    retried = await outbox.due(day5, limit=10)
    assert [(d.id, d.attempts) for d in retried] == [(first, 1), (later, 0)]


async def test_a_reserved_delivery_whose_sender_died_comes_due_after_the_lease(
    storage: Storage,
) -> None:
    delivery = await storage.deliveries.enqueue("conv-1", "{}", now=T0)
    assert [d.id for d in await storage.deliveries.due(T0, limit=1)] == [delivery]
    assert await storage.deliveries.due(T0 + DELIVERY_LEASE / 2, limit=1) == []
    again = await storage.deliveries.due(T0 + DELIVERY_LEASE, limit=1)
    assert [d.id for d in again] == [delivery]


async def test_a_delivery_without_a_time_is_due_now(storage: Storage) -> None:
    delivery = await storage.deliveries.enqueue("conv-1", "{}")

    due = await storage.deliveries.due(datetime.now(UTC) + timedelta(seconds=1), limit=5)

    assert [d.id for d in due] == [delivery]


async def test_marking_an_unknown_delivery_is_an_error(storage: Storage) -> None:
    with pytest.raises(UnknownRecordError):
        await storage.deliveries.mark_delivered(404, T0)
    with pytest.raises(UnknownRecordError):
        await storage.deliveries.mark_failed(404, T0)
