"""The banking client: retries with one Idempotency-Key, typed results and typed failures."""

from __future__ import annotations

import httpx
import pytest
from pydantic import BaseModel

from resolution_agent.tools.client import BankClient, BankRetryPolicy
from resolution_agent.tools.declarations import CancelCardArgs, ListTransactionsArgs, get_tool
from resolution_agent.tools.errors import BankError
from resolution_agent.tools.mockbank import FaultRule, MockBank
from resolution_agent.tools.models import (
    Card,
    CardCancellation,
    CardList,
    Transaction,
    TransactionList,
    VerificationResult,
    VerificationStarted,
)

FAST = BankRetryPolicy(attempts=3, backoff_base_s=0, backoff_max_s=0)


async def test_freeze_survives_two_503s_with_one_idempotency_key(
    client: BankClient, bank: MockBank, sent: list[httpx.Request]
) -> None:
    bank.faults.add(FaultRule(endpoint="freeze_card", status=503, times=2))
    result = await client.call(
        get_tool("freeze_card"),
        {"card_id": "card_1001a"},
        customer_id="cus_1001",
        idempotency_key="idem-freeze-1",
    )
    assert result.ok is True
    assert result.failure is None
    assert result.attempts == 3
    assert result.idempotency_key == "idem-freeze-1"
    assert result.parsed(Card).status == "frozen"
    assert bank.state.cards["card_1001a"].status == "frozen"
    assert bank.calls["freeze_card"] == 3
    assert len(sent) == 3
    assert {r.headers["Idempotency-Key"] for r in sent} == {"idem-freeze-1"}
    assert {r.headers["X-Customer-Id"] for r in sent} == {"cus_1001"}
    assert list(bank.idempotency) == ["idem-freeze-1"]


async def test_a_bank_that_stays_down_gives_an_unavailable_failure_after_three_attempts(
    client: BankClient, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="freeze_card", status=503, times=0))
    result = await client.call(
        get_tool("freeze_card"),
        {"card_id": "card_1001a"},
        customer_id="cus_1001",
        idempotency_key="idem-down",
    )
    assert result.ok is False
    assert result.data is None
    assert result.failure is not None
    assert (result.failure.kind, result.failure.status_code, result.failure.retryable) == (
        "unavailable",
        503,
        True,
    )
    assert result.attempts == 3
    assert result.idempotency_key == "idem-down"
    assert bank.calls["freeze_card"] == 3
    assert bank.state.cards["card_1001a"].status == "active"


async def test_429_is_retried(client: BankClient, bank: MockBank) -> None:
    bank.faults.add(FaultRule(endpoint="list_cards", status=429, times=1))
    result = await client.call(
        get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
    )
    assert (result.ok, result.attempts) == (True, 2)


async def test_not_found_is_a_failure_that_is_not_retried(
    client: BankClient, bank: MockBank
) -> None:
    result = await client.call(
        get_tool("freeze_card"),
        {"card_id": "card_nope"},
        customer_id="cus_1001",
        idempotency_key="idem-404",
    )
    assert result.ok is False
    assert result.failure is not None
    assert (result.failure.kind, result.failure.status_code) == ("not_found", 404)
    assert result.failure.retryable is False
    assert "card_nope" in result.failure.message
    assert result.attempts == 1
    assert bank.calls["freeze_card"] == 1


async def test_another_customers_card_is_not_found_through_the_client(
    client: BankClient, bank: MockBank
) -> None:
    result = await client.call(
        get_tool("freeze_card"),
        {"card_id": "card_1003a"},
        customer_id="cus_1001",
        idempotency_key="idem-scope",
    )
    assert result.failure is not None
    assert result.failure.kind == "not_found"
    assert bank.state.cards["card_1003a"].status == "active"


async def test_a_conflict_is_reported_as_conflict(client: BankClient) -> None:
    result = await client.call(
        get_tool("cancel_payment"),
        {"payment_id": "pay_1001_02"},
        customer_id="cus_1001",
        idempotency_key="idem-409",
    )
    assert result.failure is not None
    assert (result.failure.kind, result.failure.status_code, result.attempts) == (
        "conflict",
        409,
        1,
    )


async def test_unblock_pin_without_verification_is_forbidden(client: BankClient) -> None:
    result = await client.call(
        get_tool("unblock_pin"),
        {"card_id": "card_1003a"},
        customer_id="cus_1003",
        idempotency_key="idem-403",
    )
    assert result.failure is not None
    assert (result.failure.kind, result.failure.status_code) == ("forbidden", 403)


async def test_a_rejected_request_is_reported_as_invalid(client: BankClient) -> None:
    result = await client.call(
        get_tool("check_verification"),
        {"customer_id": "cus_1001", "code": "abc"},  # bypasses the args model on purpose
        customer_id="cus_1001",
        idempotency_key="idem-422",
    )
    assert result.failure is not None
    assert (result.failure.kind, result.failure.status_code, result.attempts) == (
        "invalid",
        422,
        1,
    )


async def test_a_write_without_an_idempotency_key_raises_bank_error_and_sends_nothing(
    client: BankClient, sent: list[httpx.Request]
) -> None:
    with pytest.raises(BankError, match="idempotency key"):
        await client.call(
            get_tool("freeze_card"), {"card_id": "card_1001a"}, customer_id="cus_1001"
        )
    assert sent == []


