"""OpenAI Chat Completions tool calling, on the official SDK (``AsyncOpenAI``).

The same adapter serves any OpenAI-compatible server (vLLM, Ollama, llama.cpp) through the
client's base URL; those servers take ``max_tokens`` where OpenAI takes
``max_completion_tokens``. The SDK's own retries are off (``max_retries=0``): retries,
backoff and fallback are the planner's, so every attempt is visible and budgeted.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import Any, Literal

import openai
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionAssistantMessageParam,
    ChatCompletionChunk,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageFunctionToolCallParam,
    ChatCompletionMessageParam,
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

TokenParam = Literal["max_completion_tokens", "max_tokens"]

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "length": "length",
    "content_filter": "content_filter",
}


class OpenAIChatModel:
    """A chat model behind the Chat Completions API."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str,
        *,
        provider: str = "openai",
        name: str | None = None,
        token_param: TokenParam = "max_completion_tokens",
        metrics: Metrics | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._client = client
        self._model = model
        self._provider = provider
        self._name = name or f"{provider}:{model}"
        self._token_param = token_param
        self._metrics = metrics or Metrics()
        self._tracer = tracer or no_tracer()

    @property
    def name(self) -> str:
        return self._name

    async def complete(self, request: ModelRequest) -> ModelResponse:
        with self._observed() as call:
            try:
                completion = await self._client.chat.completions.create(
                    model=self._model,
                    messages=to_openai_messages(request),
                    **self._options(request),
                )
                response = self._response(completion)
            except openai.APIError as exc:
                raise self._translate(exc) from exc
            except UNREADABLE_ANSWER as exc:
                raise unreadable(self._name, exc) from exc
            return call.answered(response)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        acc = StreamAccumulator(model=self._model)
        started: dict[int, str] = {}
        with self._observed() as call:
            try:
                chunks = await self._client.chat.completions.create(
                    model=self._model,
                    messages=to_openai_messages(request),
                    stream=True,
                    stream_options={"include_usage": True},
                    **self._options(request),
                )
                async with chunks:
                    async for chunk in chunks:
                        for event in _chunk_events(chunk, acc, started):
                            yield acc.add(event)
            except openai.APIError as exc:
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
            self._metrics,
            self._tracer,
            spec=self._name,
            provider=self._provider,
            model=self._model,
        )

    def _options(self, request: ModelRequest) -> dict[str, Any]:
        options: dict[str, Any] = {self._token_param: request.max_output_tokens}
        if request.tools:
            options["tools"] = [to_openai_tool(t) for t in request.tools]
        if request.tool_choice is not None:
            options["tool_choice"] = {"type": "function", "function": {"name": request.tool_choice}}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        return options

    def _response(self, completion: ChatCompletion) -> ModelResponse:
        if not completion.choices:
            raise ModelResponseError(f"{self._name} answered with no choices")
        choice = completion.choices[0]
        message = choice.message
        calls = [
            ToolCallPart(
                id=call.id, name=call.function.name, arguments=_text(call.function.arguments)
            )
            for call in message.tool_calls or []
            if call.type == "function"
        ]
        usage = completion.usage
        finish = _FINISH.get(choice.finish_reason or "", "other")
        return ModelResponse(
            text=message.content or "",
            tool_calls=calls,
            finish="refusal" if message.refusal else finish,
            refusal=message.refusal or None,
            usage=TokenUsage(
                input_tokens=usage.prompt_tokens if usage else 0,
                output_tokens=usage.completion_tokens if usage else 0,
            ),
            model=completion.model or self._model,
        )

    def _translate(self, exc: openai.APIError) -> ModelError:
        if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
            if isinstance(exc.__cause__, AnswerTooLarge):  # read by the SDK, inside send
                return unreadable(self._name, exc.__cause__)
            return ModelConnectionError(f"{self._name}: {exc.message}")
        if isinstance(exc, openai.APIStatusError):
            return status_error(self._name, exc.status_code, exc.message, exc.response.headers)
        return ModelResponseError(f"{self._name}: {exc.message}")


def _text(arguments: object) -> str:
    # Some OpenAI-compatible servers send arguments as an object instead of JSON text.
    return arguments if isinstance(arguments, str) else json.dumps(arguments)


def _chunk_events(
    chunk: ChatCompletionChunk, acc: StreamAccumulator, started: dict[int, str]
) -> list[StreamEvent]:
    if chunk.usage is not None:
        acc.input_tokens = chunk.usage.prompt_tokens
        acc.output_tokens = chunk.usage.completion_tokens
    acc.model = chunk.model or acc.model
    events: list[StreamEvent] = []
    for choice in chunk.choices[:1]:
        delta = choice.delta
        if delta.refusal:
            acc.refusal.append(delta.refusal)
        if delta.content:
            events.append(TextDelta(text=delta.content))
        for call in delta.tool_calls or []:
            if call.index not in started:
                name = call.function.name if call.function and call.function.name else ""
                started[call.index] = call.id or f"call_{call.index}"
                events.append(ToolCallStarted(index=call.index, id=started[call.index], name=name))
            if call.function and call.function.arguments:
                events.append(ToolCallDelta(index=call.index, arguments=call.function.arguments))
        if choice.finish_reason:
            acc.finish = _FINISH.get(choice.finish_reason, "other")
    return events


def to_openai_messages(request: ModelRequest) -> list[ChatCompletionMessageParam]:
    """The neutral conversation as Chat Completions messages, system prompt first."""
    out: list[ChatCompletionMessageParam] = [{"role": "system", "content": request.system}]
    out.extend(_message(m) for m in request.messages)
    return out


def to_openai_tool(tool: ToolDefinition) -> ChatCompletionFunctionToolParam:
    """A neutral tool definition as a Chat Completions ``tools`` entry."""
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        },
    }


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    if isinstance(message, AssistantMessage):
        param: ChatCompletionAssistantMessageParam = {
            "role": "assistant",
            "content": message.text or None,
        }
        if message.tool_calls:
            param["tool_calls"] = [_call(c) for c in message.tool_calls]
        return param
    if isinstance(message, ToolResultMessage):
        return {"role": "tool", "tool_call_id": message.call_id, "content": message.content}
    return {"role": "user", "content": message.text}


def _call(call: ToolCallPart) -> ChatCompletionMessageFunctionToolCallParam:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }
