"""The mock bank as an ASGI app (FastAPI): one route per declared tool, plus admin routes.

The tool routes are derived from ``tools/declarations.py``: each :class:`ToolSpec` is served
at its ``method`` and ``path`` and answered by the :class:`MockBank` method of the same name,
called as ``bank.<tool>(caller, **args)``. The app accepts exactly what
:class:`~tools.client.BankClient` sends (path parameters in the URL, a GET's other arguments
in the query string, a POST's in a JSON body) and validates them with the tool's
``args_model``, answering 422 in FastAPI's format when they do not fit. An operation that
takes ``step_up`` is told whether the ``X-Step-Up`` header says the channel verified the
customer.

Per request, in order: the call is counted, an injected fault (latency, error status, garbage
body) is applied, then a write with an ``Idempotency-Key`` already seen returns its first
answer unchanged (a different body under the same key is refused with 422), else the
operation runs, and a write that ran is recorded in ``bank.executions`` (served at
``/_admin/executions``, so exactly-once checks can count what the bank really did). Invalid
requests and faulted calls never reach the operation, so they change nothing. The ``/_admin``
routes (state, executions, records patched in, faults) are for tests, evals and demos.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from resolution_agent.tools.client import CUSTOMER_HEADER, IDEMPOTENCY_HEADER, STEP_UP_HEADER
from resolution_agent.tools.declarations import TOOLS, ToolArgs, ToolSpec
from resolution_agent.tools.errors import ConfigurationError, DataFileError
from resolution_agent.tools.mockbank.bank import BankApiError, MockBank, WriteExecution, dump
from resolution_agent.tools.mockbank.faults import FaultRule
from resolution_agent.tools.mockbank.seed import apply_patch

Caller = Annotated[str, Header(alias=CUSTOMER_HEADER, min_length=1, max_length=64)]
IdemKey = Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, max_length=200)]

Operation = Callable[..., BaseModel]
Endpoint = Callable[..., Awaitable[Response]]

_JSON_OBJECT = TypeAdapter(dict[str, Any])


def create_app(bank: MockBank) -> FastAPI:
    """The app serving ``bank``; a declared tool that ``MockBank`` lacks fails here."""
    app = FastAPI(title="Kestrel mock bank", version="1")

    async def run(
        endpoint: str,
        request: Request,
        key: str | None,
        op: Callable[[], BaseModel],
        *,
        write: bool,
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
        if key is not None or write:
            caller = request.headers.get(CUSTOMER_HEADER, "")
            fingerprint = hashlib.sha256(
                caller.encode()
                + b"\n"
                + request.method.encode()
                + request.url.path.encode()
                + await request.body()
            ).hexdigest()
        if key is not None:
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
        if write:
            bank.executions.append(
                WriteExecution(
                    tool=endpoint, idempotency_key=key, request=fingerprint, status=status
                )
            )
        return Response(content, status_code=status, media_type="application/json")

    def tool_endpoint(spec: ToolSpec) -> Endpoint:
        operation = _operation(bank, spec)
        takes_step_up = "step_up" in inspect.signature(operation).parameters

        async def call(request: Request, caller: str, key: str | None) -> Response:
            args = dict(await _arguments(spec, request))
            if takes_step_up:
                args["step_up"] = request.headers.get(STEP_UP_HEADER) == "verified"
            return await run(
                spec.name,
                request,
                key,
                lambda: operation(caller, **args),
                write=spec.effect == "write",
            )

        if spec.effect == "write":

            async def write(request: Request, caller: Caller, key: IdemKey = None) -> Response:
                return await call(request, caller, key)

            return write

        async def read(request: Request, caller: Caller) -> Response:
            return await call(request, caller, None)

        return read

    for spec in TOOLS:
        app.add_api_route(spec.path, tool_endpoint(spec), methods=[spec.method], name=spec.name)

    # ---- admin (tests, evals, demos) -------------------------------------------------------
    @app.get("/_admin/state")
    async def admin_state() -> JSONResponse:
        return JSONResponse(bank.state.to_json())

    @app.get("/_admin/executions")
    async def admin_executions() -> list[WriteExecution]:
        return list(bank.executions)

    @app.post("/_admin/patch")
    async def admin_patch(
        patch: Annotated[dict[str, list[dict[str, Any]]], Body()],
    ) -> JSONResponse:
        """Add or merge records as a scenario's ``bank_patch`` does (a bank of one's own)."""
        try:
            apply_patch(bank.state, patch, source="/_admin/patch")
        except DataFileError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return JSONResponse({name: len(bank.state.collection(name)) for name in patch})

    @app.post("/_admin/faults", status_code=201)
    async def admin_add_fault(rule: Annotated[FaultRule, Body()]) -> dict[str, int]:
        bank.faults.add(rule)
        return {"active": len(bank.faults.rules())}

    @app.delete("/_admin/faults")
    async def admin_clear_faults() -> dict[str, int]:
        bank.faults.clear()
        return {"active": 0}

    return app


def _operation(bank: MockBank, spec: ToolSpec) -> Operation:
    operation: Operation | None = getattr(bank, spec.name, None)
    if operation is None or not callable(operation):
        raise ConfigurationError(
            f"tool {spec.name!r} is declared in tools/declarations.py but the mock bank "
            f"cannot run it; add MockBank.{spec.name}(caller, ...) to tools/mockbank/bank.py"
        )
    return operation


async def _arguments(spec: ToolSpec, request: Request) -> ToolArgs:
    """The call's arguments as the client sends them, validated by the tool's model.

    Raises :class:`RequestValidationError` (FastAPI's 422), with each error located in the
    ``path``, ``query`` or ``body`` as FastAPI locates errors of its own parameters.
    """
    path = dict(request.path_params)
    where = "query" if spec.method == "GET" else "body"
    if where == "query":
        given: dict[str, Any] = dict(request.query_params)
    else:
        try:
            given = _JSON_OBJECT.validate_json(await request.body() or b"{}")
        except ValidationError as exc:
            raise RequestValidationError(_located(exc, lambda _: where)) from None
    # An id in the body or query must not stand in for, or contradict, the one in the URL.
    errors: list[dict[str, Any]] = [
        {
            "type": "extra_forbidden",
            "loc": (where, name),
            "msg": "Extra inputs are not permitted",
            "input": given[name],
        }
        for name in path
        if name in given
    ]
    try:
        args = spec.args_model.model_validate({**given, **path})
    except ValidationError as exc:
        errors += _located(exc, lambda field: "path" if field in path else where)
    if errors:
        raise RequestValidationError(errors)
    return args


def _located(exc: ValidationError, place: Callable[[Any], str]) -> list[dict[str, Any]]:
    return [
        {**error, "loc": (place(error["loc"][0] if error["loc"] else None), *error["loc"])}
        for error in exc.errors(include_url=False)
    ]
