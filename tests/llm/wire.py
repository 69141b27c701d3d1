"""Serve recorded provider responses to the real SDK clients through respx.

The official SDKs (openai 3.x, anthropic 2.x) send their requests with ``httpx2``, while respx
mocks ``httpx``; :func:`respx_client` bridges the two: an ``httpx2.AsyncClient`` whose
transport turns each request into an ``httpx.Request``, lets the respx router answer it, and
turns the answer back. Everything the SDK does above the transport (serialising the request,
status handling, SSE decoding, parsing into its types) runs for real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import httpx2
import respx
from pydantic import SecretStr

from resolution_agent.agent.models import Model, build_model
from resolution_agent.agent.settings import Settings

RECORDINGS = Path(__file__).parent / "recordings"
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
KEYS = Settings(
    openai_api_key=SecretStr("sk-test"),
    anthropic_api_key=SecretStr("sk-ant-test"),
    openai_compatible_api_key=SecretStr("local-test"),
)


def respx_client(router: respx.Router) -> httpx2.AsyncClient:
    async def handle(request: httpx2.Request) -> httpx2.Response:
        legacy = httpx.Request(
            request.method,
            str(request.url),
            headers=request.headers.multi_items(),
            content=await request.aread(),
        )
        answer = await router.async_handler(legacy)
        body = await answer.aread()
        return httpx2.Response(
            answer.status_code, headers=answer.headers.multi_items(), content=body
        )

    return httpx2.AsyncClient(transport=httpx2.MockTransport(handle))


def model_on(spec: str, router: respx.Router) -> Model:
    """The real adapter for ``spec`` on the real SDK client, answered by ``router``."""
    return build_model(spec, KEYS, timeout_s=5.0, http_client=respx_client(router))


def recorded(name: str) -> Any:
    """A recorded JSON response body, e.g. ``openai/tool_call.json``."""
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


def sse(name: str, status: int = 200) -> httpx.Response:
    """A recorded server-sent-events body, served as the provider serves it."""
    return httpx.Response(
        status,
        headers={"content-type": "text/event-stream"},
        content=(RECORDINGS / name).read_bytes(),
    )


def body(request: httpx.Request) -> Any:
    """The JSON body the SDK sent."""
    return json.loads(request.content)
