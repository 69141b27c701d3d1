"""OpenAI Chat Completions on the real SDK client, answered with recorded bodies via respx."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import respx

from resolution_agent.agent.models import (
    Model,
    ModelRequest,
    ModelRetryPolicy,
    RetryingModel,
    StreamDone,
    TextDelta,
    ToolCallDelta,
    ToolCallStarted,
    UserMessage,
    collect,
    to_openai_tool,
)
from resolution_agent.agent.planning.llm import tool_definitions
from resolution_agent.tools.declarations import TOOLS, TOOLS_BY_NAME
from tests.llm.wire import OPENAI_URL, body, recorded, sse

SPEC = "openai:gpt-4.1-mini"
REQUEST = ModelRequest(
    system="You are the support assistant of Kestrel Bank.",
    messages=[UserMessage(text="I've lost my card")],
    tools=tool_definitions([TOOLS_BY_NAME["list_cards"], TOOLS_BY_NAME["list_accounts"]]),
    max_output_tokens=300,
)


async def test_tool_call_is_read_and_the_request_carries_the_declared_schemas(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(OPENAI_URL).respond(json=recorded("openai/tool_call.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert [(c.name, c.arguments) for c in response.tool_calls] == [
        ("list_cards", '{"customer_id":"cus_1001"}')
    ]
    assert response.finish == "tool_calls"
    assert (response.usage.input_tokens, response.usage.output_tokens) == (1480, 19)
    sent = body(route.calls.last.request)
    assert sent["model"] == "gpt-4.1-mini"
    assert sent["messages"][0] == {"role": "system", "content": REQUEST.system}
    assert sent["messages"][1] == {"role": "user", "content": "I've lost my card"}
    assert sent["max_completion_tokens"] == 300
    list_cards = TOOLS_BY_NAME["list_cards"]
    assert sent["tools"][0] == {
        "type": "function",
        "function": {
            "name": "list_cards",
            "description": list_cards.description,
            "parameters": list_cards.json_schema(),
        },
    }
    assert sent["tools"][-1]["function"]["name"] == "escalate_to_human"
    assert route.calls.last.request.headers["authorization"] == "Bearer sk-test"


async def test_parallel_tool_calls_keep_their_order(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(OPENAI_URL).respond(json=recorded("openai/parallel_tool_calls.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert [c.name for c in response.tool_calls] == ["list_cards", "list_accounts"]
    assert len({c.id for c in response.tool_calls}) == 2


async def test_plain_text_answer(router: respx.Router, wire_model: Callable[[str], Model]) -> None:
    router.post(OPENAI_URL).respond(json=recorded("openai/text.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert response.text.startswith("We use the Visa exchange rate")
    assert response.tool_calls == []
    assert response.finish == "stop"


async def test_refusal_is_reported_as_a_refusal(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(OPENAI_URL).respond(json=recorded("openai/refusal.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert response.finish == "refusal"
    assert response.refusal == "I'm sorry, but I can't help with that request."


async def test_streamed_text_arrives_in_deltas_then_one_response_with_usage(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=sse("openai/stream_text.sse"))

    events = [e async for e in wire_model(SPEC).stream(REQUEST)]

    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert "".join(deltas) == "Your card ending 4821 is now frozen."
    assert len(deltas) == 8
    done = events[-1]
    assert isinstance(done, StreamDone)
    assert done.response.text == "Your card ending 4821 is now frozen."
    assert (done.response.usage.input_tokens, done.response.usage.output_tokens) == (1402, 9)
    sent = body(route.calls.last.request)
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}


async def test_streamed_tool_call_arguments_are_assembled(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(OPENAI_URL).mock(return_value=sse("openai/stream_tool_call.sse"))

    events = [e async for e in wire_model(SPEC).stream(REQUEST)]

    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert [(e.index, e.name) for e in started] == [(0, "freeze_card")]
    assert sum(isinstance(e, ToolCallDelta) for e in events) == 8
    response = events[-1].response if isinstance(events[-1], StreamDone) else None
    assert response is not None
    assert response.finish == "tool_calls"
    assert [(c.name, c.arguments) for c in response.tool_calls] == [
        ("freeze_card", '{"card_id":"card_1001a"}')
    ]


async def test_rate_limit_then_success_waits_as_long_as_retry_after_says(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(OPENAI_URL).mock(
        side_effect=[
            httpx.Response(
                429,
                headers={"retry-after-ms": "1500", "x-ratelimit-remaining-requests": "0"},
                json=recorded("openai/rate_limited.json"),
            ),
            httpx.Response(200, json=recorded("openai/tool_call.json")),
        ]
    )
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    model = RetryingModel(wire_model(SPEC), ModelRetryPolicy(attempts=3), sleep=sleep)
    response = await model.complete(REQUEST)

    assert [c.name for c in response.tool_calls] == ["list_cards"]
    assert route.call_count == 2
    assert slept == [1.5]


async def test_a_stream_that_is_rate_limited_before_its_first_event_is_retried(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(OPENAI_URL).mock(
        side_effect=[
            httpx.Response(
                429, headers={"retry-after": "2"}, json=recorded("openai/rate_limited.json")
            ),
            sse("openai/stream_text.sse"),
        ]
    )
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    model = RetryingModel(wire_model(SPEC), ModelRetryPolicy(attempts=2), sleep=sleep)
    response = await collect(model.stream(REQUEST))

    assert response.text == "Your card ending 4821 is now frozen."
    assert slept == [2.0]


async def test_openai_compatible_server_by_base_url_gets_max_tokens_and_its_key(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post("http://vllm.internal:8000/v1/chat/completions").respond(
        json=recorded("openai/text.json")
    )
    model = wire_model(
        "openai-compatible:meta-llama/Llama-3.1-8B-Instruct@http://vllm.internal:8000/v1"
    )

    response = await model.complete(REQUEST)

    assert response.text.startswith("We use the Visa exchange rate")
    assert model.name == (
        "openai-compatible:meta-llama/Llama-3.1-8B-Instruct@http://vllm.internal:8000/v1"
    )
    sent = body(route.calls.last.request)
    assert sent["model"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert sent["max_tokens"] == 300
    assert "max_completion_tokens" not in sent
    assert route.calls.last.request.headers["authorization"] == "Bearer local-test"


def test_every_declared_tool_is_offered_in_openai_format() -> None:
    definitions = tool_definitions(list(TOOLS))

    assert [to_openai_tool(d) for d in definitions[:-1]] == [
        {
            "type": "function",
            "function": {
                "name": t.name,
                "description": t.description,
                "parameters": t.json_schema(),
            },
        }
        for t in TOOLS
    ]
