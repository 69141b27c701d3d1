"""The providers a model spec can name, and how each one's adapter is built.

This is the one place a provider is named: a new one is its adapter module, a case here, its
API key in :class:`agent.settings.Settings` (``<provider>_api_key``) and a test. The SDK
clients are built with their own retries off (``max_retries=0``): retries, backoff and
fallback are the planner's, so every attempt is visible and budgeted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, assert_never, get_args

import anthropic
import httpx2
import openai
from opentelemetry.trace import Tracer
from pydantic import SecretStr

from resolution_agent.agent.models._anthropic import AnthropicModel
from resolution_agent.agent.models._base import Model
from resolution_agent.agent.models._capped import capped_client
from resolution_agent.agent.models._openai import OpenAIChatModel
from resolution_agent.agent.observability.metrics import Metrics

if TYPE_CHECKING:
    from resolution_agent.agent.models._spec import ModelSpec

Provider = Literal["openai", "anthropic", "openai-compatible"]
PROVIDERS: tuple[Provider, ...] = get_args(Provider)

# OpenAI-compatible servers usually ignore the key, but the SDK insists on one.
_NO_KEY = "not-needed"


def needs_key(provider: Provider) -> bool:
    """Whether the provider refuses requests without an API key.

    OpenAI-compatible servers (vLLM, Ollama, llama.cpp) mostly run without one; a key is sent
    when set (vLLM ``--api-key``, gateways).
    """
    return provider != "openai-compatible"


def build_adapter(
    spec: ModelSpec,
    api_key: SecretStr | None,
    *,
    timeout: httpx2.Timeout,
    http_client: httpx2.AsyncClient | None,
    metrics: Metrics | None = None,
    tracer: Tracer | None = None,
) -> Model:
    """The adapter for ``spec`` on its provider's SDK client; the key was checked by the caller.

    Without an ``http_client``, the SDK reads through ours, whose answers are capped
    (:mod:`agent.models._capped`).
    """
    key = api_key.get_secret_value() if api_key is not None else _NO_KEY
    http_client = http_client or capped_client(timeout)
    match spec.provider:
        case "anthropic":
            return AnthropicModel(
                anthropic.AsyncAnthropic(
                    api_key=key, max_retries=0, timeout=timeout, http_client=http_client
                ),
                spec.model,
                metrics=metrics,
                tracer=tracer,
            )
        case "openai":
            return OpenAIChatModel(
                openai.AsyncOpenAI(
                    api_key=key, max_retries=0, timeout=timeout, http_client=http_client
                ),
                spec.model,
                metrics=metrics,
                tracer=tracer,
            )
        case "openai-compatible":
            return OpenAIChatModel(
                openai.AsyncOpenAI(
                    api_key=key,
                    base_url=spec.base_url,
                    max_retries=0,
                    timeout=timeout,
                    http_client=http_client,
                ),
                spec.model,
                provider="openai-compatible",
                name=str(spec),
                token_param="max_tokens",
                metrics=metrics,
                tracer=tracer,
            )
        case _:
            assert_never(spec.provider)
