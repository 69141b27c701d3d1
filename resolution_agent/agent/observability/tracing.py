"""OpenTelemetry traces of a turn: a span per graph node, tool call and model call.

Run time needs only ``opentelemetry-api``: every component takes a ``Tracer`` and defaults to
the API's no-op one, so nothing is recorded or exported unless the agent is given a real
tracer. :func:`build_tracer_provider` makes one (SDK, OTLP over HTTP) only when an OTLP
endpoint is configured through the SDK's own environment variables
(``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, plus
``OTEL_SERVICE_NAME``, ``OTEL_EXPORTER_OTLP_HEADERS`` ...), and it needs the ``otel`` extra.

Span names and attributes follow the GenAI semantic conventions (``chat {model}``,
``execute_tool {tool}``, ``gen_ai.*``). Spans carry no message text, tool arguments or results:
those hold personal data, and traces leave the process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.trace import NoOpTracer, Span, SpanKind, Status, StatusCode, Tracer

from resolution_agent.tools.errors import ConfigurationError

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from resolution_agent.agent.models import ModelResponse

TRACER_NAME = "resolution-agent"
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def no_tracer() -> Tracer:
    """The tracer components use when none is given: records nothing."""
    return NoOpTracer()


def tracer_from(provider: trace.TracerProvider | None) -> Tracer:
    """The agent's tracer on ``provider``; the no-op tracer for None."""
    return provider.get_tracer(TRACER_NAME) if provider is not None else no_tracer()


def build_tracer_provider(environ: Mapping[str, str] | None = None) -> TracerProvider | None:
    """An SDK provider exporting over OTLP/HTTP when an OTLP endpoint is set, else None.

    ``environ`` (default ``os.environ``) only decides whether to build one: the exporter and
    the resource read their settings from the process environment themselves. The caller
    owns the provider and calls ``shutdown()`` on closing (it flushes pending spans).
    Raises ConfigurationError when an endpoint is set but the ``otel`` extra is missing.
    """
    env = os.environ if environ is None else environ
    if not any(env.get(name) for name in _ENDPOINT_VARIABLES):
        return None
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise ConfigurationError(
            "an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT) but the OpenTelemetry SDK "
            "is not installed: pip install 'resolution-agent[otel]', or unset the endpoint"
        ) from exc
    resource = Resource.create()  # reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": TRACER_NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


@contextmanager
def turn_span(tracer: Tracer, *, conversation_id: str) -> Iterator[Span]:
    """The root span of one customer message; the graph's node spans become its children.

    Without it each node span starts a trace of its own.
    """
    with tracer.start_as_current_span(
        f"invoke_agent {TRACER_NAME}",
        attributes={
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": TRACER_NAME,
            "gen_ai.conversation.id": conversation_id,
        },
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as exc:
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


@contextmanager
def node_span(tracer: Tracer, node: str, *, conversation_id: str, turn: int) -> Iterator[Span]:
    """The span of one graph node run, current while the node runs (parent of its calls).

    An exception is recorded by its type only: its message may quote the customer.
    """
    with tracer.start_as_current_span(
        f"agent.node {node}",
        attributes={
            "agent.node": node,
            "gen_ai.conversation.id": conversation_id,
            "agent.turn": turn,
        },
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as exc:
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


def start_model_span(tracer: Tracer, *, provider: str, model: str) -> Span:
    """The span of one model call (one attempt); end it with :func:`end_model_span`.

    Not made current: a stream yields while the call is open, and a model call has no
    children of ours.
    """
    return tracer.start_span(
        f"chat {model}",
        kind=SpanKind.CLIENT,
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.system": provider,
            "gen_ai.provider.name": provider,
            "gen_ai.request.model": model,
        },
    )


def end_model_span(
    span: Span, *, response: ModelResponse | None = None, error: str | None = None
) -> None:
    """Record the answer's usage (or the error type) on ``span`` and end it."""
    if response is not None:
        span.set_attributes(
            {
                "gen_ai.usage.input_tokens": response.usage.input_tokens,
                "gen_ai.usage.output_tokens": response.usage.output_tokens,
                "gen_ai.response.finish_reasons": [response.finish],
            }
        )
        if response.model:
            span.set_attribute("gen_ai.response.model", response.model)
    if error is not None:
        span.set_attribute("error.type", error)
        span.set_status(Status(StatusCode.ERROR, error))
    span.end()
