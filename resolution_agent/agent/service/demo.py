"""The demo customer chat, ``GET /demo/chat``: the customer's side of a channel, in a browser.

A page of HTML and a little JavaScript (``prompts/demo/chat.html.j2``) that posts the
customer's messages to ``/v1/messages`` as the ``demo-chat`` channel and polls the
conversation's outbox, so a COp's reply from the console appears without a reload. The
channel's token is made per process and written into the page: anyone who can open the page
holds it, which is why the page is only ever served on a loopback address.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import SecretStr

from resolution_agent.agent.console.settings import is_loopback
from resolution_agent.agent.service.settings import ServiceSettings
from resolution_agent.agent.templates import Templates
from resolution_agent.tools.errors import ConfigurationError

DEMO_CHANNEL = "demo-chat"
DEMO_CUSTOMER = "cus_1001"
POLL_MS = 1000


def demo_chat_token(service: ServiceSettings) -> SecretStr | None:
    """A fresh token for the demo channel when the demo chat is on, else None."""
    loopback = is_loopback(service.host)
    if not (service.demo_chat if service.demo_chat is not None else loopback):
        return None
    if not loopback:
        raise ConfigurationError(
            f"RESOLVE_SERVICE_DEMO_CHAT is on but the service listens on {service.host}: the "
            "demo chat gives its channel token to any browser, so it is served on a loopback "
            "host only; unset RESOLVE_SERVICE_DEMO_CHAT"
        )
    if DEMO_CHANNEL in service.channel_tokens:
        raise ConfigurationError(
            f"RESOLVE_SERVICE_CHANNEL_TOKENS names a channel {DEMO_CHANNEL!r}, the demo chat's; "
            "rename it or set RESOLVE_SERVICE_DEMO_CHAT=false"
        )
    return SecretStr(secrets.token_urlsafe(24))


def demo_routes(templates: Templates, token: SecretStr) -> APIRouter:
    router = APIRouter()

    @router.get("/demo/chat", response_class=HTMLResponse, include_in_schema=False)
    async def demo_chat(request: Request) -> HTMLResponse:
        """The chat page, for a new conversation each time it is opened."""
        html = templates.render(
            "demo/chat.html.j2",
            token=token.get_secret_value(),
            base=str(request.scope.get("root_path", "")).rstrip("/"),
            customer_id=DEMO_CUSTOMER,
            poll_ms=POLL_MS,
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    return router
