"""Retries with jitter around a model, honouring the provider's retry-after.

Why our own loop instead of the SDKs' (``max_retries=0`` on every client): one policy for
every provider; each attempt is logged; the time spent waiting for the model (attempts,
backoff and every read of a stream) is bounded by one deadline, since the SDKs' timeouts are
per read and a server that trickles a byte every few seconds would otherwise hold a turn for
minutes; a retry-after longer than we are willing to wait makes us give up at once and fall
back instead of keeping a customer waiting; and the planner learns "unavailable" as one typed
error it can act on. A model call has no side effects, so retrying it is always safe.
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
            async with asyncio.timeout(self._policy.deadline_s):
                async for attempt in self._retrying():
                    with attempt:
                        return await self._inner.complete(request)
        except ModelError as exc:
            raise self._unavailable(exc) from exc
        except TimeoutError as exc:
            raise self._past_deadline() from exc
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        # Only failures before the first event are retried: after that the caller has seen
        # part of an answer, and a second answer would not continue it.
        # The deadline counts time spent waiting for the model, read by read, never across a
        # yield: a timeout spanning a yield would fire in whatever the consumer does meanwhile,
        # and the consumer's own pace is not the model's fault.
        loop = asyncio.get_running_loop()
        remaining = self._policy.deadline_s
        events: AsyncIterator[StreamEvent] | None = None
        first: StreamEvent | None = None
        started = loop.time()
        try:
            async with asyncio.timeout(remaining):
                async for attempt in self._retrying():
                    with attempt:
                        events = self._inner.stream(request)
                        first = await anext(events)
        except ModelError as exc:
            raise self._unavailable(exc) from exc
        except StopAsyncIteration:
            return
        except TimeoutError as exc:
            raise self._past_deadline() from exc
        remaining -= loop.time() - started
        assert events is not None and first is not None
        yield first
        while True:
            started = loop.time()
            try:
                async with asyncio.timeout(max(remaining, 0.0)):
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except ModelError as exc:
                raise self._unavailable(exc) from exc
            except TimeoutError as exc:
                await _close(events)
                raise self._past_deadline() from exc
            remaining -= loop.time() - started
            yield event

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

    def _past_deadline(self) -> ModelUnavailableError:
        log.warning("model_deadline", model=self.name, deadline_s=self._policy.deadline_s)
        return ModelUnavailableError(
            f"{self.name} unavailable: no complete answer within {self._policy.deadline_s:g} s"
        )

    def _unavailable(self, exc: ModelError) -> ModelError:
        if isinstance(exc, ModelUnavailableError):
            return exc
        return ModelUnavailableError(f"{self.name} unavailable: {exc}")


async def _close(events: AsyncIterator[StreamEvent]) -> None:
    """Close an abandoned stream so its connection is released now, not when collected."""
    aclose = getattr(events, "aclose", None)
    if aclose is not None:
        await aclose()
