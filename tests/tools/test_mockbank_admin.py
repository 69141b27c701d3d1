"""The mock bank's test routes: the writes it ran, and records patched in over HTTP.

Both serve a bank in another process: the multi-process test counts the writes the bank really
ran, and gives each conversation a customer of its own.
"""

from __future__ import annotations

import httpx

from resolution_agent.tools.mockbank import FaultRule, MockBank
from resolution_agent.tools.mockbank.seed import customer_copy

AMELIA = {"X-Customer-Id": "cus_1001"}


async def test_a_replayed_key_a_read_and_a_faulted_write_are_not_executions(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    keyed = {**AMELIA, "Idempotency-Key": "k-freeze"}
    bank.faults.add(FaultRule(endpoint="cancel_card", status=503, times=1))

    assert (await http.post("/cards/card_1001a/freeze", headers=keyed)).status_code == 200
    assert (await http.post("/cards/card_1001a/freeze", headers=keyed)).status_code == 200
    assert (await http.get("/customers/cus_1001/cards", headers=AMELIA)).status_code == 200
    cancel = {"reason": "lost", "replace": False}
    faulted = await http.post("/cards/card_1001b/cancel", json=cancel, headers=AMELIA)
    ran = await http.post("/cards/card_1001b/cancel", json=cancel, headers=AMELIA)
    refused = await http.post("/cards/card_1001b/cancel", json=cancel, headers=AMELIA)

    assert (faulted.status_code, ran.status_code, refused.status_code) == (503, 200, 409)
    executions = (await http.get("/_admin/executions")).json()
    assert [(e["tool"], e["idempotency_key"], e["status"]) for e in executions] == [
        ("freeze_card", "k-freeze", 200),
        ("cancel_card", None, 200),
        ("cancel_card", None, 409),
    ]
    # One logical call, one fingerprint, whatever the key: how a duplicate would be spotted.
    assert executions[1]["request"] == executions[2]["request"] != executions[0]["request"]
    assert executions == [e.model_dump() for e in bank.executions]


async def test_a_patched_copy_of_a_customer_is_a_customer_of_its_own(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    patch = customer_copy(bank.state, "cus_1001", 7001)
    broken = {"cards": [{"id": "card_7001x", "customer_id": "cus_nobody", "last4": "1234"}]}

    added = await http.post("/_admin/patch", json=patch)
    refused = await http.post("/_admin/patch", json=broken)
    copy = {"X-Customer-Id": "cus_7001"}
    frozen = await http.post("/cards/card_7001a/freeze", headers=copy)
    foreign = await http.post("/cards/card_1001a/freeze", headers=copy)

    assert added.status_code == 200, added.text
    assert added.json()["customers"] == 25
    accounts = (await http.get("/customers/cus_7001/accounts", headers=copy)).json()["accounts"]
    assert sorted(a["id"] for a in accounts) == ["acc_7001a", "acc_7001b"]
    assert {t.id for t in bank.state.transactions.values() if t.account_id == "acc_7001a"} == {
        t.id.replace("1001", "7001")
        for t in bank.state.transactions.values()
        if t.account_id == "acc_1001a"
    }
    assert (frozen.status_code, foreign.status_code) == (200, 404)
    assert bank.state.cards["card_1001a"].status == "active"  # the original is untouched
    assert refused.status_code == 422
    assert "customer_id" in refused.json()["detail"]
    assert "card_7001x" not in bank.state.cards
