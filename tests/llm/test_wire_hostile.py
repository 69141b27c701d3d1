"""A hostile or broken model server, on the real SDK clients: never a crash, never a hang.

Answers that are not the provider's format (HTML with status 200, JSON cut short) must come
out of the adapter as :class:`ModelResponseError`, which the retrying layer turns into
"unavailable" and the planner into its fallback chain. A server that trickles its answer a
byte at a time defeats the SDKs' per-read timeouts; the retry layer's deadline bounds the
whole call.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import respx

from resolution_agent.agent.models import (
    Model,
    ModelRequest,
    ModelResponse,
    ModelResponseError,
    ModelRetryPolicy,
    ModelUnavailableError,
    RetryingModel,
    StreamDone,
    TextDelta,
    UserMessage,
)
from resolution_agent.agent.models._stream import StreamEvent
from tests.llm.wire import ANTHROPIC_URL, OPENAI_URL, recorded

REQUEST = ModelRequest(
    system="You are the support assistant of Kestrel Bank.",
    messages=[UserMessage(text="I've lost my card")],
    max_output_tokens=300,
)
HTML = "<html><body><h1>502 Bad Gateway</h1></body></html>"
DEADLINE = ModelRetryPolicy(attempts=1, deadline_s=0.3)


@pytest.mark.parametrize(
    ("spec", "url"),
    [("openai:gpt-4.1-mini", OPENAI_URL), ("anthropic:claude-sonnet-4-6", ANTHROPIC_URL)],
)
async def test_html_with_status_200_is_an_unreadable_answer(
    router: respx.Router, wire_model: Callable[[str], Model], spec: str, url: str
) -> None:
    router.post(url).respond(200, headers={"content-type": "text/html"}, text=HTML)

    with pytest.raises(ModelResponseError, match="unreadable"):
        await wire_model(spec).complete(REQUEST)


@pytest.mark.parametrize(
    ("spec", "url", "recording"),
    [
        ("openai:gpt-4.1-mini", OPENAI_URL, "openai/text.json"),
        ("anthropic:claude-sonnet-4-6", ANTHROPIC_URL, "anthropic/text.json"),
    ],
)
async def test_json_cut_short_is_an_unreadable_answer(
    router: respx.Router,
    wire_model: Callable[[str], Model],
    spec: str,
    url: str,
    recording: str,
) -> None:
    whole = json.dumps(recorded(recording))
    router.post(url).respond(
        200, headers={"content-type": "application/json"}, content=whole[: len(whole) // 2]
    )

    with pytest.raises(ModelResponseError):
        await wire_model(spec).complete(REQUEST)


async def test_an_unreadable_answer_ends_in_unavailable_for_the_fallback_chain(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(OPENAI_URL).respond(200, headers={"content-type": "text/html"}, text=HTML)
    model = RetryingModel(wire_model("openai:gpt-4.1-mini"), ModelRetryPolicy(attempts=3))

    with pytest.raises(ModelUnavailableError):
        await model.complete(REQUEST)
    assert router.calls.call_count == 1  # not the provider's format: retrying cannot help


async def _trickle(body: bytes) -> AsyncIterator[bytes]:
    for byte in body:
        await asyncio.sleep(0.05)
        yield bytes([byte])


async def test_a_trickling_server_is_cut_off_at_the_deadline(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    whole = json.dumps(recorded("openai/text.json")).encode()
    router.post(OPENAI_URL).mock(
        side_effect=lambda request: httpx.Response(
            200, headers={"content-type": "application/json"}, content=_trickle(whole)
        )
    )
    model = RetryingModel(wire_model("openai:gpt-4.1-mini"), DEADLINE)

    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match=r"within 0\.3 s"):
        await model.complete(REQUEST)
    # Bounded by the deadline, not by the trickle (which would take len(whole) * 50 ms).
    assert time.monotonic() - started < len(whole) * 0.05 / 4


class _StallsAfterFirstEvent:
    """A model whose stream sends one delta, then nothing, like a server gone quiet."""

    name = "stalling"

    async def complete(self, request: ModelRequest) -> ModelResponse:
        raise NotImplementedError

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        yield TextDelta(text="Your card")
        await asyncio.sleep(3600)
        yield StreamDone(response=ModelResponse(text="never"))

    async def aclose(self) -> None:
        return None


async def test_a_stream_that_goes_quiet_after_its_first_event_is_cut_off() -> None:
    model = RetryingModel(_StallsAfterFirstEvent(), DEADLINE)

    seen: list[StreamEvent] = []
    with pytest.raises(ModelUnavailableError, match=r"within 0\.3 s"):
        async for event in model.stream(REQUEST):
            seen.append(event)
    assert seen == [TextDelta(text="Your card")]


async def test_a_consumer_may_take_its_time_between_events() -> None:
    # The deadline counts waiting for the model, not what the consumer does between events.
    class _Quick:
        name = "quick"

        async def complete(self, request: ModelRequest) -> ModelResponse:
            raise NotImplementedError

        async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
            yield TextDelta(text="Done.")
            yield StreamDone(response=ModelResponse(text="Done."))

        async def aclose(self) -> None:
            return None

    events = RetryingModel(_Quick(), DEADLINE).stream(REQUEST)
    first = await anext(events)
    await asyncio.sleep(0.5)  # longer than the whole deadline
    rest = [event async for event in events]

    assert first == TextDelta(text="Done.")
    assert rest == [StreamDone(response=ModelResponse(text="Done."))]
