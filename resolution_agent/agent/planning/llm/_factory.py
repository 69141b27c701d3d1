"""Pick the planner from the settings: an LLM planner, or offline when no key is set."""

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
from resolution_agent.agent.settings import Settings
from resolution_agent.tools.errors import ConfigurationError

log = structlog.get_logger("resolution_agent.agent.planning.llm")


def build_planner(
    settings: Settings,
    *,
    http_client: httpx2.AsyncClient | None = None,
    metrics: Metrics | None = None,
    tracer: Tracer | None = None,
) -> Planner:
    """The LLM planner for ``settings.planner_model()``; offline without a model or its key.

    A malformed spec raises ConfigurationError (start-up should stop). A missing key means
    offline, as the design says, with a warning in the log. To plan with other settings (an
    eval's ``--model``, a benchmark), pass ``settings.model_copy(update=...)``.
    """
    model = settings.planner_model()
    if model is None:
        return OfflinePlanner()
    primary = parse_model_spec(model)
    needed = missing_key(primary, settings)
    if needed is not None:
        log.warning("llm_disabled_no_api_key", model=str(primary), set=needed)
        return OfflinePlanner()
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
