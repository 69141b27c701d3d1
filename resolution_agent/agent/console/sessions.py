"""Console sessions: a signed cookie that says which COp is logged in, until when.

The cookie holds ``{cop_id, csrf, expires_at}`` as base64 JSON and an HMAC-SHA256 of it under
the session secret, so the server keeps no session table and a COp's id can only come from a
login. A visitor who has not logged in yet gets a session without a COp (only a CSRF token,
for the login form); logging in replaces it with a new one, token and all, so a session
planted before the login is worth nothing after it. The cookie is HttpOnly and
SameSite=Strict: scripts cannot read it and no other site's page can make a browser send it.

A session is not revoked on the server: logout deletes the cookie, and a copied cookie stops
working at ``expires_at`` (``RESOLVE_CONSOLE_SESSION_TTL_S``, a shift by default).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

COOKIE = "resolve_console_session"
_CONTEXT = b"resolve-console-session-v1:"  # a signature made for something else never fits


class Session(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cop_id: str | None = Field(description="The logged-in COp; None before the login.")
    csrf: str = Field(min_length=16, description="Sent back in every form the session posts.")
    expires_at: int = Field(description="Unix time after which the cookie is refused.")


class SessionCookies:
    """Make, sign and read back sessions; ``clock`` is Unix time (tests move it on)."""

    def __init__(
        self, secret: bytes, *, ttl_s: int, clock: Callable[[], float] = time.time
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the session secret needs at least 32 bytes")
        self._secret = secret
        self.ttl_s = ttl_s
        self._clock = clock

    def new(self, cop_id: str | None) -> Session:
        return Session(
            cop_id=cop_id,
            csrf=secrets.token_urlsafe(24),
            expires_at=int(self._clock()) + self.ttl_s,
        )

    def encode(self, session: Session) -> str:
        payload = base64.urlsafe_b64encode(session.model_dump_json().encode()).decode()
        return f"{payload}.{self._sign(payload)}"

    def decode(self, value: str | None) -> Session | None:
        """The session in a cookie value; None when missing, forged, malformed or expired."""
        payload, dot, signature = (value or "").partition(".")
        if not dot or not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            return None
        try:
            session = Session.model_validate_json(base64.urlsafe_b64decode(payload))
        except (ValidationError, binascii.Error, ValueError):
            return None
        return session if session.expires_at > self._clock() else None

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, _CONTEXT + payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
