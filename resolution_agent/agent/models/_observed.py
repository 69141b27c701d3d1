"""Metrics and a ``chat {model}`` span around one model call, shared by the adapters.

Each attempt is one observed call (the retry wrapper sits above the adapters), so a retried
429 counts as a ``rate_limited`` call and then, perhaps, an ``ok`` one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.trace import Tracer

from resolution_agent.agent.models._errors import (
    ModelConnectionError,
    ModelRateLimitedError,
    ModelRequestError,
    ModelResponseError,
    ModelServerError,
)
from resolution_agent.agent.models._messages import ModelResponse
from resolution_agent.agent.observability.metrics import Metrics
from resolution_agent.agent.observability.tracing import end_model_span, start_model_span

_OUTCOMES: tuple[tuple[type[BaseException], str], ...] = (
    (ModelRateLimitedError, "rate_limited"),
    (ModelServerError, "server_error"),
    (ModelConnectionError, "connection_error"),
    (ModelRequestError, "request_error"),
    (ModelResponseError, "response_error"),
    (asyncio.CancelledError, "cancelled"),
    (GeneratorExit, "cancelled"),
)


def call_outcome(exc: BaseException) -> str:
    """The ``outcome`` label of a call that raised ``exc``."""
    return next((label for kind, label in _OUTCOMES if isinstance(exc, kind)), "error")


class ObservedCall:
    """One model call in progress; the adapter hands it the answer with :meth:`answered`."""

    def __init__(self) -> None:
        self.response: ModelResponse | None = None

    def answered(self, response: ModelResponse) -> ModelResponse:
        self.response = response
        return response


@contextmanager
def observe_model_call(
    metrics: Metrics, tracer: Tracer, *, spec: str, provider: str, model: str
) -> Iterator[ObservedCall]:
    """Count the call and trace it; an exception leaving the block is its outcome."""
    span = start_model_span(tracer, provider=provider, model=model)
    call = ObservedCall()
    try:
        yield call
    except BaseException as exc:
        outcome = call_outcome(exc)
        metrics.observe_model_call(spec=spec, provider=provider, model=model, outcome=outcome)
        end_model_span(span, error=type(exc).__name__)
        raise
    response = call.response
    if response is None:  # the block ended without an answer: a bug in the adapter
        metrics.observe_model_call(spec=spec, provider=provider, model=model, outcome="error")
        end_model_span(span, error="NoResponse")
        return
    metrics.observe_model_call(
        spec=spec, provider=provider, model=model, outcome="ok", usage=response.usage
    )
    end_model_span(span, response=response)
