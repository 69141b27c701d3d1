"""Which failed calls the client calls ``unknown``: a write whose answer never came back.

A write that reached the bank and whose answer was lost may have been done; calling it
"failed" invites doing it again (a second replacement card). A read that timed out, and a
write that never left or that the bank refused, are plainly failed.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from resolution_agent.tools.client import BankClient, BankRetryPolicy
from resolution_agent.tools.declarations import get_tool
from resolution_agent.tools.mockbank import FaultRule, MockBank

FAST = BankRetryPolicy(attempts=3, backoff_base_s=0, backoff_max_s=0)
FREEZE = get_tool("freeze_card")
CARD = {"card_id": "card_1001a"}


class LosesAnswers(httpx.AsyncBaseTransport):
    """Delivers each request to the mock bank, then drops its answer (the first ``lose``
    answers; every one when ``lose`` is None), as a connection reset after sending does."""

    def __init__(self, app: FastAPI, *, lose: int | None = None) -> None:
        self._bank = httpx.ASGITransport(app=app)
        self._lose = lose
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._bank.handle_async_request(request)
        await response.aread()
        self.sent += 1
        if self._lose is None or self.sent <= self._lose:
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


async def _call_freeze(transport: httpx.AsyncBaseTransport) -> tuple[str, str | None, int]:
    async with BankClient("http://bank", transport=transport, retry=FAST) as client:
        result = await client.call(
            FREEZE, CARD, customer_id="cus_1001", idempotency_key="idem-lost"
        )
    failure = result.failure
    return result.outcome, failure.kind if failure else None, result.attempts


async def test_a_write_done_by_the_bank_whose_answers_are_all_lost_is_unknown(
    app: FastAPI, bank: MockBank
) -> None:
    transport = LosesAnswers(app)

    outcome, kind, attempts = await _call_freeze(transport)

    assert (outcome, kind, attempts) == ("unknown", "unavailable", 3)
    # the bank did it once; the two retries were answered from its idempotency memory
    assert bank.state.cards["card_1001a"].status == "frozen"
    assert list(bank.idempotency) == ["idem-lost"]
    assert bank.calls["freeze_card"] == 3


async def test_a_write_whose_first_answer_is_lost_succeeds_on_the_retry_with_the_first_result(
    app: FastAPI, bank: MockBank
) -> None:
    outcome, kind, attempts = await _call_freeze(LosesAnswers(app, lose=1))

    assert (outcome, kind, attempts) == ("ok", None, 2)
    assert bank.state.cards["card_1001a"].status == "frozen"


async def test_a_write_that_times_out_on_every_attempt_is_unknown(
    app: FastAPI, bank: MockBank
) -> None:
    bank.faults.add(FaultRule(endpoint="freeze_card", status=None, times=0, latency_ms=200))
    async with BankClient(
        "http://bank", transport=httpx.ASGITransport(app=app), timeout_s=0.02, retry=FAST
    ) as client:
        result = await client.call(FREEZE, CARD, customer_id="cus_1001", idempotency_key="k")

    assert result.outcome == "unknown"
    assert result.failure is not None
    assert result.failure.kind == "timeout"
    assert "check at the bank before retrying" in result.failure.message


async def test_a_read_that_times_out_is_failed_not_unknown(app: FastAPI, bank: MockBank) -> None:
    bank.faults.add(FaultRule(endpoint="list_cards", status=None, times=0, latency_ms=200))
    async with BankClient(
        "http://bank", transport=httpx.ASGITransport(app=app), timeout_s=0.02, retry=FAST
    ) as client:
        result = await client.call(
            get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
        )

    assert (result.outcome, result.failure and result.failure.kind) == ("failed", "timeout")


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _down(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"detail": "down"})


def _refuses_the_card(request: httpx.Request) -> httpx.Response:
    return httpx.Response(409, json={"detail": "card is cancelled"})


@pytest.mark.parametrize(
    "answer",
    [_refused, _down, _refuses_the_card],
    ids=["never-sent", "503-every-time", "refused-409"],
)
async def test_a_write_that_never_left_or_was_answered_with_an_error_is_failed(
    answer: Callable[[httpx.Request], httpx.Response],
) -> None:
    outcome, _, _ = await _call_freeze(httpx.MockTransport(answer))

    assert outcome == "failed"


async def test_a_write_answered_success_in_an_unreadable_body_is_unknown() -> None:
    def garbage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html>upstream error</html>")

    outcome, kind, _ = await _call_freeze(httpx.MockTransport(garbage))

    assert (outcome, kind) == ("unknown", "bad_response")


async def test_a_lost_answer_then_a_503_is_still_unknown() -> None:
    """The first attempt may have been done; a later 5xx says nothing about it."""
    answers = iter(["lost", "503", "503"])

    def flaky(request: httpx.Request) -> httpx.Response:
        if next(answers) == "lost":
            raise httpx.ReadTimeout("no answer", request=request)
        return httpx.Response(503, json={"detail": "down"})

    outcome, kind, attempts = await _call_freeze(httpx.MockTransport(flaky))

    assert (outcome, kind, attempts) == ("unknown", "unavailable", 3)
