"""Logging in and out of the console: the only pages a visitor without a session may open.

The login form is itself CSRF-protected: opening it gives the browser a session without a
COp, whose token the form sends back. A wrong COp id or password is one answer (401, the
form again), whichever was wrong. Passwords are checked in a worker thread, at most
:data:`CONCURRENT_CHECKS` at a time: each scrypt check takes about half a second and
128 MiB, and a burst of login attempts must not take the event loop or the memory with it.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations, and
# ``Cop`` is local to login_routes.
import asyncio
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from resolution_agent.agent.console.context import Console, SignedIn, base_of
from resolution_agent.agent.console.forms import check_csrf, read_form
from resolution_agent.agent.console.sessions import COOKIE, Session
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.ids import check_id

log = structlog.get_logger("resolution_agent.agent.console")

CONCURRENT_CHECKS = 2
WRONG = "Wrong COp id or password."


def login_routes(console: Console) -> APIRouter:
    router = APIRouter()
    Cop = Annotated[SignedIn, Depends(console.signed_in)]
    checks = asyncio.Semaphore(CONCURRENT_CHECKS)

    @router.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request) -> Response:
        session = console.session_of(request)
        if session is not None and session.cop_id is not None:
            return RedirectResponse(f"{base_of(request)}/", status_code=303)
        session = session or console.login.sessions.new(None)
        page = console.page(request, "login.html.j2", session=session, error="")
        return remember(console, request, page, session)

    @router.post("/login", response_class=HTMLResponse)
    async def log_in(request: Request) -> Response:
        form = await read_form(request)
        before = console.session_of(request)
        check_csrf(form, before.csrf if before is not None else "")
        cop_id = form.get("cop_id", "").strip()
        password = form.get("password", "")
        async with checks:
            right = _well_formed(cop_id) and await asyncio.to_thread(
                console.login.passwords.check, cop_id, password
            )
        if not right:
            log.warning("console_login_refused")
            again = console.login.sessions.new(None)
            page = console.page(
                request, "login.html.j2", status_code=401, session=again, error=WRONG
            )
            return remember(console, request, page, again)
        log.info("console_login", cop_id=cop_id)
        session = console.login.sessions.new(cop_id)  # a new token: nothing from before carries
        to_queue = RedirectResponse(f"{base_of(request)}/", status_code=303)
        return remember(console, request, to_queue, session)

    @router.post("/logout")
    async def log_out(request: Request, cop: Cop) -> RedirectResponse:
        check_csrf(await read_form(request), cop.session.csrf)
        log.info("console_logout", cop_id=cop.cop_id)
        response = RedirectResponse(f"{base_of(request)}/login", status_code=303)
        response.delete_cookie(COOKIE, path=cookie_path(request), httponly=True, samesite="strict")
        return response

    return router


def _well_formed(cop_id: str) -> bool:
    try:
        check_id("COp id", cop_id)
    except InvalidRequestError:
        return False
    return True


def cookie_path(request: Request) -> str:
    """The cookie goes back only to the console's own pages, never the channel API beside it."""
    return base_of(request) or "/"


def remember(console: Console, request: Request, response: Response, session: Session) -> Response:
    """Set ``session``'s cookie on ``response``: HttpOnly, SameSite=Strict, expiring with it."""
    response.set_cookie(
        COOKIE,
        console.login.sessions.encode(session),
        max_age=console.login.sessions.ttl_s,
        path=cookie_path(request),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response
