"""Writes under an Idempotency-Key run once: a repeat replays the first answer."""

from __future__ import annotations

import httpx

from resolution_agent.tools.mockbank import MockBank, apply_patch

AMELIA = {"X-Customer-Id": "cus_1001"}


def with_key(key: str, headers: dict[str, str] = AMELIA) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_same_key_twice_returns_the_same_body_and_cancels_with_one_replacement(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    body = {"reason": "lost", "replace": True}
    first = await http.post("/cards/card_1001a/cancel", json=body, headers=with_key("k-1"))
    second = await http.post("/cards/card_1001a/cancel", json=body, headers=with_key("k-1"))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    amelias_cards = [c for c in bank.state.cards.values() if c.customer_id == "cus_1001"]
    assert len(amelias_cards) == 3
    assert [c.status for c in amelias_cards].count("pending_delivery") == 1
    assert bank.calls["cancel_card"] == 2
    assert list(bank.idempotency) == ["k-1"]


async def test_same_key_with_a_different_body_is_refused_and_changes_nothing(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    first = await http.post(
        "/cards/card_1001a/cancel", json={"reason": "lost"}, headers=with_key("k-2")
    )
    assert first.status_code == 200
    after_first = bank.state.to_json()
    other = await http.post(
        "/cards/card_1001a/cancel", json={"reason": "stolen"}, headers=with_key("k-2")
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert bank.state.to_json() == after_first


async def test_same_key_on_a_different_route_is_refused(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    assert (await http.post("/cards/card_1001a/freeze", headers=with_key("k-3"))).status_code == 200
    reused = await http.post("/cards/card_1001b/freeze", headers=with_key("k-3"))
    assert reused.status_code == 422
    assert bank.state.cards["card_1001b"].status == "active"


async def test_a_repeated_dispute_under_one_key_replays_instead_of_conflicting(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    body = {"reason": "unrecognised"}
    path = "/transactions/txn_1001_001/disputes"
    first = await http.post(path, json=body, headers=with_key("k-4"))
    replay = await http.post(path, json=body, headers=with_key("k-4"))
    fresh = await http.post(path, json=body, headers=with_key("k-5"))
    assert (first.status_code, replay.status_code, fresh.status_code) == (200, 200, 409)
    assert replay.json() == first.json()
    opened = [d for d in bank.state.disputes.values() if d.transaction_id == "txn_1001_001"]
    assert len(opened) == 1


async def test_an_error_answer_is_replayed_too(http: httpx.AsyncClient) -> None:
    first = await http.post("/payments/pay_1001_02/cancel", headers=with_key("k-6"))
    again = await http.post("/payments/pay_1001_02/cancel", headers=with_key("k-6"))
    assert (first.status_code, again.status_code) == (409, 409)
    assert again.content == first.content


async def test_writes_without_a_key_run_every_time(http: httpx.AsyncClient, bank: MockBank) -> None:
    first = await http.post("/cards/card_1001a/cancel", json={"reason": "lost"}, headers=AMELIA)
    second = await http.post("/cards/card_1001a/cancel", json={"reason": "lost"}, headers=AMELIA)
    assert (first.status_code, second.status_code) == (200, 409)
    assert bank.idempotency == {}


async def test_reads_ignore_the_key(http: httpx.AsyncClient, bank: MockBank) -> None:
    await http.get("/customers/cus_1001/cards", headers=with_key("k-7"))
    await http.post("/cards/card_1001a/freeze", headers=AMELIA)
    cards = await http.get("/customers/cus_1001/cards", headers=with_key("k-7"))
    assert cards.json()["cards"][0]["status"] == "frozen"
    assert bank.idempotency == {}


# ---- regressions: keys are scoped to the caller; dispute ids never collide -------------------


async def test_a_key_reused_by_another_customer_does_not_replay_the_first_customers_answer(
    http: httpx.AsyncClient,
) -> None:
    mine = await http.post("/cards/card_1001a/freeze", headers=with_key("k-shared"))
    assert mine.status_code == 200
    theirs = await http.post(
        "/cards/card_1001a/freeze", headers=with_key("k-shared", {"X-Customer-Id": "cus_1002"})
    )
    assert theirs.status_code in (404, 422)
    assert "4821" not in theirs.text


async def test_raising_a_dispute_never_overwrites_an_existing_one(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    apply_patch(
        bank.state,
        {"disputes": [{"id": "dsp_0007", "transaction_id": "txn_1001_005", "reason": "duplicate"}]},
        source="scenario.yaml",
    )
    before = dict(bank.state.disputes)
    response = await http.post(
        "/transactions/txn_1001_001/disputes", json={"reason": "unrecognised"}, headers=AMELIA
    )
    assert response.status_code == 200
    assert response.json()["id"] not in before
    assert bank.state.disputes["dsp_0007"] == before["dsp_0007"]
