"""Async client for the banking API: one generic call path for every declared tool.

Retries (tenacity, exponential backoff with jitter) cover 5xx answers, timeouts, connection
errors and unreadable bodies. Every attempt of one call carries the same ``Idempotency-Key``,
so a retry after a lost answer never executes a write twice. A failure that survives the
retries comes back as a :class:`ToolResult` with a :class:`ToolFailure`, never as an exception
or an error string, so the planner can decide what to tell the customer.

A write whose answer never came back (a timeout, a connection dropped once the request was on
its way, an answer that cannot be read) may have been done by the bank: when no attempt got a
readable answer and one of them was lost that way, the failure says ``outcome_unknown`` and
the result's outcome is ``unknown``, not ``failed``. A read that timed out is simply failed, as
is a write the bank refused or that never left (connection refused).

Each call is an ``execute_tool {tool}`` span (OpenTelemetry; the no-op tracer unless one is
given), and every failed call (after its retries) is counted through :class:`BankCallMetrics`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import structlog
from opentelemetry.trace import NoOpTracer, Span, SpanKind, Status, StatusCode, Tracer
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from resolution_agent.tools.declarations import ToolSpec
from resolution_agent.tools.errors import BankError
from resolution_agent.tools.models import ToolFailure, ToolResult
from resolution_agent.tools.vocabulary import FailureKind

log = structlog.get_logger("resolution_agent.tools.client")

CUSTOMER_HEADER = "X-Customer-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
STEP_UP_HEADER = "X-Step-Up"


@dataclass(frozen=True, slots=True)
class BankRetryPolicy:
    """How hard to try: attempts in total, and the jittered exponential backoff bounds."""

    attempts: int = 3
    backoff_base_s: float = 0.2
    backoff_max_s: float = 2.0


class BankCallMetrics(Protocol):
    """Where bank failures are counted (``agent.observability.Metrics`` is one)."""

    def count_bank_error(self, tool: str, kind: str) -> None: ...


class _NoMetrics:
    def count_bank_error(self, tool: str, kind: str) -> None:
        pass


class _Retryable(Exception):
    """Internal: an attempt failed in a way that another attempt may fix.

    ``lost``: the request may have reached the bank but its answer did not reach us.
    """

    def __init__(self, failure: ToolFailure, *, lost: bool = False) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.lost = lost


class BankClient:
    """Calls the banking API for a declared tool; use as ``async with BankClient(...)``."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 5.0,
        retry: BankRetryPolicy | None = None,
        metrics: BankCallMetrics | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout_s),
            headers={"User-Agent": "resolution-agent"},
        )
        self._retry = retry or BankRetryPolicy()
        self._timeout_s = timeout_s
        self._metrics: BankCallMetrics = metrics or _NoMetrics()
        self._tracer = tracer or NoOpTracer()

    async def __aenter__(self) -> BankClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(
        self,
        spec: ToolSpec,
        args: Mapping[str, Any],
        *,
        customer_id: str,
        idempotency_key: str | None = None,
        step_up: bool = False,
    ) -> ToolResult:
        """Run ``spec`` with already-validated ``args`` on behalf of ``customer_id``.

        ``step_up`` tells the bank that the channel has verified the customer strongly (the
        bank then accepts calls that otherwise need its own one-time-code check).
        """
        if spec.effect == "write" and not idempotency_key:
            raise BankError(f"{spec.name} changes bank state and needs an idempotency key")
        if self._client.is_closed:
            raise BankError("the bank client is closed; create a new agent or client")
        request = self._build_request(spec, args, customer_id, idempotency_key)
        if step_up:
            request.headers[STEP_UP_HEADER] = "verified"
        # Arguments and results stay out of the span: they hold personal data.
        with self._tracer.start_as_current_span(
            f"execute_tool {spec.name}",
            kind=SpanKind.INTERNAL,
            attributes={"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": spec.name},
            record_exception=False,
        ) as span:
            result = await self._call_with_retries(spec, request, idempotency_key)
            _end_tool_span(span, result)
        if result.failure is not None:
            self._metrics.count_bank_error(spec.name, result.failure.kind)
        return result

    async def _call_with_retries(
        self, spec: ToolSpec, request: httpx.Request, idempotency_key: str | None
    ) -> ToolResult:
        started = time.perf_counter()
        attempts = 0
        lost = 0  # attempts that may have reached the bank without an answer reaching us
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self._retry.attempts)),
            wait=wait_random_exponential(
                multiplier=self._retry.backoff_base_s, max=self._retry.backoff_max_s
            ),
            retry=retry_if_exception_type(_Retryable),
            reraise=False,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    try:
                        result = await self._attempt(spec, request)
                    except _Retryable as exc:
                        lost += exc.lost
                        raise
        except RetryError as exc:
            last = exc.last_attempt.exception()
            failure = (
                last.failure
                if isinstance(last, _Retryable)
                else ToolFailure(kind="unavailable", message=str(last), retryable=True)
            )
            if spec.effect == "write" and lost:
                failure = _unknown_outcome(spec, failure, attempts, lost)
            log.warning(
                "tool_call_failed",
                tool=spec.name,
                attempts=attempts,
                kind=failure.kind,
                outcome_unknown=failure.outcome_unknown,
            )
            return ToolResult(
                tool=spec.name,
                ok=False,
                failure=failure,
                attempts=attempts,
                idempotency_key=idempotency_key,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
        return result.model_copy(
            update={
                "attempts": attempts,
                "idempotency_key": idempotency_key,
                "elapsed_ms": (time.perf_counter() - started) * 1000,
            }
        )

    def _build_request(
        self,
        spec: ToolSpec,
        args: Mapping[str, Any],
        customer_id: str,
        idempotency_key: str | None,
    ) -> httpx.Request:
        path_names = spec.path_params()
        path = spec.path.format(**{name: args[name] for name in path_names})
        rest = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in args.items()
            if k not in path_names and v is not None
        }
        headers = {CUSTOMER_HEADER: customer_id}
        if idempotency_key:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        if spec.method == "GET":
            return self._client.build_request("GET", path, params=rest, headers=headers)
        return self._client.build_request("POST", path, json=rest, headers=headers)

    async def _attempt(self, spec: ToolSpec, request: httpx.Request) -> ToolResult:
        try:
            # An overall deadline as well as httpx's own: in-process transports ignore the latter.
            async with asyncio.timeout(self._timeout_s):
                response = await self._client.send(request)
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise _Retryable(
                ToolFailure(kind="timeout", message=f"bank timed out: {exc!r}", retryable=True),
                lost=not isinstance(exc, _NEVER_SENT),
            ) from exc
        except httpx.TransportError as exc:
            raise _Retryable(
                ToolFailure(
                    kind="unavailable", message=f"bank unreachable: {exc!r}", retryable=True
                ),
                lost=not isinstance(exc, _NEVER_SENT),
            ) from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise _Retryable(
                ToolFailure(
                    kind="unavailable",
                    status_code=status,
                    retryable=True,
                    message=f"bank answered {status}",
                )
            )
        if status >= 400:
            return ToolResult(tool=spec.name, ok=False, failure=_client_failure(response))
        try:
            parsed = spec.result_model.model_validate_json(response.content)
        except ValidationError as exc:
            raise _Retryable(
                ToolFailure(
                    kind="bad_response",
                    status_code=status,
                    retryable=True,
                    message=f"bank answer to {spec.name} did not match its schema "
                    f"({exc.error_count()} errors)",
                ),
                lost=True,  # the bank answered success, in words we cannot read
            ) from exc
        return ToolResult(tool=spec.name, ok=True, data=parsed.model_dump(mode="json"))


