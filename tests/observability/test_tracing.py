"""Spans of a turn (graph nodes, tool calls, model calls) and the metrics at the same hooks."""

from __future__ import annotations

from typing import Any, cast

import httpx
import pytest
import respx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode, Tracer

from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.graph import _bind
from resolution_agent.agent.models import (
    ModelRequest,
    ModelRequestError,
    UserMessage,
    build_model,
    collect,
)
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.observability import Metrics, build_tracer_provider, turn_span
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import ConversationState
from resolution_agent.tools.client import BankClient, BankRetryPolicy
from resolution_agent.tools.declarations import get_tool
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK
from tests.llm.wire import ANTHROPIC_URL, KEYS, OPENAI_URL, recorded, respx_client, sse
from tests.observability.conftest import finished

FAST = BankRetryPolicy(attempts=2, backoff_base_s=0, backoff_max_s=0)
REQUEST = ModelRequest(system="You help.", messages=[UserMessage(text="hello")])


class FakeAudit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    async def append(self, event: AuditEvent) -> None:
        self.events.append(event)


def deps_with(metrics: Metrics, tracer: Tracer, audit: FakeAudit | None = None) -> Deps:
    """Deps for driving one node wrapper: only what the wrapper and ``record`` touch is real."""
    unused = cast(Any, None)
    return Deps(
        settings=Settings(),
        policies=unused,
        templates=unused,
        classifier=unused,
        retriever=unused,
        planner=unused,
        bank=unused,
        clock=lambda: DEFAULT_CLOCK,
        audit=cast(Any, audit or FakeAudit()),
        cases=unused,
        metrics=metrics,
        tracer=tracer,
    )


def state() -> ConversationState:
    return ConversationState(conversation_id="conv-1", customer_id="cus_1001", turn=3)


async def test_each_node_run_is_a_span_and_a_latency_sample(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    async def decide(state: ConversationState, deps: Deps) -> dict[str, Any]:
        return {"turn": state.turn}

    update = await _bind(decide, deps_with(metrics, tracer))(state())

    assert update == {"turn": 3}
    span = finished(exporter)["agent.node decide"]
    assert span.attributes == {
        "agent.node": "decide",
        "gen_ai.conversation.id": "conv-1",
        "agent.turn": 3,
    }
    count = metrics.registry.get_sample_value("resolve_node_seconds_count", {"node": "decide"})
    assert count == 1


async def test_a_failing_node_is_timed_and_its_span_names_only_the_error_type(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    async def act(state: ConversationState, deps: Deps) -> dict[str, Any]:
        raise ValueError("card 4111111111111111 rejected")

    with pytest.raises(ValueError):
        await _bind(act, deps_with(metrics, tracer))(state())

    span = finished(exporter)["agent.node act"]
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None and span.attributes["error.type"] == "ValueError"
    assert span.events == ()
    assert metrics.registry.get_sample_value("resolve_node_seconds_count", {"node": "act"}) == 1


async def test_recording_a_guard_block_and_an_escalation_counts_them(
    metrics: Metrics, tracer: Tracer
) -> None:
    audit = FakeAudit()
    deps = deps_with(metrics, tracer, audit)

    await deps.record("conv-1", 1, "guard", "CONFIRM-NOT-ASKED", verdict="block")
    await deps.record("conv-1", 1, "guard", "POL-OK", verdict="allow")
    await deps.record("conv-1", 1, "escalation", "ESC-FRAUD", queue="fraud", priority="urgent")

    assert len(audit.events) == 3
    r = metrics.registry
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "CONFIRM-NOT-ASKED"}) == 1
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "POL-OK"}) is None
    handoff = {"queue": "fraud", "priority": "urgent"}
    assert r.get_sample_value("resolve_handoffs_total", handoff) == 1


async def test_a_bank_call_is_an_execute_tool_span_inside_the_node_span(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    def answers(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"cards": []})

    async with BankClient(
        "http://bank",
        transport=httpx.MockTransport(answers),
        retry=FAST,
        metrics=metrics,
        tracer=tracer,
    ) as bank:

        async def act(state: ConversationState, deps: Deps) -> dict[str, Any]:
            result = await bank.call(
                get_tool("list_cards"), {"customer_id": "cus_1001"}, customer_id="cus_1001"
            )
            return {"ok": result.ok}

        assert await _bind(act, deps_with(metrics, tracer))(state()) == {"ok": True}

    spans = finished(exporter)
    tool, node = spans["execute_tool list_cards"], spans["agent.node act"]
    assert tool.attributes == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "list_cards",
        "resolve.tool.attempts": 1,
    }
    assert tool.parent is not None and node.context is not None
    assert tool.parent.span_id == node.context.span_id
    assert tool.status.status_code is StatusCode.UNSET
    assert "resolve_bank_errors_total{" not in metrics.render().decode()


