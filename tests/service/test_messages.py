"""Channels post messages and read conversations: bearer tokens, replies, streams, errors."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.service.conftest import AUTH, Service

CUSTOMER = "cus_1001"
LOST = "I've lost my card"


def message(message_id: str, conversation_id: str = "conv-1", text: str = LOST) -> dict[str, str]:
    return {
        "message_id": message_id,
        "conversation_id": conversation_id,
        "customer_id": CUSTOMER,
        "text": text,
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YXBwOnRva2Vu"}],
    ids=["no-token", "wrong-token", "not-bearer"],
)
async def test_channel_routes_refuse_a_missing_or_wrong_token_with_401_json(
    service: Service, headers: dict[str, str]
) -> None:
    posted = await service.client.post("/v1/messages", json=message("m-1"), headers=headers)
    fetched = await service.client.get("/v1/conversations/conv-1", headers=headers)

    for response in (posted, fetched):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert service.bank.calls["freeze_card"] == 0


async def test_a_lost_card_message_is_answered_and_the_card_frozen(service: Service) -> None:
    response = await service.client.post("/v1/messages", json=message("m-1"), headers=AUTH)

    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["conversation_id"] == "conv-1"
    assert reply["status"] == "awaiting_customer"
    assert reply["text"]
    assert ("freeze_card", "succeeded") in [(a["tool"], a["outcome"]) for a in reply["actions"]]
    assert "state" not in reply
    assert service.bank.calls["freeze_card"] == 1


async def test_a_redelivered_message_id_returns_the_first_reply_and_freezes_once(
    service: Service,
) -> None:
    first = await service.client.post("/v1/messages", json=message("m-dup"), headers=AUTH)
    again = await service.client.post("/v1/messages", json=message("m-dup"), headers=AUTH)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert service.bank.calls["freeze_card"] == 1


async def test_the_stream_sends_events_and_ends_with_the_reply(service: Service) -> None:
    async with service.client.stream(
        "POST", "/v1/messages/stream", json=message("m-s"), headers=AUTH
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join([chunk async for chunk in response.aiter_text()])

    frames = [f for f in body.split("\n\n") if f]
    events = [f.split("\n")[0].removeprefix("event: ") for f in frames]
    last = json.loads(frames[-1].split("\n")[1].removeprefix("data: "))
    assert events[-1] == "reply"
    assert "tool_finished" in events
    assert last["conversation_id"] == "conv-1"
    assert last["status"] == "awaiting_customer"


async def test_a_stream_of_an_unknown_customer_is_a_404_json_error_not_a_stream(
    service: Service,
) -> None:
    body = message("m-x") | {"customer_id": "cus_nobody"}

    response = await service.client.post("/v1/messages/stream", json=body, headers=AUTH)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_customer"


async def test_a_conversation_is_read_back_without_its_internal_state(service: Service) -> None:
    await service.client.post("/v1/messages", json=message("m-1"), headers=AUTH)

    response = await service.client.get("/v1/conversations/conv-1", headers=AUTH)

    assert response.status_code == 200
    conversation = response.json()
    assert "state" not in conversation
    assert conversation["customer_id"] == CUSTOMER
    assert conversation["status"] == "awaiting_customer"
    assert [m["role"] for m in conversation["transcript"]] == ["customer", "agent"]
    assert "freeze_card" in [a["tool"] for a in conversation["actions"]]


async def test_an_unknown_conversation_is_a_404_json_error(service: Service) -> None:
    response = await service.client.get("/v1/conversations/conv-none", headers=AUTH)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "conv-none" in response.json()["error"]["message"]


async def test_a_conversation_of_another_customer_is_refused_with_403(service: Service) -> None:
    await service.client.post("/v1/messages", json=message("m-1"), headers=AUTH)
    other = message("m-2") | {"customer_id": "cus_1002"}

    response = await service.client.post("/v1/messages", json=other, headers=AUTH)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_a_malformed_id_is_a_400_and_a_missing_field_a_422(service: Service) -> None:
    bad_id = await service.client.post(
        "/v1/messages", json=message("m-1", conversation_id="conv 1"), headers=AUTH
    )
    missing = await service.client.post(
        "/v1/messages", json={"message_id": "m-1", "text": "hi"}, headers=AUTH
    )

    assert bad_id.status_code == 400
    assert bad_id.json()["error"]["code"] == "invalid_request"
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "invalid_body"
    assert "conversation_id" in missing.json()["error"]["message"]


async def test_an_unknown_route_is_a_404_json_error(service: Service) -> None:
    response = await service.client.get("/v1/nothing", headers=AUTH)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_an_unexpected_failure_is_a_500_json_error_without_its_details(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(conversation_id: str) -> None:
        raise RuntimeError("database password is hunter2")  # a bug's message, never shown

    monkeypatch.setattr(service.agent, "get_conversation", broken)
    # As a server runs it: the app's exception reaches the server after the answer is sent.
    transport = httpx.ASGITransport(app=service.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        response = await client.get("/v1/conversations/conv-1", headers=AUTH)

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "the agent failed unexpectedly; retry the request later",
        }
    }
