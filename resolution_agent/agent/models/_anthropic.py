"""Anthropic Messages API tool use, on the official SDK (``AsyncAnthropic``).

Anthropic wants strictly alternating roles with tool results inside the next user message, so
consecutive messages of one role are merged. The SDK's own retries are off (``max_retries=0``),
as for OpenAI: retries and fallback are the planner's.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import Any

import anthropic
from anthropic.types import (
    ContentBlockParam,
    Message,
    MessageParam,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStreamEvent,
    ToolParam,
)
from opentelemetry.trace import Tracer

from resolution_agent.agent.models._capped import AnswerTooLarge
from resolution_agent.agent.models._errors import (
    UNREADABLE_ANSWER,
    ModelConnectionError,
    ModelError,
    ModelResponseError,
    unreadable,
)
from resolution_agent.agent.models._messages import (
    AssistantMessage,
    ChatMessage,
    FinishReason,
    ModelRequest,
    ModelResponse,
    TokenUsage,
    ToolCallPart,
    ToolDefinition,
    ToolResultMessage,
)
from resolution_agent.agent.models._observed import ObservedCall, observe_model_call
from resolution_agent.agent.models._status import status_error
from resolution_agent.agent.models._stream import (
    StreamAccumulator,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    ToolCallStarted,
)
from resolution_agent.agent.observability.metrics import Metrics
from resolution_agent.agent.observability.tracing import no_tracer

_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "refusal",
}


class AnthropicModel:
    """A Claude model behind the Messages API."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        model: str,
        *,
        metrics: Metrics | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._client = client
        self._model = model
        self._name = f"anthropic:{model}"
        self._metrics = metrics or Metrics()
        self._tracer = tracer or no_tracer()

    @property
    def name(self) -> str:
        return self._name

    async def complete(self, request: ModelRequest) -> ModelResponse:
        with self._observed() as call:
            try:
                message = await self._client.messages.create(
                    model=self._model,
                    max_tokens=request.max_output_tokens,
                    messages=to_anthropic_messages(request.messages),
                    **self._options(request),
                )
                response = _response(message)
            except anthropic.APIError as exc:
                raise self._translate(exc) from exc
            except UNREADABLE_ANSWER as exc:
                raise unreadable(self._name, exc) from exc
            return call.answered(response)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        acc = StreamAccumulator(model=self._model)
        with self._observed() as call:
            try:
                events = await self._client.messages.create(
                    model=self._model,
                    max_tokens=request.max_output_tokens,
                    messages=to_anthropic_messages(request.messages),
                    stream=True,
                    **self._options(request),
                )
                async with events:
                    async for raw in events:
                        for event in _events(raw, acc):
                            yield acc.add(event)
            except anthropic.APIError as exc:
                raise self._translate(exc) from exc
            except UNREADABLE_ANSWER as exc:
                raise unreadable(self._name, exc) from exc
            done = acc.done()
            call.answered(done.response)
        yield done

    async def aclose(self) -> None:
        await self._client.close()

    def _observed(self) -> AbstractContextManager[ObservedCall]:
        return observe_model_call(
            self._metrics, self._tracer, spec=self._name, provider="anthropic", model=self._model
        )

    def _options(self, request: ModelRequest) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if request.system:
            options["system"] = request.system
        if request.tools:
            options["tools"] = [to_anthropic_tool(t) for t in request.tools]
        if request.tool_choice is not None:
            options["tool_choice"] = {"type": "tool", "name": request.tool_choice}
        if request.temperature is not None:
            # anthropic 2.x declares no ``temperature`` argument (passing one is a TypeError
            # before any request, which read as an unreadable answer); the Messages API reads
            # the field, so it is sent in the body, the SDK's way for fields it does not type.
            options["extra_body"] = {"temperature": request.temperature}
        return options

    def _translate(self, exc: anthropic.APIError) -> ModelError:
        if isinstance(exc, anthropic.APIConnectionError):  # includes APITimeoutError
            if isinstance(exc.__cause__, AnswerTooLarge):  # read by the SDK, inside send
                return unreadable(self._name, exc.__cause__)
            return ModelConnectionError(f"{self._name}: {exc.message}")
        if isinstance(exc, anthropic.APIStatusError):
            return status_error(self._name, exc.status_code, exc.message, exc.response.headers)
        return ModelResponseError(f"{self._name}: {exc.message}")


