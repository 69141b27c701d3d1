"""The Prometheus metrics: what each event counts, on a registry of the agent's own."""

from __future__ import annotations

from resolution_agent.agent import observability
from resolution_agent.agent.models import TokenUsage
from resolution_agent.agent.observability import CONTENT_TYPE, Metrics


def test_a_turn_counts_its_outcome_and_its_latency(metrics: Metrics) -> None:
    metrics.observe_turn("resolved", 0.4)
    metrics.observe_turn("handed_off", 2.5)
    metrics.observe_turn("resolved", 0.2)

    r = metrics.registry
    assert r.get_sample_value("resolve_turns_total", {"outcome": "resolved"}) == 2
    assert r.get_sample_value("resolve_turns_total", {"outcome": "handed_off"}) == 1
    assert r.get_sample_value("resolve_turn_seconds_count") == 3
    assert r.get_sample_value("resolve_turn_seconds_sum") == 3.1
    assert r.get_sample_value("resolve_turn_seconds_bucket", {"le": "0.5"}) == 2


def test_two_agents_keep_separate_registries() -> None:
    first, second = Metrics(), Metrics()

    first.observe_node("plan", 0.01)

    assert first.registry.get_sample_value("resolve_node_seconds_count", {"node": "plan"}) == 1
    assert second.registry.get_sample_value("resolve_node_seconds_count", {"node": "plan"}) is None


def test_an_action_guard_verdict_other_than_allow_is_a_block(metrics: Metrics) -> None:
    metrics.observe_audit("guard", "ID-LEVEL", {"verdict": "step_up", "tool": "freeze_card"})
    metrics.observe_audit("guard", "CONFIRM-NOT-ASKED", {"verdict": "block"})
    metrics.observe_audit("guard", "ALLOW", {"verdict": "allow", "tool": "list_cards"})

    r = metrics.registry
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "ID-LEVEL"}) == 1
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "CONFIRM-NOT-ASKED"}) == 1
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "ALLOW"}) is None


def test_a_reply_replaced_by_the_output_guard_is_a_block(metrics: Metrics) -> None:
    metrics.observe_audit("output", "OUT-CARD-NUMBER", {"action": "replaced"})
    metrics.observe_audit("output", "OUT-OK", {"action": "sent"})
    metrics.observe_audit("input", "IN-INJECTION", {"source": "customer"})

    r = metrics.registry
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "OUT-CARD-NUMBER"}) == 1
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "OUT-OK"}) is None
    assert r.get_sample_value("resolve_guard_blocks_total", {"rule_id": "IN-INJECTION"}) is None


def test_an_escalation_with_a_queue_is_a_handoff_and_closing_a_case_is_not(
    metrics: Metrics,
) -> None:
    metrics.observe_audit("escalation", "ESC-FRAUD", {"queue": "fraud", "priority": "urgent"})
    metrics.observe_audit("escalation", "CASE-CLOSED", {"cop": "cop_1"})

    labels = {"queue": "fraud", "priority": "urgent"}
    assert metrics.registry.get_sample_value("resolve_handoffs_total", labels) == 1
    assert "CASE-CLOSED" not in metrics.render().decode()


def test_a_model_call_counts_tokens_and_its_priced_cost() -> None:
    prices = {"openai:gpt-4.1-mini": (0.4, 1.6)}

    def price(spec: str, usage: TokenUsage) -> float | None:
        if spec not in prices:
            return None
        per_in, per_out = prices[spec]
        return (usage.input_tokens * per_in + usage.output_tokens * per_out) / 1_000_000

    metrics = Metrics(price=price)
    usage = TokenUsage(input_tokens=1_000_000, output_tokens=500_000)

    metrics.observe_model_call(
        spec="openai:gpt-4.1-mini",
        provider="openai",
        model="gpt-4.1-mini",
        outcome="ok",
        usage=usage,
    )
    metrics.observe_model_call(
        spec="anthropic:claude", provider="anthropic", model="claude", outcome="ok", usage=usage
    )

    r = metrics.registry
    openai = {"provider": "openai", "model": "gpt-4.1-mini"}
    assert r.get_sample_value("resolve_model_calls_total", {**openai, "outcome": "ok"}) == 1
    assert r.get_sample_value("resolve_model_tokens_total", {**openai, "direction": "input"}) == (
        1_000_000
    )
    assert r.get_sample_value("resolve_model_tokens_total", {**openai, "direction": "output"}) == (
        500_000
    )
    assert r.get_sample_value("resolve_model_cost_usd_total", openai) == 1.2
    unpriced = {"provider": "anthropic", "model": "claude"}
    assert r.get_sample_value("resolve_model_cost_usd_total", unpriced) is None


def test_a_failed_model_call_counts_no_tokens(metrics: Metrics) -> None:
    metrics.observe_model_call(
        spec="openai:gpt-4.1-mini", provider="openai", model="gpt-4.1-mini", outcome="rate_limited"
    )

    labels = {"provider": "openai", "model": "gpt-4.1-mini"}
    r = metrics.registry
    assert r.get_sample_value("resolve_model_calls_total", {**labels, "outcome": "rate_limited"})
    assert (
        r.get_sample_value("resolve_model_tokens_total", {**labels, "direction": "input"}) is None
    )


def test_render_is_the_prometheus_text_exposition(metrics: Metrics) -> None:
    metrics.count_bank_error("freeze_card", "timeout")

    text = metrics.render().decode()

    assert "# TYPE resolve_bank_errors_total counter" in text
    assert 'resolve_bank_errors_total{kind="timeout",tool="freeze_card"} 1.0' in text
    assert "# TYPE resolve_node_seconds histogram" in text
    assert CONTENT_TYPE.startswith("text/plain")


def test_the_public_names_of_the_observability_package_are_pinned() -> None:
    assert sorted(observability.__all__) == [
        "CONTENT_TYPE",
        "Metrics",
        "PriceFn",
        "TRACER_NAME",
        "build_tracer_provider",
        "no_tracer",
        "node_span",
        "tracer_from",
        "turn_span",
    ]
