"""Pick the planner from configuration: an LLM planner, or offline when no key is set."""

from __future__ import annotations

import httpx2
import structlog
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agent.models import (
    Model,
    ProviderKeys,
    RetryPolicy,
    build_model,
    missing_key,
    parse_model_spec,
)
from agent.planning.base import Planner
from agent.planning.llm._config import LLMPlannerConfig
from agent.planning.llm._planner import LLMPlanner
from agent.planning.offline import OfflinePlanner

log = structlog.get_logger("agent.planning.llm")


class LLMOptions(BaseModel):
    """Everything needed to build the planner; the API fills it from Settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = None
    fallback_model: str | None = None
    openai_api_key: SecretStr | None = None
    anthropic_api_key: SecretStr | None = None
    openai_compatible_api_key: SecretStr | None = None
    timeout_s: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = RetryPolicy()
    planner: LLMPlannerConfig = LLMPlannerConfig()

    def keys(self) -> ProviderKeys:
        return ProviderKeys(
            openai=self.openai_api_key,
            anthropic=self.anthropic_api_key,
            openai_compatible=self.openai_compatible_api_key,
        )


def build_planner(options: LLMOptions, *, http_client: httpx2.AsyncClient | None = None) -> Planner:
    """The LLM planner for ``options.model``; offline when no model or no key is configured.

    A malformed spec raises ConfigurationError (start-up should stop). A missing key means
    offline, as the design says, with a warning in the log.
    """
    if options.model is None:
        return OfflinePlanner()
    keys = options.keys()
    primary = parse_model_spec(options.model)
    needed = missing_key(primary, keys)
    if needed is not None:
        log.warning("llm_disabled_no_api_key", model=str(primary), set=needed)
        return OfflinePlanner()
    fallbacks: list[Model] = []
    if options.fallback_model is not None:
        secondary = parse_model_spec(options.fallback_model)
        needed = missing_key(secondary, keys)
        if needed is None:
            fallbacks.append(
                build_model(secondary, keys, timeout_s=options.timeout_s, http_client=http_client)
            )
        else:
            log.warning("llm_fallback_disabled_no_api_key", model=str(secondary), set=needed)
    return LLMPlanner(
        build_model(primary, keys, timeout_s=options.timeout_s, http_client=http_client),
        fallbacks=fallbacks,
        config=options.planner,
        retry=options.retry,
    )
