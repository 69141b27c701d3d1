"""The chat-channel service (``resolve serve``): the agent over HTTP for chat channels.

Channels post messages (JSON, or server-sent events as the turn runs), read conversations and
poll their outbox; a worker pushes the outbox to a signed webhook. Bearer tokens per channel,
JSON errors, ``/healthz``, ``/readyz`` and ``/metrics`` for the platform.

The names load on first use (PEP 562): ``resolve --help`` imports this package to register
its command and must not pay for what the names pull in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resolution_agent.agent.service.app import create_app
    from resolution_agent.agent.service.delivery import WebhookWorker
    from resolution_agent.agent.service.settings import ServiceSettings

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "ServiceSettings": ("resolution_agent.agent.service.settings", "ServiceSettings"),
    "WebhookWorker": ("resolution_agent.agent.service.delivery", "WebhookWorker"),
    "create_app": ("resolution_agent.agent.service.app", "create_app"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = ["ServiceSettings", "WebhookWorker", "create_app"]
