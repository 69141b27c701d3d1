"""A cap on how many bytes of a model's answer are read.

We ask for at most ``max_output_tokens`` (a few kilobytes of text), but a broken or hostile
server can send megabytes, or stream without end within every timeout; the SDKs read whatever
comes into memory, and the guards would then scan all of it. The SDK clients we build read
through :class:`CappedTransport`, which stops at :data:`MAX_ANSWER_BYTES` with
:class:`AnswerTooLarge`; the adapters report it as an unreadable answer (not worth retrying),
so the planner takes its fallback chain. A caller that passes its own ``http_client`` chooses
its own transport, and so its own limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2

#: Far above any answer of ``max_output_tokens`` tokens (4 KiB of text, with tool calls and
#: the JSON around them), far below what would strain a worker's memory.
MAX_ANSWER_BYTES = 1 << 20

#: The SDKs' own pool sizes, kept when we hand them a transport of ours.
POOL = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


class AnswerTooLarge(ValueError):
    """The server sent more than :data:`MAX_ANSWER_BYTES`; the rest was not read."""


class CappedTransport(httpx2.AsyncBaseTransport):
    """An HTTP transport whose response bodies stop at ``max_bytes``."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, max_bytes: int = MAX_ANSWER_BYTES):
        self._inner = inner
        self._max_bytes = max_bytes

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_CappedStream(response.stream, self._max_bytes),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class _CappedStream(httpx2.AsyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream | httpx2.AsyncByteStream, max_bytes: int):
        assert isinstance(inner, httpx2.AsyncByteStream)
        self._inner = inner
        self._max_bytes = max_bytes

    async def __aiter__(self) -> AsyncIterator[bytes]:
        read = 0
        async for chunk in self._inner:
            read += len(chunk)
            if read > self._max_bytes:
                raise AnswerTooLarge(
                    f"the answer is longer than {self._max_bytes} bytes; the rest was not read"
                )
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def capped_client(timeout: httpx2.Timeout) -> httpx2.AsyncClient:
    """An HTTP client for a provider SDK, as the SDK would build it, reading capped answers."""
    transport = CappedTransport(httpx2.AsyncHTTPTransport(limits=POOL))
    return httpx2.AsyncClient(timeout=timeout, transport=transport, follow_redirects=True)
