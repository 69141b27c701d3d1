"""``create_console_app``: the console as a FastAPI app over an agent's case store.

Tests and embedders pass an agent they have already opened; ``resolve console`` passes an
unopened one with ``open_agent=True`` and the app's lifespan opens and closes it; ``resolve
serve`` mounts it at ``/console`` over the service's own agent. Errors a COp can cause (a case
someone else holds, an unknown case, a blank field) come back as a page that says what
happened, with the matching status (409, 404, 400, 403); a request without a session is sent
to the login page.
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
from resolution_agent.agent.console.forms import CrossSiteFormError, case_url
from resolution_agent.agent.console.login import login_routes
from resolution_agent.agent.console.pages import page_routes
from resolution_agent.agent.errors import (
    CaseConflictError,
    InvalidRequestError,
    UnknownConversationError,
)
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.templates import Templates

# Exception class -> (HTTP status, the page's title).
ERRORS: dict[type[Exception], tuple[int, str]] = {
    UnknownConversationError: (404, "No such case"),
    CaseConflictError: (409, "This case cannot be changed by you now"),
    InvalidRequestError: (400, "That request is not valid"),
    CrossSiteFormError: (403, "Form refused"),
}
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

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    async def error_page(request: Request, exc: Exception) -> Response:
        status, title = next(v for k, v in ERRORS.items() if isinstance(exc, k))
        conversation_id = request.path_params.get("conversation_id")
        base = base_of(request)
        back = (
            case_url(base, conversation_id) if request.method == "POST" and conversation_id else ""
        )
        return console.page(
            request,
            "error.html.j2",
            status_code=status,
            status=status,
            title=title,
            message=str(exc),
            back=back,
        )

    async def to_login(request: Request, _: Exception) -> Response:
        return RedirectResponse(f"{base_of(request)}/login", status_code=303)

    for error in ERRORS:
        app.add_exception_handler(error, error_page)
    app.add_exception_handler(LoginRequired, to_login)
    return app
