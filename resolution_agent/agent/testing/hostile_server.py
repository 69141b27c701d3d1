"""A hostile OpenAI-compatible model server on a real loopback socket, for tests and benchmarks.

It speaks just enough HTTP/1.1 for the official OpenAI SDK: ``POST .../chat/completions``,
answered as JSON or, for ``stream: true``, as server-sent events over chunked transfer
encoding (so a stream cut half-way is a protocol error, as with a real proxy that drops the
connection). What it answers is a :data:`hostile_answers.Behaviour`. The SDK, its HTTP stack
and our adapter all run for real, unlike respx, which answers above the socket.

Bounded in everything: it listens on 127.0.0.1 only, on a port the OS picks; it reads at most
``max_head_bytes`` of head and ``max_request_bytes`` of body, each within ``read_timeout_s``;
it serves at most ``max_connections`` at once (the rest get 503); and it shuts itself down
after ``lifetime_s`` even if nobody stops it. It runs on its own event loop in a daemon thread,
so a client that blocks its own loop cannot stall the server and the server's sleeps never
slow the client; leaving the ``with`` block cancels whatever it is still answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import threading
from collections import Counter
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.testing.hostile_answers import (
    Answer,
    Behaviour,
    SeenRequest,
    Tuning,
    answer,
    records_by_customer,
)
from resolution_agent.agent.testing.hostile_wire import completion, stream_chunks
from resolution_agent.tools.mockbank import BankState

_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large"}
_REASONS |= {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway"}
_REASONS |= {503: "Service Unavailable"}


class ServerLimits(BaseModel):
    """How much the server reads, serves and lives."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_head_bytes: int = Field(default=32_768, ge=1024)
    max_request_bytes: int = Field(default=2_000_000, ge=1024)
    max_connections: int = Field(default=64, ge=1)
    read_timeout_s: float = Field(default=10.0, gt=0)
    lifetime_s: float = Field(default=1800.0, gt=0)


class HostileServer:
    """``with HostileServer("chaos", seed) as server:`` then point a model at ``server.spec``."""

    def __init__(
        self,
        behaviour: Behaviour,
        seed: BankState,
        *,
        tuning: Tuning | None = None,
        limits: ServerLimits | None = None,
        model: str = "hostile",
    ) -> None:
        #: What the server does to the next request; may be changed while it runs.
        self.behaviour: Behaviour = behaviour
        self._seed = seed
        self._tuning = tuning or Tuning()
        if not self._tuning.ids:
            self._tuning = dataclasses.replace(self._tuning, ids=records_by_customer(seed))
        self._limits = limits or ServerLimits()
        self._model = model
        self._port = 0
        self._tally: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        """The base URL an OpenAI client takes (``.../v1``)."""
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def spec(self) -> str:
        """The model spec that points the agent here (``RESOLVE_MODEL``)."""
        return f"openai-compatible:{self._model}@{self.url}"

    def tally(self) -> Counter[str]:
        """What was served so far, by kind of answer (``status_429``, ``false_claim`` ...)."""
        with self._lock:
            return Counter(self._tally)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hostile-model", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)
        if self._failure is not None or not self._port:
            raise RuntimeError(f"the hostile model server did not start: {self._failure!r}")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # its loop ended on its own (lifetime)
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> HostileServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> HostileServer:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start(); a daemon thread has no one else
            self._failure = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        handlers: set[asyncio.Task[None]] = set()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            handlers.add(task)
            try:
                await self._exchange(
                    reader, writer, refuse=len(handlers) > self._limits.max_connections
                )
            except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
                pass  # the client hung up or never finished its request
            except asyncio.LimitOverrunError:
                await _send(writer, 413, _error("request head too large"), ())
            except ValueError:
                await _send(writer, 400, _error("unreadable request head"), ())
            except asyncio.CancelledError:
                return  # the server is stopping: cancelled by _serve, which awaits it
            finally:
                handlers.discard(task)
                writer.close()

        server = await asyncio.start_server(
            connection, "127.0.0.1", 0, limit=self._limits.max_head_bytes
        )
        self._port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self._limits.lifetime_s)
            server.close()
            for task in list(handlers):
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, refuse: bool
    ) -> None:
        """Read one request (bounded) and answer it; ``refuse``: 503, over the limit."""
        limits = self._limits
        async with asyncio.timeout(limits.read_timeout_s):
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            line, *header_lines = head.split("\r\n")
            method, _, rest = line.partition(" ")
            path = rest.partition(" ")[0]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (h.partition(":") for h in header_lines if h)
            }
            length = int(headers.get("content-length") or 0)
            if length > limits.max_request_bytes:
                await _send(writer, 413, _error("request body too large"), ())
                return
            raw = await reader.readexactly(length)
        if refuse:  # read first: a client still sending would see a reset, not the 503
            await _send(writer, 503, _error("too many connections"), ())
            return
        if method != "POST" or not path.endswith("/chat/completions"):
            await _send(writer, 404, _error(f"no route {method} {path}"), ())
            return
        try:
            body = json.loads(raw)
            seen = SeenRequest.of(raw, body)
        except (ValueError, TypeError, KeyError, AttributeError):
            await _send(writer, 400, _error("the request body is not a chat completion"), ())
            return
        reply = answer(self.behaviour, seen, self._tuning, self._seed)
        with self._lock:
            self._tally[reply.kind] += 1
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        await self._reply(writer, reply, seen)

    async def _reply(self, writer: asyncio.StreamWriter, reply: Answer, seen: SeenRequest) -> None:
        if reply.message is None:
            await _send(writer, reply.status, reply.raw or b"", reply.headers)
        elif seen.stream:
            chunks = stream_chunks(reply.message, self._model)
            await _stream(writer, chunks, cut=reply.cut, clean_end=reply.clean_end)
        else:
            body = json.dumps(completion(reply.message, self._model)).encode()
            if reply.cut and reply.clean_end:
                body = body[: len(body) // 2]
            json_type = (("content-type", "application/json"),)
            await _send(
                writer, reply.status, body, json_type, cut=reply.cut and not reply.clean_end
            )


async def _send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    headers: tuple[tuple[str, str], ...],
    *,
    cut: bool = False,
) -> None:
    """One response; ``cut`` promises the whole body but sends half, then hangs up."""
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
    names = {k.lower() for k, _ in headers}
    if "content-type" not in names:
        lines.append("content-type: application/json")
    lines += [f"{k}: {v}" for k, v in headers]
    lines += [f"content-length: {len(body)}", "connection: close", "", ""]
    writer.write("\r\n".join(lines).encode("latin-1"))
    writer.write(body[: len(body) // 2] if cut else body)
    await writer.drain()


async def _stream(
    writer: asyncio.StreamWriter, events: list[dict[str, Any]], *, cut: bool, clean_end: bool
) -> None:
    head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    head += "transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    writer.write(head.encode("latin-1"))
    payloads = [f"data: {json.dumps(e)}\n\n".encode() for e in events]
    if cut:
        payloads = payloads[: len(payloads) // 2]
    else:
        payloads.append(b"data: [DONE]\n\n")
    for payload in payloads:
        writer.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        await writer.drain()
    if not cut or clean_end:  # a cut stream ends without the last chunk: the client sees a cut
        writer.write(b"0\r\n\r\n")
        await writer.drain()


def _error(message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()
