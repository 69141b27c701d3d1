"""A COp's reply reaches the customer's side of the channel, by poll and by signed webhook."""

from __future__ import annotations

import json

import httpx

from resolution_agent.agent.service import WebhookWorker
from tests.agent.conftest import CLOCK
from tests.service.conftest import AUTH, SECRET, Service


async def test_a_cop_reply_and_the_case_events_reach_the_customers_channel(
    service: Service,
) -> None:
    body = {
        "message_id": "m-1",
        "conversation_id": "c-cop",
        "customer_id": "cus_1001",
        "text": "I want to speak to a real person please",
    }
    answered = await service.client.post("/v1/messages", json=body, headers=AUTH)
    assert answered.json()["status"] == "handed_off"

    agent = service.agent
    await agent.claim_case("c-cop", "cop_alice")
    await agent.cop_reply("c-cop", "cop_alice", "Hello, I'm looking at your account now.")
    await agent.close_case("c-cop", "cop_alice", "resolved")

    polled = await service.client.get("/v1/conversations/c-cop/outbox?after=0", headers=AUTH)
    notices = [item["payload"] for item in polled.json()["items"]]
    assert [n["kind"] for n in notices] == ["case_claimed", "cop_reply", "case_closed"]
    assert notices[1]["text"] == "Hello, I'm looking at your account now."
    assert "cop_alice" not in polled.text  # the customer never sees a staff identifier

    received: list[dict[str, object]] = []

    def channel(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(channel)) as client:
        worker = WebhookWorker(
            agent.deliveries, client, url="https://channel/hook", secret=SECRET, clock=lambda: CLOCK
        )
        assert await worker.run_once() == 3
        assert await worker.run_once() == 0  # delivered once, not again
    assert [r["kind"] for r in received] == ["case_claimed", "cop_reply", "case_closed"]
