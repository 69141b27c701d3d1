"""The mock bank as an ASGI app (FastAPI): one route per tool, plus admin routes for tests.

Per request, in order: the call is counted, an injected fault (latency, error status, garbage
body) is applied, then a write with an ``Idempotency-Key`` already seen returns its first
answer unchanged (a different body under the same key is refused with 422), else the
operation runs. Faulted calls never reach the operation, so they change nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Body, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tools.client import CUSTOMER_HEADER, IDEMPOTENCY_HEADER, STEP_UP_HEADER
from tools.mockbank.bank import BankApiError, MockBank, dump
from tools.mockbank.faults import FaultRule
from tools.vocabulary import CancelReason, DisputeReason, PaymentStatus, TransactionStatus

Caller = Annotated[str, Header(alias=CUSTOMER_HEADER, min_length=1, max_length=64)]
IdemKey = Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CancelCardBody(_Body):
    reason: CancelReason
    replace: bool = True


class DisputeBody(_Body):
    reason: DisputeReason


class CodeBody(_Body):
    code: str = Field(pattern=r"^\d{4,8}$")


def create_app(bank: MockBank) -> FastAPI:
    app = FastAPI(title="Kestrel mock bank", version="1")

    async def run(
        endpoint: str, request: Request, key: str | None, op: Callable[[], BaseModel]
    ) -> Response:
        bank.calls[endpoint] += 1
        fault = bank.faults.take(endpoint)
        if fault is not None:
            if fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            if fault.body == "garbage":
                return Response(
                    b"<html>upstream error</html>", status_code=200, media_type="application/json"
                )
            if fault.status is not None and fault.status >= 400:
                return JSONResponse(
                    {"detail": f"injected fault {fault.status}"}, status_code=fault.status
                )
        fingerprint = ""
        if key is not None:
            caller = request.headers.get(CUSTOMER_HEADER, "")
            fingerprint = hashlib.sha256(
                caller.encode()
                + b"\n"
                + request.method.encode()
                + request.url.path.encode()
                + await request.body()
            ).hexdigest()
            seen = bank.idempotency.get(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    return JSONResponse(
                        {"detail": "Idempotency-Key reused with a different request"},
                        status_code=422,
                    )
                return Response(seen[2], status_code=seen[1], media_type="application/json")
        try:
            status, content = 200, dump(op())
        except BankApiError as exc:
            status, content = exc.status, bytes(JSONResponse({"detail": exc.detail}).body)
        if key is not None and status < 500:
            bank.idempotency[key] = (fingerprint, status, bytes(content))
        return Response(content, status_code=status, media_type="application/json")

    @app.get("/customers/{customer_id}", name="get_customer")
    async def get_customer(customer_id: str, request: Request, caller: Caller) -> Response:
        return await run(
            "get_customer", request, None, lambda: bank.get_customer(caller, customer_id)
        )

    @app.get("/customers/{customer_id}/accounts", name="list_accounts")
    async def list_accounts(customer_id: str, request: Request, caller: Caller) -> Response:
        return await run(
            "list_accounts", request, None, lambda: bank.list_accounts(caller, customer_id)
        )

    @app.get("/customers/{customer_id}/cards", name="list_cards")
    async def list_cards(customer_id: str, request: Request, caller: Caller) -> Response:
        return await run("list_cards", request, None, lambda: bank.list_cards(caller, customer_id))

    @app.post("/cards/{card_id}/freeze", name="freeze_card")
    async def freeze_card(
        card_id: str, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run("freeze_card", request, key, lambda: bank.freeze_card(caller, card_id))

    @app.post("/cards/{card_id}/unfreeze", name="unfreeze_card")
    async def unfreeze_card(
        card_id: str, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run("unfreeze_card", request, key, lambda: bank.unfreeze_card(caller, card_id))

    @app.post("/cards/{card_id}/cancel", name="cancel_card")
    async def cancel_card(
        card_id: str, body: CancelCardBody, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run(
            "cancel_card",
            request,
            key,
            lambda: bank.cancel_card(caller, card_id, body.reason, body.replace),
        )

    @app.get("/cards/{card_id}/delivery", name="get_card_delivery")
    async def get_card_delivery(card_id: str, request: Request, caller: Caller) -> Response:
        return await run(
            "get_card_delivery", request, None, lambda: bank.get_card_delivery(caller, card_id)
        )

    @app.post("/cards/{card_id}/pin/unblock", name="unblock_pin")
    async def unblock_pin(
        card_id: str, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        step_up = request.headers.get(STEP_UP_HEADER) == "verified"
        return await run(
            "unblock_pin", request, key, lambda: bank.unblock_pin(caller, card_id, step_up=step_up)
        )

    @app.get("/accounts/{account_id}/transactions", name="list_transactions")
    async def list_transactions(
        account_id: str,
        request: Request,
        caller: Caller,
        merchant: Annotated[str | None, Query(max_length=80)] = None,
        status: TransactionStatus | None = None,
        since: date | None = None,
        until: date | None = None,
        min_amount: Annotated[int | None, Query(ge=0)] = None,
        max_amount: Annotated[int | None, Query(ge=0)] = None,
    ) -> Response:
        return await run(
            "list_transactions",
            request,
            None,
            lambda: bank.list_transactions(
                caller,
                account_id,
                merchant=merchant,
                status=status,
                since=since,
                until=until,
                min_amount=min_amount,
                max_amount=max_amount,
            ),
        )

    @app.get("/transactions/{transaction_id}", name="get_transaction")
    async def get_transaction(transaction_id: str, request: Request, caller: Caller) -> Response:
        return await run(
            "get_transaction", request, None, lambda: bank.get_transaction(caller, transaction_id)
        )

    @app.post("/transactions/{transaction_id}/disputes", name="raise_dispute")
    async def raise_dispute(
        transaction_id: str,
        body: DisputeBody,
        request: Request,
        caller: Caller,
        key: IdemKey = None,
    ) -> Response:
        return await run(
            "raise_dispute",
            request,
            key,
            lambda: bank.raise_dispute(caller, transaction_id, body.reason),
        )

    @app.get("/accounts/{account_id}/payments", name="list_payments")
    async def list_payments(
        account_id: str, request: Request, caller: Caller, status: PaymentStatus | None = None
    ) -> Response:
        return await run(
            "list_payments", request, None, lambda: bank.list_payments(caller, account_id, status)
        )

    @app.post("/payments/{payment_id}/cancel", name="cancel_payment")
    async def cancel_payment(
        payment_id: str, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run(
            "cancel_payment", request, key, lambda: bank.cancel_payment(caller, payment_id)
        )

    @app.get("/accounts/{account_id}/direct-debits", name="list_direct_debits")
    async def list_direct_debits(account_id: str, request: Request, caller: Caller) -> Response:
        return await run(
            "list_direct_debits", request, None, lambda: bank.list_direct_debits(caller, account_id)
        )

    @app.post("/direct-debits/{direct_debit_id}/cancel", name="cancel_direct_debit")
    async def cancel_direct_debit(
        direct_debit_id: str, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run(
            "cancel_direct_debit",
            request,
            key,
            lambda: bank.cancel_direct_debit(caller, direct_debit_id),
        )

    @app.post("/customers/{customer_id}/verification", name="start_verification")
    async def start_verification(
        customer_id: str, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run(
            "start_verification", request, key, lambda: bank.start_verification(caller, customer_id)
        )

    @app.post("/customers/{customer_id}/verification/check", name="check_verification")
    async def check_verification(
        customer_id: str, body: CodeBody, request: Request, caller: Caller, key: IdemKey = None
    ) -> Response:
        return await run(
            "check_verification",
            request,
            key,
            lambda: bank.check_verification(caller, customer_id, body.code),
        )

    # ---- admin (tests, evals, demos) -------------------------------------------------------
    @app.get("/_admin/state")
    async def admin_state() -> JSONResponse:
        return JSONResponse(bank.state.to_json())

    @app.post("/_admin/faults", status_code=201)
    async def admin_add_fault(rule: Annotated[FaultRule, Body()]) -> dict[str, int]:
        bank.faults.add(rule)
        return {"active": len(bank.faults.rules())}

    @app.delete("/_admin/faults")
    async def admin_clear_faults() -> dict[str, int]:
        bank.faults.clear()
        return {"active": 0}

    return app
