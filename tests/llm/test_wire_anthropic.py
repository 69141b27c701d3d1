"""Anthropic Messages API on the real SDK client, answered with recorded bodies via respx."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import respx

from resolution_agent.agent.models import (
    AssistantMessage,
    Model,
    ModelRequest,
    ModelRetryPolicy,
    RetryingModel,
    StreamDone,
    TextDelta,
    ToolCallPart,
    ToolCallStarted,
    ToolResultMessage,
    UserMessage,
    to_anthropic_tool,
)
from resolution_agent.agent.planning.llm import tool_definitions
from resolution_agent.tools.declarations import TOOLS, TOOLS_BY_NAME
from tests.llm.wire import ANTHROPIC_URL, body, recorded, sse

# claude-sonnet-4-5 is deprecated in anthropic 2.x (a DeprecationWarning, an error here).
SPEC = "anthropic:claude-sonnet-4-6"
REQUEST = ModelRequest(
    system="You are the support assistant of Kestrel Bank.",
    messages=[UserMessage(text="I've lost my card")],
    tools=tool_definitions([TOOLS_BY_NAME["list_cards"], TOOLS_BY_NAME["freeze_card"]]),
    max_output_tokens=300,
)


async def test_tool_use_is_read_and_the_request_carries_the_declared_schemas(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/tool_use.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert response.text == "I'll look up your cards first."
    assert [(c.id, c.name, c.arguments) for c in response.tool_calls] == [
        ("toolu_01A09q90qw90lq917835lq9", "list_cards", '{"customer_id": "cus_1001"}')
    ]
    assert response.finish == "tool_calls"
    assert (response.usage.input_tokens, response.usage.output_tokens) == (1520, 64)
    request = route.calls.last.request
    sent = body(request)
    assert sent["model"] == "claude-sonnet-4-6"
    assert sent["system"] == REQUEST.system
    assert sent["max_tokens"] == 300
    assert sent["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "I've lost my card"}]}
    ]
    list_cards = TOOLS_BY_NAME["list_cards"]
    assert sent["tools"][0] == {
        "name": "list_cards",
        "description": list_cards.description,
        "input_schema": list_cards.json_schema(),
    }
    assert sent["tools"][-1]["name"] == "escalate_to_human"
    assert request.headers["authorization"] == "Bearer sk-ant-test"
    assert "anthropic-version" in request.headers


async def test_parallel_tool_use_keeps_its_order(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/parallel_tool_use.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert [c.name for c in response.tool_calls] == ["list_cards", "list_accounts"]


async def test_plain_text_answer(router: respx.Router, wire_model: Callable[[str], Model]) -> None:
    router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/text.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert response.text.startswith("Card payments abroad use the Visa exchange rate")
    assert response.finish == "stop"


async def test_refusal_stop_reason_is_reported_as_a_refusal(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/refusal.json"))

    response = await wire_model(SPEC).complete(REQUEST)

    assert response.finish == "refusal"
    assert response.refusal


async def test_tool_results_go_back_inside_one_user_turn_after_the_tool_use(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/text.json"))
    calls = [
        ToolCallPart(id="toolu_1", name="freeze_card", arguments='{"card": "card_1001a"}'),
        ToolCallPart(id="toolu_2", name="list_cards", arguments="{not json"),
    ]
    request = REQUEST.followed_by(
        AssistantMessage(text="Let me help.", tool_calls=calls),
        ToolResultMessage(call_id="toolu_1", name="freeze_card", content="bad", is_error=True),
        ToolResultMessage(call_id="toolu_2", name="list_cards", content="bad", is_error=True),
    )

    await wire_model(SPEC).complete(request)

    messages = body(route.calls.last.request)["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"][1] == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "freeze_card",
        "input": {"card": "card_1001a"},
    }
    assert messages[1]["content"][2]["input"] == {}
    assert [b["tool_use_id"] for b in messages[2]["content"]] == ["toolu_1", "toolu_2"]
    assert all(b["is_error"] for b in messages[2]["content"])


async def test_streamed_text_arrives_in_deltas_then_one_response_with_usage(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(ANTHROPIC_URL).mock(return_value=sse("anthropic/stream_text.sse"))

    events = [e async for e in wire_model(SPEC).stream(REQUEST)]

    assert [e.text for e in events if isinstance(e, TextDelta)] == [
        "Your card",
        " ending 4821",
        " is now frozen.",
    ]
    done = events[-1]
    assert isinstance(done, StreamDone)
    assert done.response.text == "Your card ending 4821 is now frozen."
    assert done.response.finish == "stop"
    assert (done.response.usage.input_tokens, done.response.usage.output_tokens) == (1433, 12)
    assert body(route.calls.last.request)["stream"] is True


async def test_streamed_tool_use_arguments_are_assembled(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    router.post(ANTHROPIC_URL).mock(return_value=sse("anthropic/stream_tool_use.sse"))

    events = [e async for e in wire_model(SPEC).stream(REQUEST)]

    assert [(e.index, e.name) for e in events if isinstance(e, ToolCallStarted)] == [
        (1, "freeze_card")
    ]
    done = events[-1]
    assert isinstance(done, StreamDone)
    assert done.response.text == "I'll freeze that card now."
    assert [(c.name, c.arguments) for c in done.response.tool_calls] == [
        ("freeze_card", '{"card_id": "card_1001a"}')
    ]
    assert done.response.finish == "tool_calls"


async def test_overloaded_then_rate_limited_then_success_honours_retry_after(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(ANTHROPIC_URL).mock(
        side_effect=[
            httpx.Response(529, json=recorded("anthropic/overloaded.json")),
            httpx.Response(
                429, headers={"retry-after": "3"}, json=recorded("anthropic/rate_limited.json")
            ),
            httpx.Response(200, json=recorded("anthropic/tool_use.json")),
        ]
    )
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    policy = ModelRetryPolicy(attempts=3, backoff_base_s=0.5, backoff_max_s=4.0)
    response = await RetryingModel(wire_model(SPEC), policy, sleep=sleep).complete(REQUEST)

    assert [c.name for c in response.tool_calls] == ["list_cards"]
    assert route.call_count == 3
    assert 0 <= slept[0] <= 4.0  # jittered backoff: no retry-after on the 529
    assert slept[1] == 3.0


def test_every_declared_tool_is_offered_in_anthropic_format() -> None:
    definitions = tool_definitions(list(TOOLS))

    assert [to_anthropic_tool(d) for d in definitions[:-1]] == [
        {"name": t.name, "description": t.description, "input_schema": t.json_schema()}
        for t in TOOLS
    ]


async def test_a_temperature_is_sent_in_the_body_and_the_answer_read(
    router: respx.Router, wire_model: Callable[[str], Model]
) -> None:
    route = router.post(ANTHROPIC_URL).respond(json=recorded("anthropic/text.json"))

    response = await wire_model(SPEC).complete(REQUEST.model_copy(update={"temperature": 0.2}))

    assert response.text.startswith("Card payments abroad use the Visa exchange rate")
    assert body(route.calls.last.request)["temperature"] == 0.2
