"""The mock bank's HTTP routes, one per tool, scoped to the caller in ``X-Customer-Id``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from resolution_agent.tools.errors import ConfigurationError
from resolution_agent.tools.mockbank import MockBank, create_app
from resolution_agent.tools.models import (
    AccountList,
    Card,
    CardCancellation,
    CardDelivery,
    CardList,
    CustomerView,
    DirectDebit,
    Dispute,
    Payment,
    TransactionList,
    VerificationResult,
    VerificationStarted,
)

AMELIA = {"X-Customer-Id": "cus_1001"}
LIAM = {"X-Customer-Id": "cus_1004"}
PRIYA = {"X-Customer-Id": "cus_1003"}  # card_1003a has a blocked PIN


def ids(items: list[Any]) -> list[str]:
    return [item.id for item in items]


async def txns(http: httpx.AsyncClient, **params: str | int) -> TransactionList:
    response = await http.get("/accounts/acc_1001a/transactions", params=params, headers=AMELIA)
    assert response.status_code == 200, response.text
    return TransactionList.model_validate_json(response.content)


# ---- customers, accounts, cards -------------------------------------------------------------


async def test_get_customer_returns_the_callers_profile(http: httpx.AsyncClient) -> None:
    response = await http.get("/customers/cus_1001", headers=AMELIA)
    assert response.status_code == 200
    customer = CustomerView.model_validate_json(response.content)
    assert (customer.id, customer.name, customer.status) == ("cus_1001", "Amelia Hughes", "active")


async def test_list_accounts_shows_only_the_last_four_digits_of_account_numbers(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/customers/cus_1001/accounts", headers=AMELIA)
    assert response.status_code == 200
    accounts = AccountList.model_validate_json(response.content).accounts
    assert ids(accounts) == ["acc_1001a", "acc_1001b"]
    assert accounts[0].account_number_last4 == "0162"
    assert "89530162" not in response.text
    assert "account_number" not in response.json()["accounts"][0]


async def test_list_cards_returns_the_callers_cards(http: httpx.AsyncClient) -> None:
    response = await http.get("/customers/cus_1001/cards", headers=AMELIA)
    assert response.status_code == 200
    cards = CardList.model_validate_json(response.content).cards
    assert ids(cards) == ["card_1001a", "card_1001b"]
    assert [c.last4 for c in cards] == ["4821", "7730"]


async def test_freeze_card_changes_status_to_frozen(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    response = await http.post("/cards/card_1001a/freeze", headers=AMELIA)
    assert response.status_code == 200
    assert Card.model_validate_json(response.content).status == "frozen"
    assert bank.state.cards["card_1001a"].status == "frozen"


async def test_unfreeze_card_makes_a_frozen_card_active_again(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    assert (await http.post("/cards/card_1001a/freeze", headers=AMELIA)).status_code == 200
    response = await http.post("/cards/card_1001a/unfreeze", headers=AMELIA)
    assert response.status_code == 200
    assert Card.model_validate_json(response.content).status == "active"
    assert bank.state.cards["card_1001a"].status == "active"


async def test_cancel_card_with_replace_orders_a_pending_delivery_card_with_new_last4(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    other_last4 = {card.last4 for card in bank.state.cards.values()}
    response = await http.post(
        "/cards/card_1001a/cancel", json={"reason": "lost", "replace": True}, headers=AMELIA
    )
    assert response.status_code == 200
    result = CardCancellation.model_validate_json(response.content)
    assert result.card.id == "card_1001a"
    assert result.card.status == "cancelled"
    replacement = result.replacement
    assert replacement is not None
    assert replacement.status == "pending_delivery"
    assert replacement.last4 not in other_last4
    assert (replacement.customer_id, replacement.account_id, replacement.type) == (
        "cus_1001",
        "acc_1001a",
        "physical",
    )
    stored = bank.state.cards[replacement.id]
    assert stored.status == "pending_delivery"
    assert stored.delivery is not None
    assert stored.delivery.ordered_on == bank.state.clock.date()
    assert bank.state.cards["card_1001a"].status == "cancelled"
    assert getattr(bank.state.cards["card_1001a"], "cancel_reason", None) == "lost"


async def test_cancel_card_without_replace_orders_nothing(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    cards_before = set(bank.state.cards)
    response = await http.post(
        "/cards/card_1001b/cancel", json={"reason": "compromised", "replace": False}, headers=AMELIA
    )
    assert response.status_code == 200
    assert CardCancellation.model_validate_json(response.content).replacement is None
    assert set(bank.state.cards) == cards_before
    assert bank.state.cards["card_1001b"].status == "cancelled"


async def test_cancel_card_replaces_by_default(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/cards/card_1001a/cancel", json={"reason": "stolen"}, headers=AMELIA
    )
    assert response.status_code == 200
    assert CardCancellation.model_validate_json(response.content).replacement is not None


async def test_a_cancelled_card_cannot_be_cancelled_frozen_or_unfrozen(
    http: httpx.AsyncClient,
) -> None:
    cancel = await http.post("/cards/card_1004b/cancel", json={"reason": "lost"}, headers=LIAM)
    freeze = await http.post("/cards/card_1004b/freeze", headers=LIAM)
    unfreeze = await http.post("/cards/card_1004b/unfreeze", headers=LIAM)
    assert [cancel.status_code, freeze.status_code, unfreeze.status_code] == [409, 409, 409]
    assert "cancelled" in cancel.json()["detail"]


async def test_card_delivery_shows_dispatch_details_for_cus_1004(http: httpx.AsyncClient) -> None:
    response = await http.get("/cards/card_1004a/delivery", headers=LIAM)
    assert response.status_code == 200
    delivery = CardDelivery.model_validate_json(response.content)
    assert (delivery.card_id, delivery.card_status) == ("card_1004a", "pending_delivery")
    assert delivery.delivery is not None
    assert delivery.delivery.status == "dispatched"
    assert delivery.delivery.carrier == "Royal Mail"
    assert str(delivery.delivery.expected_by) == "2026-11-26"


async def test_card_delivery_of_a_card_never_ordered_is_empty(http: httpx.AsyncClient) -> None:
    response = await http.get("/cards/card_1001a/delivery", headers=AMELIA)
    assert response.status_code == 200
    delivery = CardDelivery.model_validate_json(response.content)
    assert (delivery.card_status, delivery.delivery) == ("active", None)


# ---- transactions and disputes --------------------------------------------------------------


async def test_list_transactions_returns_the_accounts_transactions_newest_first(
    http: httpx.AsyncClient,
) -> None:
    found = (await txns(http)).transactions
    assert len(found) == 17
    assert {t.account_id for t in found} == {"acc_1001a"}
    stamps = [t.created_at for t in found]
    assert stamps == sorted(stamps, reverse=True)
    assert found[0].id == "txn_1001_003"


async def test_list_transactions_filters_by_status(http: httpx.AsyncClient) -> None:
    assert ids((await txns(http, status="declined")).transactions) == ["txn_1001_004"]
    assert ids((await txns(http, status="pending")).transactions) == ["txn_1001_003"]


async def test_list_transactions_filters_by_merchant_substring_ignoring_case(
    http: httpx.AsyncClient,
) -> None:
    found = (await txns(http, merchant="NETFL")).transactions
    assert sorted(ids(found)) == ["txn_1001_005", "txn_1001_006"]
    assert {t.merchant for t in found} == {"Netflix"}


async def test_list_transactions_filters_by_minimum_absolute_amount(
    http: httpx.AsyncClient,
) -> None:
    found = (await txns(http, min_amount=20000)).transactions
    assert sorted(ids(found)) == ["txn_1001_002", "txn_1001_012", "txn_1001_015"]
    assert all(abs(t.amount) >= 20000 for t in found)


async def test_list_transactions_filters_by_date_range_and_maximum_amount(
    http: httpx.AsyncClient,
) -> None:
    found = (await txns(http, since="2026-11-24", until="2026-11-25", max_amount=1000)).transactions
    assert sorted(ids(found)) == ["txn_1001_008", "txn_1001_009"]


async def test_list_transactions_rejects_a_status_outside_the_vocabulary(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get(
        "/accounts/acc_1001a/transactions", params={"status": "bounced"}, headers=AMELIA
    )
    assert response.status_code == 422


async def test_get_transaction_returns_one_transaction(http: httpx.AsyncClient) -> None:
    response = await http.get("/transactions/txn_1001_004", headers=AMELIA)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["merchant"]) == ("txn_1001_004", "declined", "ASOS")


async def test_raise_dispute_opens_a_dispute_and_a_second_one_conflicts(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    first = await http.post(
        "/transactions/txn_1001_001/disputes", json={"reason": "unrecognised"}, headers=AMELIA
    )
    assert first.status_code == 200
    dispute = Dispute.model_validate_json(first.content)
    assert (dispute.transaction_id, dispute.reason, dispute.status) == (
        "txn_1001_001",
        "unrecognised",
        "open",
    )
    assert dispute.opened_on == bank.state.clock.date()
    assert bank.state.disputes[dispute.id].status == "open"
    disputes_after_first = dict(bank.state.disputes)

    second = await http.post(
        "/transactions/txn_1001_001/disputes", json={"reason": "duplicate"}, headers=AMELIA
    )
    assert second.status_code == 409
    assert dispute.id in second.json()["detail"]
    assert bank.state.disputes == disputes_after_first


@pytest.mark.parametrize(
    "transaction_id",
    ["txn_1001_004", "txn_1001_002"],
    ids=["declined-took-no-money", "money-coming-in"],
)
async def test_raise_dispute_refuses_transactions_that_took_no_money(
    http: httpx.AsyncClient, bank: MockBank, transaction_id: str
) -> None:
    disputes_before = dict(bank.state.disputes)
    response = await http.post(
        f"/transactions/{transaction_id}/disputes", json={"reason": "duplicate"}, headers=AMELIA
    )
    assert response.status_code == 409
    assert bank.state.disputes == disputes_before


# ---- payments and direct debits -------------------------------------------------------------


async def test_list_payments_filters_by_status(http: httpx.AsyncClient) -> None:
    every = await http.get("/accounts/acc_1001a/payments", headers=AMELIA)
    scheduled = await http.get(
        "/accounts/acc_1001a/payments", params={"status": "scheduled"}, headers=AMELIA
    )
    assert [p["id"] for p in every.json()["payments"]] == [
        "pay_1001_01",
        "pay_1001_02",
        "pay_1001_03",
        "pay_1001_04",
    ]
    assert [p["id"] for p in scheduled.json()["payments"]] == ["pay_1001_01"]


async def test_cancel_payment_cancels_a_scheduled_payment(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    response = await http.post("/payments/pay_1001_01/cancel", headers=AMELIA)
    assert response.status_code == 200
    assert Payment.model_validate_json(response.content).status == "cancelled"
    assert bank.state.payments["pay_1001_01"].status == "cancelled"


async def test_cancel_payment_refuses_a_sent_payment(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    response = await http.post("/payments/pay_1001_02/cancel", headers=AMELIA)
    assert response.status_code == 409
    assert "sent" in response.json()["detail"]
    assert bank.state.payments["pay_1001_02"].status == "sent"


async def test_list_direct_debits_returns_the_accounts_mandates(http: httpx.AsyncClient) -> None:
    response = await http.get("/accounts/acc_1001a/direct-debits", headers=AMELIA)
    assert response.status_code == 200
    assert [d["id"] for d in response.json()["direct_debits"]] == [
        "dd_1001_01",
        "dd_1001_02",
        "dd_1001_03",
    ]


async def test_cancel_direct_debit_cancels_it_once(http: httpx.AsyncClient, bank: MockBank) -> None:
    first = await http.post("/direct-debits/dd_1001_03/cancel", headers=AMELIA)
    assert first.status_code == 200
    assert DirectDebit.model_validate_json(first.content).status == "cancelled"
    assert bank.state.direct_debits["dd_1001_03"].status == "cancelled"
    again = await http.post("/direct-debits/dd_1001_03/cancel", headers=AMELIA)
    assert again.status_code == 409


# ---- not found and scoping ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/customers/cus_9999"),
        ("POST", "/cards/card_nope/freeze"),
        ("GET", "/cards/card_nope/delivery"),
        ("GET", "/accounts/acc_nope/transactions"),
        ("GET", "/transactions/txn_nope"),
        ("GET", "/accounts/acc_nope/payments"),
        ("POST", "/payments/pay_nope/cancel"),
        ("GET", "/accounts/acc_nope/direct-debits"),
        ("POST", "/direct-debits/dd_nope/cancel"),
    ],
)
async def test_unknown_ids_are_not_found(http: httpx.AsyncClient, method: str, path: str) -> None:
    response = await http.request(method, path, headers=AMELIA)
    assert response.status_code == 404
    assert "not found" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/customers/cus_1002", None),
        ("GET", "/customers/cus_1002/accounts", None),
        ("GET", "/customers/cus_1002/cards", None),
        ("POST", "/cards/card_1003a/freeze", None),
        ("POST", "/cards/card_1002a/unfreeze", None),
        ("POST", "/cards/card_1003a/cancel", {"reason": "lost"}),
        ("GET", "/cards/card_1004a/delivery", None),
        ("POST", "/cards/card_1003a/pin/unblock", None),
        ("GET", "/accounts/acc_1002a/transactions", None),
        ("GET", "/transactions/txn_1010_002", None),
        ("POST", "/transactions/txn_1010_002/disputes", {"reason": "duplicate"}),
        ("GET", "/accounts/acc_1002a/payments", None),
        ("GET", "/accounts/acc_1002a/direct-debits", None),
        ("POST", "/direct-debits/dd_1002_01/cancel", None),
        ("POST", "/customers/cus_1002/verification", None),
        ("POST", "/customers/cus_1002/verification/check", {"code": "381063"}),
    ],
)
async def test_another_customers_records_are_not_found_and_left_unchanged(
    http: httpx.AsyncClient, bank: MockBank, method: str, path: str, body: dict[str, str] | None
) -> None:
    before = bank.state.to_json()
    response = await http.request(method, path, json=body, headers=AMELIA)
    assert response.status_code == 404, response.text
    assert bank.state.to_json() == before


async def test_another_customers_payment_cannot_be_cancelled(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    other = next(p for p in bank.state.payments.values() if not p.account_id.startswith("acc_1001"))
    response = await http.post(f"/payments/{other.id}/cancel", headers=AMELIA)
    assert response.status_code == 404
    assert bank.state.payments[other.id].status == other.status


# ---- request validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/cards/card_1001a/cancel", {"reason": "misplaced"}),
        ("/cards/card_1001a/cancel", {"reason": "lost", "colour": "blue"}),
        ("/cards/card_1001a/cancel", {}),
        ("/transactions/txn_1001_001/disputes", {"reason": "changed_my_mind"}),
        ("/customers/cus_1001/verification/check", {"code": "12ab56"}),
        ("/customers/cus_1001/verification/check", {"code": "123"}),
    ],
    ids=[
        "bad-cancel-reason",
        "extra-field",
        "missing-reason",
        "bad-dispute-reason",
        "non-digit-code",
        "short-code",
    ],
)
async def test_bad_bodies_are_rejected_with_422_and_change_nothing(
    http: httpx.AsyncClient, bank: MockBank, path: str, body: dict[str, str]
) -> None:
    before = bank.state.to_json()
    response = await http.post(path, json=body, headers=AMELIA)
    assert response.status_code == 422
    assert bank.state.to_json() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/customers/cus_1001/cards"), ("POST", "/cards/card_1001a/freeze")],
)
async def test_missing_customer_header_is_rejected_with_422(
    http: httpx.AsyncClient, bank: MockBank, method: str, path: str
) -> None:
    response = await http.request(method, path)
    assert response.status_code == 422
    assert bank.state.cards["card_1001a"].status == "active"


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("POST", "/cards/card_1001a/cancel", None, {"reason": "lost", "card_id": "card_1001b"}),
        ("POST", "/cards/card 1001a/freeze", None, None),
        ("POST", "/cards/card_1001a/freeze", None, {"colour": "blue"}),
        ("GET", "/accounts/acc_1001a/transactions", {"colour": "blue"}, None),
        ("GET", "/accounts/acc_1001a/transactions", {"min_amount": "-1"}, None),
        ("GET", "/accounts/acc_1001a/payments", {"status": "lost"}, None),
    ],
    ids=[
        "id-in-body-and-url",
        "malformed-path-id",
        "extra-body-field",
        "extra-query-field",
        "negative-amount",
        "bad-payment-status",
    ],
)
async def test_arguments_that_the_tools_model_rejects_get_422_and_never_reach_the_bank(
    http: httpx.AsyncClient,
    bank: MockBank,
    method: str,
    path: str,
    params: dict[str, str] | None,
    body: dict[str, str] | None,
) -> None:
    before = bank.state.to_json()
    response = await http.request(method, path, params=params, json=body, headers=AMELIA)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], list)  # FastAPI's validation error format
    assert bank.state.to_json() == before
    assert not bank.calls


async def test_a_malformed_json_body_is_rejected_with_422(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    response = await http.post(
        "/cards/card_1001a/cancel",
        content=b"not json",
        headers={**AMELIA, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
    assert not bank.calls


def test_a_declared_tool_the_mock_bank_cannot_run_stops_create_app(
    bank: MockBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(MockBank, "list_payments")
    with pytest.raises(ConfigurationError, match="'list_payments'") as raised:
        create_app(bank)
    assert "tools/declarations.py" in str(raised.value)
    assert "tools/mockbank/bank.py" in str(raised.value)


# ---- step-up verification -------------------------------------------------------------------


async def test_unblock_pin_before_verification_is_forbidden(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    response = await http.post("/cards/card_1003a/pin/unblock", headers=PRIYA)
    assert response.status_code == 403
    assert bank.state.cards["card_1003a"].pin_blocked is True


async def test_verification_with_the_wrong_code_is_not_verified_and_counts_down(
    http: httpx.AsyncClient,
) -> None:
    started = await http.post("/customers/cus_1003/verification", headers=PRIYA)
    assert started.status_code == 200
    assert VerificationStarted.model_validate_json(started.content).customer_id == "cus_1003"
    wrong = await http.post(
        "/customers/cus_1003/verification/check", json={"code": "000001"}, headers=PRIYA
    )
    assert wrong.status_code == 200
    result = VerificationResult.model_validate_json(wrong.content)
    assert (result.verified, result.attempts_left) == (False, 2)
    still_blocked = await http.post("/cards/card_1003a/pin/unblock", headers=PRIYA)
    assert still_blocked.status_code == 403


async def test_verification_with_the_customers_code_unlocks_pin_unblock(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    code = bank.state.customers["cus_1003"].verification_code
    assert (await http.post("/customers/cus_1003/verification", headers=PRIYA)).status_code == 200
    check = await http.post(
        "/customers/cus_1003/verification/check", json={"code": code}, headers=PRIYA
    )
    assert check.status_code == 200
    assert VerificationResult.model_validate_json(check.content).verified is True

    unblock = await http.post("/cards/card_1003a/pin/unblock", headers=PRIYA)
    assert unblock.status_code == 200
    assert Card.model_validate_json(unblock.content).pin_blocked is False
    assert bank.state.cards["card_1003a"].pin_blocked is False


async def test_checking_a_code_without_starting_verification_conflicts(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    code = bank.state.customers["cus_1003"].verification_code
    response = await http.post(
        "/customers/cus_1003/verification/check", json={"code": code}, headers=PRIYA
    )
    assert response.status_code == 409


async def test_three_wrong_codes_end_the_verification(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    code = bank.state.customers["cus_1003"].verification_code
    await http.post("/customers/cus_1003/verification", headers=PRIYA)
    left = []
    for wrong in ("000001", "000002", "000003"):
        response = await http.post(
            "/customers/cus_1003/verification/check", json={"code": wrong}, headers=PRIYA
        )
        left.append(VerificationResult.model_validate_json(response.content).attempts_left)
    assert left == [2, 1, 0]
    late = await http.post(
        "/customers/cus_1003/verification/check", json={"code": code}, headers=PRIYA
    )
    assert late.status_code == 409
    assert (await http.post("/cards/card_1003a/pin/unblock", headers=PRIYA)).status_code == 403


async def test_the_verification_code_never_appears_in_an_api_response(
    http: httpx.AsyncClient, bank: MockBank
) -> None:
    code = bank.state.customers["cus_1001"].verification_code
    responses = [
        await http.get("/customers/cus_1001", headers=AMELIA),
        await http.get("/customers/cus_1001/accounts", headers=AMELIA),
        await http.get("/customers/cus_1001/cards", headers=AMELIA),
        await http.get("/accounts/acc_1001a/transactions", headers=AMELIA),
        await http.get("/accounts/acc_1001a/payments", headers=AMELIA),
        await http.get("/accounts/acc_1001a/direct-debits", headers=AMELIA),
        await http.post("/customers/cus_1001/verification", headers=AMELIA),
        await http.post(
            "/customers/cus_1001/verification/check", json={"code": "000001"}, headers=AMELIA
        ),
        await http.post(
            "/customers/cus_1001/verification/check", json={"code": code}, headers=AMELIA
        ),
    ]
    for response in responses:
        assert response.status_code == 200, response.request.url
        assert "verification_code" not in response.text
        assert code not in response.text
    assert set(responses[0].json()) == {"id", "name", "status", "flags"}
