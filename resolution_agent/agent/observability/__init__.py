"""The operations layer: Prometheus metrics and OpenTelemetry traces of the agent.

One :class:`Metrics` (on its own registry) and one tracer per agent, passed to the graph's
dependencies, the bank client and the model adapters; both default to recording into a private
registry and the no-op tracer, so nothing is exported unless the agent is wired for it.
"""

from resolution_agent.agent.observability.metrics import CONTENT_TYPE, Metrics, PriceFn
from resolution_agent.agent.observability.tracing import (
    TRACER_NAME,
    build_tracer_provider,
    no_tracer,
    node_span,
    tracer_from,
    turn_span,
)

__all__ = [
    "CONTENT_TYPE",
    "TRACER_NAME",
    "Metrics",
    "PriceFn",
    "build_tracer_provider",
    "no_tracer",
    "node_span",
    "tracer_from",
    "turn_span",
]
