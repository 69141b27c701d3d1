"""``create_app``: the chat-channel service (``resolve serve``) as a FastAPI app.

Channels authenticate with a bearer token (the token's name is the channel the agent records
with each message id), post customers' messages and read conversations and their outbox;
the outbox is also pushed to a webhook when one is configured. Every error is JSON,
``{"error": {"code", "message"}}``, with a status chosen from the exception's type: an error
of ours is never a 500.

Tests and embedders pass an agent they have already opened; without one, the app's lifespan
opens an agent on ``settings`` and closes it on shutdown. Given a ``console`` login, the COps
console is mounted at ``/console`` over the same agent: COps log in there with a session
cookie, which the channel routes ignore, as the console ignores bearer tokens. On a loopback
host a demo customer chat is served at ``/demo/chat`` (:mod:`agent.service.demo`).
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations, and
# ``Channel`` is local to create_app.
import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

import httpx
import structlog
from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from resolution_agent.agent.api import Reply, ResolutionAgent
from resolution_agent.agent.console import ConsoleLogin, create_console_app
from resolution_agent.agent.errors import (
    AgentClosedError,
    BankError,
    CaseConflictError,
    ConversationOwnershipError,
    InvalidRequestError,
    ResolveError,
    UnknownConversationError,
    UnknownCustomerError,
)
from resolution_agent.agent.ids import check_id
from resolution_agent.agent.observability import CONTENT_TYPE
from resolution_agent.agent.planning.llm import AgentEvent
from resolution_agent.agent.service.auth import ChannelAuth, UnauthorizedError
from resolution_agent.agent.service.delivery import WebhookWorker
from resolution_agent.agent.service.demo import DEMO_CHANNEL, demo_chat_token, demo_routes
from resolution_agent.agent.service.models import (
    ConversationOut,
    ErrorBody,
    MessageIn,
    OutboxItem,
    OutboxPage,
)
from resolution_agent.agent.service.settings import ServiceSettings
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.storage import UnknownRecordError
from resolution_agent.agent.storage.retention import prune_periodically
from resolution_agent.agent.templates import Templates

log = structlog.get_logger("resolution_agent.agent.service")

#: Exception class -> (HTTP status, error code); the first match wins, so subclasses go first.
ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (UnauthorizedError, 401, "unauthorized"),
    (InvalidRequestError, 400, "invalid_request"),
    (ConversationOwnershipError, 403, "forbidden"),
    (UnknownConversationError, 404, "not_found"),
    (UnknownCustomerError, 404, "unknown_customer"),
    (UnknownRecordError, 404, "not_found"),
    (CaseConflictError, 409, "conflict"),
    (AgentClosedError, 503, "unavailable"),
    (BankError, 503, "bank_unavailable"),
    (ResolveError, 503, "unavailable"),
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OUTBOX_PAGE = 100


def error_response(status: int, code: str, message: str) -> JSONResponse:
    body = ErrorBody.model_validate({"error": {"code": code, "message": message}})
    return JSONResponse(body.model_dump(), status_code=status)


def status_of(exc: Exception) -> tuple[int, str]:
    """The HTTP status and error code of one of our exceptions."""
    return next(((s, c) for kind, s, c in ERRORS if isinstance(exc, kind)), (503, "unavailable"))


def create_app(
    settings: Settings,
    *,
    agent: ResolutionAgent | None = None,
    service: ServiceSettings | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    console: ConsoleLogin | None = None,
) -> FastAPI:
    """The service over ``agent`` (opened by the app's lifespan when None).

    ``service`` defaults to the ``RESOLVE_SERVICE_*`` environment; ``webhook_transport``
    replaces the network under the webhook client (tests); ``console`` mounts the COps
    console at ``/console`` (``resolve serve`` builds it from ``RESOLVE_CONSOLE_*``).
    """
    service = service if service is not None else ServiceSettings()
    owns_agent = agent is None
    the_agent = agent if agent is not None else ResolutionAgent(settings)
    demo_token = demo_chat_token(service)
    demo_channel = {DEMO_CHANNEL: demo_token} if demo_token is not None else {}
    auth = ChannelAuth({**service.channel_tokens, **demo_channel})
    Channel = Annotated[str, Depends(auth)]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if owns_agent:
                await stack.enter_async_context(the_agent)
            if service.webhook_url is not None and service.webhook_secret is not None:
                client = await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=webhook_transport, timeout=service.webhook_timeout_s
                    )
                )
                worker = WebhookWorker(
                    the_agent.deliveries,
                    client,
                    url=service.webhook_url,
                    secret=service.webhook_secret.get_secret_value().encode(),
                    max_attempts=service.webhook_max_attempts,
                )
                task = asyncio.create_task(worker.run(), name="webhook-worker")
                stack.callback(task.cancel)
                log.info("webhook_worker_started")
            interval = the_agent.settings.checkpoint_prune_interval_s
            if interval > 0:  # superseded checkpoints, and conversations past their retention
                pruner = asyncio.create_task(
                    prune_periodically(the_agent.prune_checkpoints, interval_s=interval),
                    name="checkpoint-pruner",
                )
                stack.callback(pruner.cancel)
            yield

    app = FastAPI(
        title="Kestrel resolution service",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )

    @app.post("/v1/messages", response_model=Reply)
    async def post_message(message: MessageIn, channel: Channel) -> Reply:
        """Handle a customer's message; the same ``message_id`` again returns the same reply."""
        return await the_agent.handle_message(
            message.conversation_id,
            message.customer_id,
            message.text,
            message.identity,
            message_id=message.message_id,
            channel=channel,
        )

    @app.post("/v1/messages/stream", response_class=StreamingResponse)
    async def stream_message(message: MessageIn, channel: Channel) -> StreamingResponse:
        """The same turn as server-sent events: the agent's events, then ``event: reply``."""
        items = the_agent.stream(
            message.conversation_id,
            message.customer_id,
            message.text,
            message.identity,
            message_id=message.message_id,
            channel=channel,
        ).__aiter__()
        first = await anext(items)  # request errors become JSON errors before the stream starts
        return StreamingResponse(_frames(first, items), media_type="text/event-stream")

    @app.get("/v1/conversations/{conversation_id}", response_model=ConversationOut)
    async def get_conversation(conversation_id: str, _: Channel) -> ConversationOut:
        """The transcript, status and actions of a conversation (never its internal state)."""
        return ConversationOut.of(await the_agent.get_conversation(conversation_id))

    @app.get("/v1/conversations/{conversation_id}/outbox", response_model=OutboxPage)
    async def get_outbox(
        conversation_id: str,
        _: Channel,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=OUTBOX_PAGE)] = OUTBOX_PAGE,
    ) -> OutboxPage:
        """Outbound payloads of a conversation after delivery id ``after``, for polling."""
        check_id("conversation_id", conversation_id)
        found = await the_agent.deliveries.since(conversation_id, after, limit)
        items = [OutboxItem.of(d) for d in found]
        return OutboxPage(
            conversation_id=conversation_id,
            items=items,
            next_after=items[-1].id if items else after,
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> Response:
        """Ready when the agent is open and its storage answers."""
        try:
            await the_agent.deliveries.due(_EPOCH, 1)
        except Exception as exc:  # not ready, whatever the cause; the probe says so
            log.warning("not_ready", error=type(exc).__name__)
            return error_response(503, "not_ready", "the agent or its storage is not available")
        return JSONResponse({"status": "ready"})

    @app.get("/metrics")
    async def metrics() -> Response:
        """The agent's Prometheus metrics."""
        return Response(the_agent.metrics.render(), media_type=CONTENT_TYPE)

    if demo_token is not None:
        app.include_router(demo_routes(Templates(settings.prompts_dir), demo_token))
    if console is not None:
        app.mount("/console", create_console_app(the_agent, console))
    _add_error_handlers(app)
    return app


async def _frames(
    first: AgentEvent | Reply, rest: AsyncIterator[AgentEvent | Reply]
) -> AsyncIterator[str]:
    try:
        yield _frame(first)
        async for item in rest:
            yield _frame(item)
    except ResolveError as exc:  # after the headers went out: the error is the last event
        _, code = status_of(exc)
        yield _sse(
            "error", ErrorBody.model_validate({"error": {"code": code, "message": str(exc)}})
        )
    finally:
        close = getattr(rest, "aclose", None)
        if close is not None:
            await close()  # a client that went away must not keep the conversation's lock


def _frame(item: AgentEvent | Reply) -> str:
    return _sse("reply" if isinstance(item, Reply) else item.type, item)


def _sse(event: str, data: BaseModel) -> str:
    return f"event: {event}\ndata: {data.model_dump_json()}\n\n"


def _add_error_handlers(app: FastAPI) -> None:
    async def resolve_error(_: Request, exc: Exception) -> Response:
        status, code = status_of(exc)
        if status >= 500:
            log.warning("request_failed", error=type(exc).__name__, status=status)
        response = error_response(status, code, str(exc))
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    async def invalid_body(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return error_response(422, "invalid_body", problems or "the request is not valid")

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    async def unexpected(_: Request, exc: Exception) -> Response:
        # A bug of ours still answers in the contract's shape, so a channel can retry or alert
        # on the code; the traceback goes to the log (redacted), never to the caller.
        log.error("request_crashed", error=type(exc).__name__, exc_info=exc)
        return error_response(
            500, "internal_error", "the agent failed unexpectedly; retry the request later"
        )

    app.add_exception_handler(ResolveError, resolve_error)
    app.add_exception_handler(Exception, unexpected)
    app.add_exception_handler(RequestValidationError, invalid_body)
    app.add_exception_handler(HTTPException, http_error)