async def test_a_read_needs_no_idempotency_key_and_sends_none(
    client: BankClient, sent: list[httpx.Request]
) -> None:
    result = await client.call(
        get_tool("get_customer"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
    )
    assert result.ok is True
    assert result.idempotency_key is None
    assert "Idempotency-Key" not in sent[0].headers


async def test_a_timeout_becomes_a_timeout_failure_after_retries() -> None:
    seen: list[httpx.Request] = []

    def never_answers(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ReadTimeout("no answer", request=request)

    async with BankClient(
        "http://bank", transport=httpx.MockTransport(never_answers), retry=FAST
    ) as client:
        result = await client.call(
            get_tool("freeze_card"),
            {"card_id": "card_1001a"},
            customer_id="cus_1001",
            idempotency_key="idem-timeout",
        )
    assert result.ok is False
    assert result.failure is not None
    assert (result.failure.kind, result.failure.retryable) == ("timeout", True)
    assert result.attempts == 3
    assert len(seen) == 3
    assert {r.headers["Idempotency-Key"] for r in seen} == {"idem-timeout"}


async def test_an_unreachable_bank_becomes_an_unavailable_failure() -> None:
    def refuses(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with BankClient(
        "http://bank", transport=httpx.MockTransport(refuses), retry=FAST
    ) as client:
        result = await client.call(
            get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
        )
    assert result.failure is not None
    assert (result.failure.kind, result.attempts) == ("unavailable", 3)


async def test_an_answer_that_does_not_match_the_result_model_is_a_bad_response() -> None:
    def wrong_shape(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"cards": [{"id": "card_1"}]})

    async with BankClient(
        "http://bank", transport=httpx.MockTransport(wrong_shape), retry=FAST
    ) as client:
        result = await client.call(
            get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
        )
    assert result.failure is not None
    assert (result.failure.kind, result.failure.status_code, result.attempts) == (
        "bad_response",
        200,
        3,
    )


async def test_results_are_validated_and_parsed_into_the_result_model(client: BankClient) -> None:
    result = await client.call(
        get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
    )
    assert result.ok is True
    assert result.tool == "list_cards"
    assert result.elapsed_ms >= 0
    cards = result.parsed(CardList)
    assert isinstance(cards, CardList)
    assert all(isinstance(card, Card) for card in cards.cards)
    assert [card.id for card in cards.cards] == ["card_1001a", "card_1001b"]
    assert result.data == cards.model_dump(mode="json")


async def test_parsed_on_a_failed_call_raises_value_error(client: BankClient) -> None:
    result = await client.call(
        get_tool("get_transaction"), {"transaction_id": "txn_nope"}, customer_id="cus_1001"
    )
    with pytest.raises(ValueError, match="get_transaction"):
        result.parsed(Transaction)


async def test_arguments_from_the_args_model_reach_the_bank_as_query_parameters(
    client: BankClient, sent: list[httpx.Request]
) -> None:
    args = ListTransactionsArgs.model_validate(
        {"account_id": "acc_1001a", "merchant": "netflix", "since": "2026-11-01"}
    )
    result = await client.call(
        get_tool("list_transactions"), args.model_dump(), customer_id="cus_1001"
    )
    found = result.parsed(TransactionList).transactions
    assert sorted(t.id for t in found) == ["txn_1001_005", "txn_1001_006"]
    assert sent[0].url.path == "/accounts/acc_1001a/transactions"
    assert dict(sent[0].url.params) == {"merchant": "netflix", "since": "2026-11-01"}


async def test_arguments_from_the_args_model_reach_the_bank_as_a_json_body(
    client: BankClient, bank: MockBank
) -> None:
    args = CancelCardArgs(card_id="card_1001a", reason="stolen")
    result = await client.call(
        get_tool("cancel_card"),
        args.model_dump(),
        customer_id="cus_1001",
        idempotency_key="idem-cancel",
    )
    cancellation = result.parsed(CardCancellation)
    assert cancellation.card.status == "cancelled"
    assert cancellation.replacement is not None
    assert bank.state.cards[cancellation.replacement.id].status == "pending_delivery"


async def test_step_up_verification_through_the_client_unblocks_the_pin(
    client: BankClient, bank: MockBank
) -> None:
    code = bank.state.customers["cus_1003"].verification_code

    async def call(tool: str, args: dict[str, str], key: str) -> BaseModel:
        spec = get_tool(tool)
        result = await client.call(spec, args, customer_id="cus_1003", idempotency_key=key)
        assert result.ok, result.failure
        return result.parsed(spec.result_model)

    started = await call("start_verification", {"customer_id": "cus_1003"}, "k1")
    wrong = await call("check_verification", {"customer_id": "cus_1003", "code": "000001"}, "k2")
    right = await call("check_verification", {"customer_id": "cus_1003", "code": code}, "k3")
    card = await call("unblock_pin", {"card_id": "card_1003a"}, "k4")
    assert isinstance(started, VerificationStarted) and started.channel == "sms"
    assert isinstance(wrong, VerificationResult) and wrong.verified is False
    assert isinstance(right, VerificationResult) and right.verified is True
    assert isinstance(card, Card) and card.pin_blocked is False


async def test_a_closed_client_raises_bank_error(client: BankClient) -> None:
    await client.aclose()
    with pytest.raises(BankError, match="closed"):
        await client.call(
            get_tool("get_customer"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
        )
