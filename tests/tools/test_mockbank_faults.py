"""Injected faults: failures, garbage and latency on one endpoint, and nothing changes."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import ValidationError

from resolution_agent.tools.client import BankClient
from resolution_agent.tools.declarations import TOOLS_BY_NAME, get_tool
from resolution_agent.tools.mockbank import FaultRule, MockBank

AMELIA = {"X-Customer-Id": "cus_1001"}


async def test_a_503_rule_for_two_calls_fails_twice_then_succeeds(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="freeze_card", status=503, times=2))
    statuses = []
    card_status_after = []
    for _ in range(3):
        statuses.append((await http.post("/cards/card_1001a/freeze", headers=AMELIA)).status_code)
        card_status_after.append(bank.state.cards["card_1001a"].status)
    assert statuses == [503, 503, 200]
    assert card_status_after == ["active", "active", "frozen"]
    assert bank.calls["freeze_card"] == 3


async def test_a_rule_with_times_zero_fails_every_call(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="list_cards", status=500, times=0))
    for _ in range(5):
        response = await http.get("/customers/cus_1001/cards", headers=AMELIA)
        assert response.status_code == 500
        assert response.json() == {"detail": "injected fault 500"}
    assert bank.calls["list_cards"] == 5


async def test_a_fault_touches_only_its_own_endpoint(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="freeze_card", times=0))
    assert (await http.get("/customers/cus_1001/cards", headers=AMELIA)).status_code == 200
    assert (await http.post("/cards/card_1001a/unfreeze", headers=AMELIA)).status_code == 200
    assert (await http.post("/cards/card_1001a/freeze", headers=AMELIA)).status_code == 503


async def test_faulted_writes_change_nothing_and_are_not_remembered_for_their_key(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="cancel_card", status=502, times=1))
    before = bank.state.to_json()
    headers = {**AMELIA, "Idempotency-Key": "k-fault"}
    failed = await http.post("/cards/card_1001a/cancel", json={"reason": "lost"}, headers=headers)
    assert failed.status_code == 502
    assert bank.state.to_json() == before
    assert bank.idempotency == {}

    retried = await http.post("/cards/card_1001a/cancel", json={"reason": "lost"}, headers=headers)
    assert retried.status_code == 200
    assert bank.state.cards["card_1001a"].status == "cancelled"
    assert list(bank.idempotency) == ["k-fault"]


async def test_a_garbage_fault_answers_200_with_an_unreadable_body(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="freeze_card", body="garbage"))
    response = await http.post("/cards/card_1001a/freeze", headers=AMELIA)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert bank.state.cards["card_1001a"].status == "active"


async def test_garbage_answers_become_a_bad_response_failure_after_retries(
    client: BankClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="list_cards", body="garbage", times=0))
    result = await client.call(
        get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
    )
    assert result.ok is False
    assert result.failure is not None
    assert result.failure.kind == "bad_response"
    assert result.failure.retryable is True
    assert result.attempts == 3
    assert bank.calls["list_cards"] == 3


def test_a_rule_for_an_unknown_endpoint_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        FaultRule(endpoint="teleport_money")
    assert "teleport_money" in str(caught.value)
    assert "freeze_card" in str(caught.value)  # the message lists the tool names


@pytest.mark.parametrize("name", sorted(TOOLS_BY_NAME))
def test_every_tool_name_is_a_valid_fault_endpoint(name: str) -> None:
    assert FaultRule(endpoint=name).endpoint == name


@pytest.mark.parametrize(
    "rule",
    [
        {"endpoint": "freeze_card", "status": 99},
        {"endpoint": "freeze_card", "times": -1},
        {"endpoint": "freeze_card", "latency_ms": -5},
        {"endpoint": "freeze_card", "body": "noise"},
        {"endpoint": "freeze_card", "probability": 0.5},
    ],
)
def test_malformed_fault_rules_are_rejected(rule: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FaultRule.model_validate(rule)


async def test_latency_delays_the_faulted_call_behind_a_fast_one(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="get_customer", status=None, latency_ms=100))
    finished: list[str] = []

    async def call(name: str, path: str) -> int:
        response = await http.get(path, headers=AMELIA)
        finished.append(name)
        return response.status_code

    slow = asyncio.create_task(call("slow", "/customers/cus_1001"))
    await asyncio.sleep(0)  # let the slow call reach its injected sleep first
    fast = asyncio.create_task(call("fast", "/customers/cus_1001/cards"))
    assert list(await asyncio.gather(slow, fast)) == [200, 200]
    assert finished == ["fast", "slow"]


async def test_faults_can_be_managed_through_the_admin_routes(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    added = await http.post("/_admin/faults", json={"endpoint": "unfreeze_card", "times": 1})
    assert added.status_code == 201
    assert added.json() == {"active": 1}
    assert [r.endpoint for r in bank.faults.rules()] == ["unfreeze_card"]

    unknown = await http.post("/_admin/faults", json={"endpoint": "nope"})
    assert unknown.status_code == 422
    assert len(bank.faults.rules()) == 1

    cleared = await http.delete("/_admin/faults")
    assert cleared.json() == {"active": 0}
    assert (await http.post("/cards/card_1001a/unfreeze", headers=AMELIA)).status_code == 200


async def test_the_admin_state_route_shows_the_current_bank_state(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    await http.post("/cards/card_1001a/freeze", headers=AMELIA)
    state = (await http.get("/_admin/state")).json()
    assert state["cards"]["card_1001a"]["status"] == "frozen"
    assert state == bank.state.to_json()