# Failures that happen before the request leaves: the bank cannot have seen it.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


def _unknown_outcome(spec: ToolSpec, last: ToolFailure, attempts: int, lost: int) -> ToolFailure:
    """The failure of a write that the bank may have done: no attempt got a readable answer."""
    return last.model_copy(
        update={
            "outcome_unknown": True,
            "message": f"no readable answer from the bank to {spec.name} in {attempts} "
            f"attempt(s) ({lost} lost after sending; last: {last.message}); it may have "
            "been done: check at the bank before retrying it",
        }
    )


def _end_tool_span(span: Span, result: ToolResult) -> None:
    span.set_attribute("resolve.tool.attempts", result.attempts)
    if result.failure is not None:
        span.set_attribute("error.type", result.failure.kind)
        span.set_status(Status(StatusCode.ERROR, result.failure.kind))


def _client_failure(response: httpx.Response) -> ToolFailure:
    kinds: dict[int, FailureKind] = {
        404: "not_found",
        409: "conflict",
        403: "forbidden",
        422: "invalid",
        400: "invalid",
    }
    try:
        body = response.json()
        detail = body.get("detail") if isinstance(body, dict) else None
    except ValueError:
        detail = None
    message = detail if isinstance(detail, str) else f"bank answered {response.status_code}"
    return ToolFailure(
        kind=kinds.get(response.status_code, "invalid"),
        status_code=response.status_code,
        message=message,
    )
