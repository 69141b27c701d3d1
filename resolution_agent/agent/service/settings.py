"""``ServiceSettings``: what ``resolve serve`` needs beside the agent's own :class:`Settings`.

Read from ``RESOLVE_SERVICE_*`` environment variables (and ``.env``), so the agent's settings
stay the same whether it runs in a service, the console or the evals.
``RESOLVE_SERVICE_CHANNEL_TOKENS`` is JSON: ``{"app": "<token>", "web": "<token>"}``.
The COps console mounted at ``/console`` has its own ``RESOLVE_CONSOLE_*`` settings
(:class:`agent.console.settings.ConsoleSettings`).
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.ids import check_id


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RESOLVE_SERVICE_", env_file=".env", extra="ignore", frozen=True
    )

    channel_tokens: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="Channel name -> bearer token; the name is the channel the agent records.",
    )
    webhook_url: str | None = Field(
        default=None, description="Where outbound payloads are POSTed; unset: channels poll."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Key of the HMAC-SHA256 signature of each webhook body."
    )
    webhook_max_attempts: int = Field(default=8, ge=1, le=100)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8790, ge=1, le=65535)
    console: bool = Field(
        default=True, description="Serve the COps console at /console (COps log in)."
    )
    demo_chat: bool | None = Field(
        default=None,
        description="Serve the demo customer chat at /demo/chat; unset: only on a loopback "
        "host (it hands its channel token to any browser, so never elsewhere).",
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        for channel in self.channel_tokens:
            try:
                check_id("channel name", channel)
            except InvalidRequestError as exc:
                raise ValueError(str(exc)) from None
        if any(not t.get_secret_value() for t in self.channel_tokens.values()):
            raise ValueError("RESOLVE_SERVICE_CHANNEL_TOKENS has an empty token")
        if self.webhook_url is not None and not self.webhook_secret:
            raise ValueError(
                "RESOLVE_SERVICE_WEBHOOK_URL is set without RESOLVE_SERVICE_WEBHOOK_SECRET; "
                "channels need the secret to check each delivery's signature"
            )
        return self
