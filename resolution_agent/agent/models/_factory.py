"""Build a model from its spec string, with the API key its provider needs.

Keys come from an :class:`ApiKeys` source, in practice :class:`agent.settings.Settings`
(``Settings.api_key_for``), so a key is looked up in one place and named in errors by the
setting that holds it.
"""

from __future__ import annotations

from typing import Protocol

import httpx2
from opentelemetry.trace import Tracer
from pydantic import SecretStr

from resolution_agent.agent.models._base import Model
from resolution_agent.agent.models._providers import Provider, build_adapter, needs_key
from resolution_agent.agent.models._spec import ModelSpec, parse_model_spec
from resolution_agent.agent.observability.metrics import Metrics
from resolution_agent.tools.errors import ConfigurationError


class ApiKeys(Protocol):
    """Where provider API keys come from; :class:`agent.settings.Settings` is one."""

    def api_key_for(self, provider: Provider) -> SecretStr | None:
        """The provider's key, or None when it is not set."""
        ...

    def api_key_setting(self, provider: Provider) -> str:
        """What to set for the provider's key, for error messages."""
        ...


def missing_key(spec: ModelSpec, keys: ApiKeys) -> str | None:
    """The setting to set when ``spec`` needs a key that is not there, else None."""
    if needs_key(spec.provider) and keys.api_key_for(spec.provider) is None:
        return keys.api_key_setting(spec.provider)
    return None


def build_model(
    spec: ModelSpec | str,
    keys: ApiKeys,
    *,
    timeout_s: float = 30.0,
    http_client: httpx2.AsyncClient | None = None,
    metrics: Metrics | None = None,
    tracer: Tracer | None = None,
) -> Model:
    """The adapter for ``spec``. Raises ConfigurationError for a bad spec or a missing key.

    ``metrics`` and ``tracer`` observe every call (default: a private registry, no tracing).
    """
    parsed = parse_model_spec(spec) if isinstance(spec, str) else spec
    needed = missing_key(parsed, keys)
    if needed is not None:
        raise ConfigurationError(f"model {parsed} needs an API key: set {needed}")
    return build_adapter(
        parsed,
        keys.api_key_for(parsed.provider),
        timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
        http_client=http_client,
        metrics=metrics,
        tracer=tracer,
    )
