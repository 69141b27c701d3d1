"""Build a model from its spec string, on the official SDK client, with SDK retries off."""

from __future__ import annotations

import anthropic
import httpx2
import openai
from pydantic import BaseModel, ConfigDict, SecretStr

from agent.models._anthropic import AnthropicModel
from agent.models._base import Model
from agent.models._openai import OpenAIChatModel
from agent.models._spec import ModelSpec, parse_model_spec
from tools.errors import ConfigurationError

# OpenAI-compatible servers usually ignore the key, but the SDK insists on one.
_NO_KEY = "not-needed"


class ProviderKeys(BaseModel):
    """API keys by provider; ``openai_compatible`` is optional (vLLM --api-key, gateways)."""

    model_config = ConfigDict(frozen=True)

    openai: SecretStr | None = None
    anthropic: SecretStr | None = None
    openai_compatible: SecretStr | None = None


def missing_key(spec: ModelSpec, keys: ProviderKeys) -> str | None:
    """The settings to set when ``spec`` needs a key that is not there, else None."""
    if spec.provider == "openai" and keys.openai is None:
        return "OPENAI_API_KEY (or RESOLVE_OPENAI_API_KEY)"
    if spec.provider == "anthropic" and keys.anthropic is None:
        return "ANTHROPIC_API_KEY (or RESOLVE_ANTHROPIC_API_KEY)"
    return None


def build_model(
    spec: ModelSpec | str,
    keys: ProviderKeys,
    *,
    timeout_s: float = 30.0,
    http_client: httpx2.AsyncClient | None = None,
) -> Model:
    """The adapter for ``spec``. Raises ConfigurationError for a bad spec or a missing key."""
    parsed = parse_model_spec(spec) if isinstance(spec, str) else spec
    needed = missing_key(parsed, keys)
    if needed is not None:
        raise ConfigurationError(f"model {parsed} needs an API key: set {needed}")
    timeout = httpx2.Timeout(timeout_s, connect=min(timeout_s, 5.0))
    if parsed.provider == "anthropic":
        assert keys.anthropic is not None
        return AnthropicModel(
            anthropic.AsyncAnthropic(
                api_key=keys.anthropic.get_secret_value(),
                max_retries=0,
                timeout=timeout,
                http_client=http_client,
            ),
            parsed.model,
        )
    if parsed.provider == "openai":
        assert keys.openai is not None
        return OpenAIChatModel(
            openai.AsyncOpenAI(
                api_key=keys.openai.get_secret_value(),
                max_retries=0,
                timeout=timeout,
                http_client=http_client,
            ),
            parsed.model,
        )
    key = keys.openai_compatible
    return OpenAIChatModel(
        openai.AsyncOpenAI(
            api_key=key.get_secret_value() if key else _NO_KEY,
            base_url=parsed.base_url,
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        ),
        parsed.model,
        provider="openai-compatible",
        name=str(parsed),
        token_param="max_tokens",
    )
