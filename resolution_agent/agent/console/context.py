"""What every console route needs: the open agent, the templates, the skills and the login.

One frozen object handed to the route builders, so routes never reach for globals and a test
can build an app per test against its own store. :meth:`Console.signed_in` is the dependency
every route but the login page declares: the COp id a route acts as comes from it, never
from a form or a query string.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console.credentials import Passwords
from resolution_agent.agent.console.render import render
from resolution_agent.agent.console.sessions import COOKIE, Session, SessionCookies
from resolution_agent.agent.templates import Templates


@dataclass(frozen=True)
class ConsoleLogin:
    """How COps log in: where their passwords are checked, and how sessions are signed."""

    passwords: Passwords
    sessions: SessionCookies


@dataclass(frozen=True)
class SignedIn:
    """The COp a request comes from, and their session (whose CSRF token forms must send)."""

    cop_id: str
    session: Session


class LoginRequired(Exception):
    """No valid session (none, forged, expired); the console sends the browser to log in."""


@dataclass(frozen=True)
class Console:
    agent: ResolutionAgent
    templates: Templates
    skills: tuple[str, ...]
    login: ConsoleLogin

    def now(self) -> datetime:
        """The agent's "now" (a fixed clock in tests), so "overdue" matches the SLA it set."""
        return self.agent.settings.clock or datetime.now(UTC)

    def session_of(self, request: Request) -> Session | None:
        return self.login.sessions.decode(request.cookies.get(COOKIE))

    async def signed_in(self, request: Request) -> SignedIn:
        """A FastAPI dependency: the logged-in COp, or :class:`LoginRequired`."""
        session = self.session_of(request)
        if session is None or session.cop_id is None:
            raise LoginRequired
        return SignedIn(cop_id=session.cop_id, session=session)

    def page(
        self,
        request: Request,
        name: str,
        *,
        status_code: int = 200,
        session: Session | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """Page ``name`` with what every page's header needs: the base URL, who, the token."""
        session = session if session is not None else self.session_of(request)
        html = render(
            self.templates,
            f"console/{name}",
            base=base_of(request),
            cop_id=(session.cop_id or "") if session else "",
            csrf_token=session.csrf if session else "",
            **context,
        )
        return HTMLResponse(html, status_code=status_code)


def base_of(request: Request) -> str:
    """Where the console is mounted (``/console`` in ``resolve serve``, empty standalone)."""
    return str(request.scope.get("root_path", "")).rstrip("/")