async def test_a_bank_call_that_fails_after_retries_is_counted_by_kind(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    async with BankClient(
        "http://bank",
        transport=httpx.MockTransport(unavailable),
        retry=FAST,
        metrics=metrics,
        tracer=tracer,
    ) as bank:
        result = await bank.call(
            get_tool("freeze_card"),
            {"card_id": "card_1001a"},
            customer_id="cus_1001",
            idempotency_key="idem-1",
        )

    assert result.ok is False
    labels = {"tool": "freeze_card", "kind": "unavailable"}
    assert metrics.registry.get_sample_value("resolve_bank_errors_total", labels) == 1
    span = finished(exporter)["execute_tool freeze_card"]
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert (span.attributes["error.type"], span.attributes["resolve.tool.attempts"]) == (
        "unavailable",
        2,
    )


async def test_an_openai_call_is_a_chat_span_with_token_usage_and_counted(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post(OPENAI_URL).respond(json=recorded("openai/tool_call.json"))
        model = build_model(
            "openai:gpt-4.1-mini",
            KEYS,
            http_client=respx_client(router),
            metrics=metrics,
            tracer=tracer,
        )
        await model.complete(REQUEST)
        await model.aclose()

    span = finished(exporter)["chat gpt-4.1-mini"]
    assert span.kind is SpanKind.CLIENT
    assert span.attributes is not None
    assert {k: span.attributes[k] for k in span.attributes if k != "gen_ai.response.model"} == {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1480,
        "gen_ai.usage.output_tokens": 19,
        "gen_ai.response.finish_reasons": ("tool_calls",),
    }
    r = metrics.registry
    labels = {"provider": "openai", "model": "gpt-4.1-mini"}
    assert r.get_sample_value("resolve_model_calls_total", {**labels, "outcome": "ok"}) == 1
    assert r.get_sample_value("resolve_model_tokens_total", {**labels, "direction": "input"}) == (
        1480
    )


async def test_a_streamed_anthropic_call_is_observed_when_the_stream_ends(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post(ANTHROPIC_URL).mock(return_value=sse("anthropic/stream_text.sse"))
        model = build_model(
            "anthropic:claude-sonnet-4-6",
            KEYS,
            http_client=respx_client(router),
            metrics=metrics,
            tracer=tracer,
        )
        response = await collect(model.stream(REQUEST))
        await model.aclose()

    span = finished(exporter)["chat claude-sonnet-4-6"]
    assert span.attributes is not None
    assert span.attributes["gen_ai.provider.name"] == "anthropic"
    assert span.attributes["gen_ai.usage.output_tokens"] == response.usage.output_tokens
    assert response.usage.output_tokens > 0
    labels = {"provider": "anthropic", "model": "claude-sonnet-4-6", "direction": "output"}
    tokens = metrics.registry.get_sample_value("resolve_model_tokens_total", labels)
    assert tokens == response.usage.output_tokens


async def test_a_refused_model_call_is_counted_by_outcome_and_marks_its_span(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post(ANTHROPIC_URL).respond(400, json=recorded("anthropic/invalid_input.json"))
        model = build_model(
            "anthropic:claude-sonnet-4-6",
            KEYS,
            http_client=respx_client(router),
            metrics=metrics,
            tracer=tracer,
        )
        with pytest.raises(ModelRequestError):
            await model.complete(REQUEST)
        await model.aclose()

    span = finished(exporter)["chat claude-sonnet-4-6"]
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "ModelRequestError"
    labels = {"provider": "anthropic", "model": "claude-sonnet-4-6", "outcome": "request_error"}
    assert metrics.registry.get_sample_value("resolve_model_calls_total", labels) == 1


def test_no_tracer_provider_is_built_without_an_otlp_endpoint() -> None:
    assert build_tracer_provider({}) is None
    assert build_tracer_provider({"OTEL_EXPORTER_OTLP_ENDPOINT": ""}) is None


def test_an_otlp_endpoint_builds_an_sdk_provider() -> None:
    provider = build_tracer_provider({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})

    assert isinstance(provider, TracerProvider)
    assert provider.resource.attributes["service.name"] == "resolution-agent"
    provider.shutdown()  # no span was started, so nothing is sent


def test_the_service_name_can_be_set_through_the_sdk_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "resolve-eu-west")

    provider = build_tracer_provider({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})

    assert provider is not None
    assert provider.resource.attributes["service.name"] == "resolve-eu-west"
    provider.shutdown()


async def test_a_stream_abandoned_before_its_end_is_counted_as_cancelled(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post(OPENAI_URL).mock(return_value=sse("openai/stream_text.sse"))
        model = build_model(
            "openai:gpt-4.1-mini",
            KEYS,
            http_client=respx_client(router),
            metrics=metrics,
            tracer=tracer,
        )
        events = model.stream(REQUEST)
        await anext(events)
        await events.aclose()  # type: ignore[attr-defined]
        await model.aclose()

    span = finished(exporter)["chat gpt-4.1-mini"]
    assert span.attributes is not None and span.attributes["error.type"] == "GeneratorExit"
    labels = {"provider": "openai", "model": "gpt-4.1-mini", "outcome": "cancelled"}
    assert metrics.registry.get_sample_value("resolve_model_calls_total", labels) == 1


async def test_the_node_spans_of_a_turn_share_the_turn_span_as_parent(
    metrics: Metrics, tracer: Tracer, exporter: InMemorySpanExporter
) -> None:
    async def understand(state: ConversationState, deps: Deps) -> dict[str, Any]:
        return {}

    async def decide(state: ConversationState, deps: Deps) -> dict[str, Any]:
        return {}

    deps = deps_with(metrics, tracer)
    with turn_span(tracer, conversation_id="conv-1"):
        await _bind(understand, deps)(state())
        await _bind(decide, deps)(state())

    spans = finished(exporter)
    turn = spans["invoke_agent resolution-agent"]
    assert turn.context is not None
    for name in ("agent.node understand", "agent.node decide"):
        parent = spans[name].parent
        assert parent is not None and parent.span_id == turn.context.span_id
