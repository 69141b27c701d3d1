"""Model spec strings: ``openai:gpt-4.1-mini``, ``anthropic:claude-sonnet-4-6``,
``openai-compatible:MODEL@URL`` (vLLM, Ollama, llama.cpp ...), parsed with clear errors."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.models._providers import PROVIDERS, Provider
from resolution_agent.tools.errors import ConfigurationError

_EXAMPLES = (
    "openai:gpt-4.1-mini, anthropic:claude-sonnet-4-6 or "
    "openai-compatible:MODEL@http://localhost:8000/v1"
)


class ModelSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Provider
    model: str
    base_url: str | None = None

    def __str__(self) -> str:
        suffix = f"@{self.base_url}" if self.base_url else ""
        return f"{self.provider}:{self.model}{suffix}"


def parse_model_spec(text: str) -> ModelSpec:
    """Parse ``provider:model`` (or ``openai-compatible:model@url``); raises ConfigurationError."""
    raw = text.strip()
    provider, sep, rest = raw.partition(":")
    if not sep:
        raise ConfigurationError(
            f"model spec {text!r} names no provider; write provider:model, e.g. {_EXAMPLES}"
        )
    if provider not in PROVIDERS:
        raise ConfigurationError(
            f"model spec {text!r}: unknown provider {provider!r}; "
            f"known providers: {', '.join(PROVIDERS)}"
        )
    if provider != "openai-compatible":
        if not rest.strip() or rest != rest.strip():
            raise ConfigurationError(
                f"model spec {text!r} names no model after {provider + ':'!r}, e.g. {_EXAMPLES}"
            )
        if "@" in rest:
            raise ConfigurationError(
                f"model spec {text!r}: a base URL is only for openai-compatible servers; "
                f"write openai-compatible:{rest}"
            )
        return ModelSpec(provider=cast(Provider, provider), model=rest)
    model, at, url = rest.rpartition("@")
    if not at or not model.strip():
        raise ConfigurationError(
            f"model spec {text!r}: an openai-compatible model needs MODEL@URL, "
            "e.g. openai-compatible:llama3.1:8b@http://localhost:11434/v1"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"model spec {text!r}: {url!r} is not an http(s) URL with a host, "
            "e.g. http://localhost:8000/v1"
        )
    return ModelSpec(provider="openai-compatible", model=model, base_url=url.rstrip("/"))
