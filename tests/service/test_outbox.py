"""The outbox: polled by channels, pushed by the webhook worker with a signature and backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import httpx

from resolution_agent.agent.service import WebhookWorker
from resolution_agent.agent.storage import Storage
from tests.agent.conftest import CLOCK
from tests.service.conftest import AUTH, SECRET, Service


async def test_each_backend_lists_a_conversations_payloads_after_an_id(storage: Storage) -> None:
    first = await storage.deliveries.enqueue("conv-1", '{"n": 1}', now=CLOCK)
    await storage.deliveries.enqueue("conv-2", '{"n": 2}', now=CLOCK)
    third = await storage.deliveries.enqueue("conv-1", '{"n": 3}', now=CLOCK)

    assert [d.id for d in await storage.deliveries.since("conv-1", 0, 10)] == [first, third]
    assert [d.id for d in await storage.deliveries.since("conv-1", first, 10)] == [third]


async def test_a_payload_is_polled_then_delivered_signed_and_retried_after_a_500(
    service: Service,
) -> None:
    deliveries = service.agent.deliveries
    delivery_id = await deliveries.enqueue("conv-1", '{"kind": "cop_reply"}', now=CLOCK)
    polled = await service.client.get("/v1/conversations/conv-1/outbox?after=0", headers=AUTH)
    assert polled.json()["items"][0]["payload"] == {"kind": "cop_reply"}
    assert polled.json()["next_after"] == delivery_id

    statuses = [500, 200]
    seen: list[httpx.Request] = []

    def channel(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(statuses.pop(0))

    now = [CLOCK]
    async with httpx.AsyncClient(transport=httpx.MockTransport(channel)) as client:
        worker = WebhookWorker(
            deliveries, client, url="https://channel/hook", secret=SECRET, clock=lambda: now[0]
        )
        assert await worker.run_once() == 0  # the 500
        assert await worker.run_once() == 0  # not due for 1 s
        now[0] = CLOCK + timedelta(seconds=1)
        assert await worker.run_once() == 1

    request = seen[-1]
    expected = hmac.new(SECRET, request.content, hashlib.sha256).hexdigest()
    assert request.headers["x-resolve-signature"] == f"sha256={expected}"
    assert request.headers["x-resolve-delivery"] == str(delivery_id)
    assert json.loads(request.content) == {"kind": "cop_reply"}
    assert len(seen) == 2
    assert (await deliveries.since("conv-1", 0, 10))[0].delivered_at is not None


async def test_probes_and_metrics_answer(service: Service) -> None:
    assert (await service.client.get("/healthz")).status_code == 200
    assert (await service.client.get("/readyz")).status_code == 200
    metrics = await service.client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
