"""Prometheus metrics of the service, on a registry the agent owns (no process-wide global).

One :class:`Metrics` per agent; tests create their own and read it back with
``metrics.registry.get_sample_value(...)``. A ``/metrics`` endpoint serves :meth:`Metrics.render`.
Label values come from closed vocabularies (statuses, rule ids, queues, tool names, failure
kinds, providers, configured models), never from what a customer wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

if TYPE_CHECKING:
    from resolution_agent.agent.models import TokenUsage

PriceFn = Callable[[str, "TokenUsage"], "float | None"]
"""USD for one call's tokens by model spec, or None when unpriced (``PriceTable.cost``)."""

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Seconds: graph nodes run from under a millisecond (routing) to tens of seconds (a model call
# with retries), a whole turn up to a minute.
_NODE_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_TURN_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)


class Metrics:
    """The service's counters and histograms, registered on ``registry`` (a fresh one if None).

    ``price`` turns a model call's tokens into USD (pass ``PriceTable(settings.llm_prices).cost``);
    without it, or for an unpriced model, no cost is counted.
    """

    def __init__(
        self, registry: CollectorRegistry | None = None, *, price: PriceFn | None = None
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._price = price
        r = self.registry
        self.turns = Counter(
            "resolve_turns",
            "Customer messages handled, by status after the turn.",
            ["outcome"],
            registry=r,
        )
        self.turn_seconds = Histogram(
            "resolve_turn_seconds",
            "Time to answer one customer message.",
            buckets=_TURN_BUCKETS,
            registry=r,
        )
        self.node_seconds = Histogram(
            "resolve_node_seconds",
            "Time spent in one graph node.",
            ["node"],
            buckets=_NODE_BUCKETS,
            registry=r,
        )
        self.guard_blocks = Counter(
            "resolve_guard_blocks",
            "Proposed actions or replies a guard did not let through.",
            ["rule_id"],
            registry=r,
        )
        self.handoffs = Counter(
            "resolve_handoffs",
            "Conversations handed to a human, by queue and priority.",
            ["queue", "priority"],
            registry=r,
        )
        self.bank_errors = Counter(
            "resolve_bank_errors",
            "Bank calls that failed (after any retries), by failure kind.",
            ["tool", "kind"],
            registry=r,
        )
        self.model_calls = Counter(
            "resolve_model_calls",
            "Model calls (each attempt), by outcome.",
            ["provider", "model", "outcome"],
            registry=r,
        )
        self.model_tokens = Counter(
            "resolve_model_tokens",
            "Tokens of successful model calls, input or output.",
            ["provider", "model", "direction"],
            registry=r,
        )
        self.model_cost_usd = Counter(
            "resolve_model_cost_usd",
            "Cost of model calls in USD, from the configured prices.",
            ["provider", "model"],
            registry=r,
        )

    def observe_turn(self, outcome: str, seconds: float) -> None:
        """One customer message handled: ``outcome`` is the conversation status afterwards."""
        self.turns.labels(outcome=outcome).inc()
        self.turn_seconds.observe(seconds)

    def observe_node(self, node: str, seconds: float) -> None:
        self.node_seconds.labels(node=node).observe(seconds)

    def count_guard_block(self, rule_id: str) -> None:
        self.guard_blocks.labels(rule_id=rule_id).inc()

    def count_handoff(self, queue: str, priority: str) -> None:
        self.handoffs.labels(queue=queue, priority=priority).inc()

    def count_bank_error(self, tool: str, kind: str) -> None:
        self.bank_errors.labels(tool=tool, kind=kind).inc()

    def observe_model_call(
        self,
        *,
        spec: str,
        provider: str,
        model: str,
        outcome: str,
        usage: TokenUsage | None = None,
    ) -> None:
        """One model call (one attempt); ``usage`` when it answered. ``spec`` keys the price."""
        self.model_calls.labels(provider=provider, model=model, outcome=outcome).inc()
        if usage is None:
            return
        tokens = self.model_tokens
        tokens.labels(provider=provider, model=model, direction="input").inc(usage.input_tokens)
        tokens.labels(provider=provider, model=model, direction="output").inc(usage.output_tokens)
        cost = self._price(spec, usage) if self._price is not None else None
        if cost is not None:
            self.model_cost_usd.labels(provider=provider, model=model).inc(cost)

    def observe_audit(self, kind: str, rule_id: str, detail: Mapping[str, object]) -> None:
        """Count what an audit event says happened: a guard block or a hand-off.

        A block is an action-guard verdict other than ``allow``, or a reply the output guard
        replaced; a hand-off is an escalation with a queue (closing a case has none).
        """
        blocked = (kind == "guard" and detail.get("verdict", "allow") != "allow") or (
            kind == "output" and detail.get("action") == "replaced"
        )
        if blocked:
            self.count_guard_block(rule_id)
        elif kind == "escalation" and "queue" in detail:
            self.count_handoff(str(detail["queue"]), str(detail.get("priority", "")))

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric (serve with :data:`CONTENT_TYPE`)."""
        return generate_latest(self.registry)
