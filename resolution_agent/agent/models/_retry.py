"""Retries with jitter around a model, honouring the provider's retry-after.

Why our own loop instead of the SDKs' (``max_retries=0`` on every client): one policy for
every provider; each attempt is logged and bounded by one deadline; a retry-after longer than
we are willing to wait makes us give up at once and fall back instead of keeping a customer
waiting; and the planner learns "unavailable" as one typed error it can act on. A model call
has no side effects, so retrying it is always safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from resolution_agent.agent.models._base import Model
from resolution_agent.agent.models._errors import (
    ModelError,
    ModelTransientError,
    ModelUnavailableError,
)
from resolution_agent.agent.models._messages import ModelRequest, ModelResponse
from resolution_agent.agent.models._stream import StreamEvent

log = structlog.get_logger("resolution_agent.agent.models")

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ModelRetryPolicy:
    """How hard to try one model before falling back."""

    attempts: int = 3
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    max_retry_after_s: float = 20.0
    deadline_s: float = 60.0


class RetryingModel:
    """A model that retries transient failures and then raises ModelUnavailableError."""

    def __init__(
        self, inner: Model, policy: ModelRetryPolicy, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._sleep = sleep
        self._backoff = wait_random_exponential(
            multiplier=policy.backoff_base_s, max=policy.backoff_max_s
        )

    @property
    def name(self) -> str:
        return self._inner.name

    async def complete(self, request: ModelRequest) -> ModelResponse:
        try:
            async for attempt in self._retrying():
                with attempt:
                    return await self._inner.complete(request)
        except ModelError as exc:
            raise self._unavailable(exc) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        # Only failures before the first event are retried: after that the caller has seen
        # part of an answer, and a second answer would not continue it.
        events: AsyncIterator[StreamEvent] | None = None
        first: StreamEvent | None = None
        try:
            async for attempt in self._retrying():
                with attempt:
                    events = self._inner.stream(request)
                    first = await anext(events)
        except ModelError as exc:
            raise self._unavailable(exc) from exc
        except StopAsyncIteration:
            return
        assert events is not None and first is not None
        yield first
        try:
            async for event in events:
                yield event
        except ModelError as exc:
            raise self._unavailable(exc) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()

    def _retrying(self) -> AsyncRetrying:
        policy = self._policy
        return AsyncRetrying(
            sleep=self._sleep,
            stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.deadline_s),
            wait=self._wait,
            retry=retry_if_exception(self._worth_retrying),
            before_sleep=self._log_retry,
            reraise=True,
        )

    def _worth_retrying(self, exc: BaseException) -> bool:
        if not isinstance(exc, ModelTransientError):
            return False
        return exc.retry_after is None or exc.retry_after <= self._policy.max_retry_after_s

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ModelTransientError) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(state)

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "model_retry",
            model=self.name,
            attempt=state.attempt_number,
            wait_s=round(state.upcoming_sleep, 3),
            error=type(exc).__name__,
        )

    def _unavailable(self, exc: ModelError) -> ModelError:
        if isinstance(exc, ModelUnavailableError):
            return exc
        return ModelUnavailableError(f"{self.name} unavailable: {exc}")