def _response(message: Message) -> ModelResponse:
    text: list[str] = []
    calls: list[ToolCallPart] = []
    for block in message.content:
        if block.type == "text":
            text.append(block.text)
        elif block.type == "tool_use":
            calls.append(
                ToolCallPart(id=block.id, name=block.name, arguments=json.dumps(block.input))
            )
    usage = message.usage
    finish = _FINISH.get(message.stop_reason or "", "other")
    return ModelResponse(
        text="".join(text),
        tool_calls=calls,
        finish=finish,
        refusal=("".join(text) or "refused") if finish == "refusal" else None,
        usage=TokenUsage(
            input_tokens=usage.input_tokens
            + (usage.cache_creation_input_tokens or 0)
            + (usage.cache_read_input_tokens or 0),
            output_tokens=usage.output_tokens,
        ),
        model=message.model,
    )


def _events(raw: RawMessageStreamEvent, acc: StreamAccumulator) -> list[StreamEvent]:
    if isinstance(raw, RawMessageStartEvent):
        usage = raw.message.usage
        acc.model = raw.message.model
        acc.input_tokens = (
            usage.input_tokens
            + (usage.cache_creation_input_tokens or 0)
            + (usage.cache_read_input_tokens or 0)
        )
        acc.output_tokens = usage.output_tokens
    elif isinstance(raw, RawContentBlockStartEvent):
        block = raw.content_block
        if block.type == "tool_use":
            return [ToolCallStarted(index=raw.index, id=block.id, name=block.name)]
        if block.type == "text" and block.text:
            return [TextDelta(text=block.text)]
    elif isinstance(raw, RawContentBlockDeltaEvent):
        delta = raw.delta
        if delta.type == "text_delta":
            return [TextDelta(text=delta.text)]
        if delta.type == "input_json_delta" and delta.partial_json:
            return [ToolCallDelta(index=raw.index, arguments=delta.partial_json)]
    elif isinstance(raw, RawMessageDeltaEvent):
        acc.finish = _FINISH.get(raw.delta.stop_reason or "", "other")
        acc.output_tokens = raw.usage.output_tokens
        if raw.delta.stop_reason == "refusal":
            acc.refusal.append("".join(acc.text) or "refused")
    return []


def to_anthropic_messages(messages: list[ChatMessage]) -> list[MessageParam]:
    """The neutral conversation as Messages API turns: alternating roles, user first."""
    turns: list[tuple[str, list[ContentBlockParam]]] = []
    for message in messages:
        role = "assistant" if isinstance(message, AssistantMessage) else "user"
        blocks = _blocks(message)
        if not blocks:
            continue
        if turns and turns[-1][0] == role:
            turns[-1][1].extend(blocks)
        else:
            turns.append((role, blocks))
    if turns and turns[0][0] != "user":
        turns.insert(0, ("user", [{"type": "text", "text": "(conversation continues)"}]))
    return [
        {"role": "user", "content": b} if r == "user" else {"role": "assistant", "content": b}
        for r, b in turns
    ]


def to_anthropic_tool(tool: ToolDefinition) -> ToolParam:
    """A neutral tool definition as a Messages API ``tools`` entry."""
    return {
        "name": tool.name,
        "description": tool.description,
        "input_schema": tool.parameters,
    }


def _blocks(message: ChatMessage) -> list[ContentBlockParam]:
    if isinstance(message, AssistantMessage):
        blocks: list[ContentBlockParam] = []
        if message.text:
            blocks.append({"type": "text", "text": message.text})
        for call in message.tool_calls:
            blocks.append(
                {"type": "tool_use", "id": call.id, "name": call.name, "input": _input(call)}
            )
        return blocks
    if isinstance(message, ToolResultMessage):
        return [
            {
                "type": "tool_result",
                "tool_use_id": message.call_id,
                "content": message.content,
                "is_error": message.is_error,
            }
        ]
    return [{"type": "text", "text": message.text}] if message.text else []


def _input(call: ToolCallPart) -> dict[str, object]:
    try:
        value = json.loads(call.arguments or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
