"""Pick the planner from the settings: an LLM planner, or offline when no model is asked for.

A model that was asked for (``RESOLVE_MODEL``) without its API key stops start-up with one
line naming the key; it never quietly becomes the offline planner, whose replies would then be
read as the model's. ``RESOLVE_MODEL=offline`` asks for the offline planner on purpose. With
``RESOLVE_MODEL`` unset, the default model is used only when its provider's key is set.
"""

from __future__ import annotations

import httpx2
import structlog
from opentelemetry.trace import Tracer

from resolution_agent.agent.models import (
    Model,
    ModelRetryPolicy,
    build_model,
    missing_key,
    parse_model_spec,
)
from resolution_agent.agent.observability import Metrics
from resolution_agent.agent.planning.base import Planner
from resolution_agent.agent.planning.llm._config import LLMPlannerConfig
from resolution_agent.agent.planning.llm._planner import LLMPlanner
from resolution_agent.agent.planning.offline import OfflinePlanner
from resolution_agent.agent.settings import SIMULATED_MODEL, Settings
from resolution_agent.tools.errors import ConfigurationError

log = structlog.get_logger("resolution_agent.agent.planning.llm")


def build_planner(
    settings: Settings,
    *,
    http_client: httpx2.AsyncClient | None = None,
    metrics: Metrics | None = None,
    tracer: Tracer | None = None,
) -> Planner:
    """The LLM planner for ``settings.planner_model()``; offline when no model is asked for.

    A malformed spec or a missing key raises ConfigurationError (start-up should stop; see
    :func:`check_planner_key`). A fallback model without its key is left out, with a warning:
    the primary still answers. To plan with other settings (an eval's ``--model``, a
    benchmark), pass ``settings.model_copy(update=...)``.
    """
    model = settings.planner_model()
    if model is None:
        return OfflinePlanner()
    if model.strip().lower() == SIMULATED_MODEL:
        # The offline engine answering as a model, with a model's latency: capacity planning
        # of `resolve serve` with no network (benchmarks/service_scaling.py). Imported here
        # because planning.simulated builds on this package's planner.
        from resolution_agent.agent.planning.simulated import SimulatedPlanner

        return SimulatedPlanner(
            LLMPlannerConfig.from_settings(settings), latency_s=settings.simulated_latency_s
        )
    primary = parse_model_spec(model)
    check_planner_key(settings)
    timeout_s = settings.model_timeout_s
    fallbacks: list[Model] = []
    if settings.fallback_model is not None:
        secondary = parse_model_spec(settings.fallback_model)
        needed = missing_key(secondary, settings)
        if needed is None:
            fallbacks.append(
                build_model(
                    secondary,
                    settings,
                    timeout_s=timeout_s,
                    http_client=http_client,
                    metrics=metrics,
                    tracer=tracer,
                )
            )
        else:
            log.warning("llm_fallback_disabled_no_api_key", model=str(secondary), set=needed)
    return LLMPlanner(
        build_model(
            primary,
            settings,
            timeout_s=timeout_s,
            http_client=http_client,
            metrics=metrics,
            tracer=tracer,
        ),
        fallbacks=fallbacks,
        config=LLMPlannerConfig.from_settings(settings),
        retry=ModelRetryPolicy(
            attempts=settings.model_attempts, deadline_s=settings.model_deadline_s
        ),
    )


def check_planner_key(settings: Settings, *, offline: str = "RESOLVE_MODEL=offline") -> None:
    """Raise ConfigurationError when the planner's model needs an API key that is not set.

    ``offline`` is how the caller's user asks for the offline planner on purpose (an eval's
    ``--model offline``). Called by :func:`build_planner`, and early by start-up and the suite
    commands, so nobody waits for indexes to build to learn of it.
    """
    needed = planner_key_missing(settings)
    if needed is not None:
        raise ConfigurationError(
            f"model {settings.planner_model()} needs an API key: set {needed}, "
            f"or set {offline} to run offline on purpose"
        )


def planner_key_missing(settings: Settings) -> str | None:
    """The key setting the planner's model needs and lacks, else None.

    For command lines that must not quietly fall back to the offline planner when a model was
    asked for. A malformed spec is not reported here: :func:`build_planner` stops on it.
    """
    model = settings.planner_model()
    if model is None:
        return None
    try:
        spec = parse_model_spec(model)
    except ConfigurationError:
        return None
    return missing_key(spec, settings)
