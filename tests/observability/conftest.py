"""Fixtures of the observability tests: a private metrics registry and in-memory spans.

Spans go to an SDK ``TracerProvider`` made per test and passed in, never the global one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Tracer

from resolution_agent.agent.observability import Metrics, tracer_from
from tests.network import refuse_network


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    yield from refuse_network(monkeypatch)


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    yield spans
    spans.shutdown()


@pytest.fixture
def tracer(exporter: InMemorySpanExporter) -> Iterator[Tracer]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield tracer_from(provider)
    provider.shutdown()


def finished(exporter: InMemorySpanExporter) -> dict[str, ReadableSpan]:
    """The finished spans by name (names are unique in these tests)."""
    return {span.name: span for span in exporter.get_finished_spans()}
