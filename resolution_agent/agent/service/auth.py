"""Bearer-token authentication of the channels: each token names the channel that sent it."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from fastapi import Request
from pydantic import SecretStr

from resolution_agent.tools.errors import ResolveError


class UnauthorizedError(ResolveError):
    """No bearer token, or one no channel has; the service answers 401."""


class ChannelAuth:
    """Find the channel of a request's ``Authorization: Bearer <token>`` header."""

    def __init__(self, tokens: Mapping[str, SecretStr]) -> None:
        self._tokens = [(name, token.get_secret_value().encode()) for name, token in tokens.items()]

    def channel_of(self, authorization: str | None) -> str:
        """The channel whose token is in ``authorization``; raises :class:`UnauthorizedError`."""
        scheme, _, presented = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise UnauthorizedError("send the channel's token as 'Authorization: Bearer <token>'")
        candidate = presented.strip().encode()
        channel: str | None = None
        for name, token in self._tokens:  # every token compared, so timing says nothing
            if hmac.compare_digest(candidate, token):
                channel = name
        if channel is None:
            raise UnauthorizedError("the bearer token is not one of a configured channel")
        return channel

    async def __call__(self, request: Request) -> str:
        """A FastAPI dependency: the authenticated channel's name."""
        return self.channel_of(request.headers.get("authorization"))
