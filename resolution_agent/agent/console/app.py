"""``create_console_app``: the console as a FastAPI app over an agent's case store.

Tests and embedders pass an agent they have already opened; ``resolve console`` passes an
unopened one with ``open_agent=True`` and the app's lifespan opens and closes it; ``resolve
serve`` mounts it at ``/console`` over the service's own agent. Every failure comes back as a
page a COp can act on (:mod:`agent.console.error_pages`: what happened, or plain advice with a
reference id, never a bare 500); a request without a session is sent to the login page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from starlette.middleware.base import RequestResponseEndpoint

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console.actions import action_routes
from resolution_agent.agent.console.context import (
    Console,
    ConsoleLogin,
    LoginRequired,
    base_of,
)
from resolution_agent.agent.console.error_pages import error_page
from resolution_agent.agent.console.forms import CrossSiteFormError, case_url
from resolution_agent.agent.console.login import login_routes
from resolution_agent.agent.console.pages import page_routes
from resolution_agent.agent.console.patterns import pattern_routes
from resolution_agent.agent.errors import ResolveError
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.templates import Templates

#: On every answer: never framed by another page (clickjacking a claim), never cached.
HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_console_app(
    agent: ResolutionAgent, login: ConsoleLogin, *, open_agent: bool = False
) -> FastAPI:
    """The console over ``agent``'s store, for COps who log in through ``login``.

    ``open_agent`` makes the app own the agent's life (its lifespan opens and closes it).
    """
    settings = agent.settings
    policies = load_policies(settings.policies_dir)
    console = Console(
        agent=agent,
        templates=Templates(settings.prompts_dir),
        skills=tuple(sorted({s for p in policies.intents.values() for s in p.skills})),
        login=login,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if open_agent:
            async with agent:
                yield
        else:
            yield

    app = FastAPI(
        title="Kestrel COps console",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.include_router(login_routes(console))
    app.include_router(page_routes(console))
    app.include_router(action_routes(console))
    app.include_router(pattern_routes(console))

    async def show_error(request: Request, exc: Exception) -> Response:
        failure = error_page(exc, method=request.method, path=request.url.path)
        conversation_id = request.path_params.get("conversation_id")
        base = base_of(request)
        back = (
            case_url(base, conversation_id) if request.method == "POST" and conversation_id else ""
        )
        return console.page(
            request,
            "error.html.j2",
            status_code=failure.status,
            title=failure.title,
            failure=failure,
            back=back,
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        try:
            response = await call_next(request)
        except Exception as exc:  # what no handler took (a database error, a bug): no bare 500
            response = await show_error(request, exc)
        response.headers.update(HEADERS)
        return response

    async def to_login(request: Request, _: Exception) -> Response:
        return RedirectResponse(f"{base_of(request)}/login", status_code=303)

    for error in (ResolveError, CrossSiteFormError):
        app.add_exception_handler(error, show_error)
    app.add_exception_handler(LoginRequired, to_login)
    return app
