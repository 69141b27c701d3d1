"""Streaming: what a model yields while it answers, and how the pieces become one response.

A stream is text deltas and tool-call events in order, ending with :class:`StreamDone` that
carries the whole :class:`ModelResponse` (text, tool calls, finish reason, token usage), so a
caller that only wants the result reads the last event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.models._errors import ModelResponseError
from resolution_agent.agent.models._messages import (
    FinishReason,
    ModelResponse,
    TokenUsage,
    ToolCallPart,
)


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextDelta(_Event):
    kind: Literal["text"] = "text"
    text: str


class ToolCallStarted(_Event):
    kind: Literal["tool_call_started"] = "tool_call_started"
    index: int
    id: str
    name: str


class ToolCallDelta(_Event):
    kind: Literal["tool_call_delta"] = "tool_call_delta"
    index: int
    arguments: str


class StreamDone(_Event):
    kind: Literal["done"] = "done"
    response: ModelResponse


StreamEvent = TextDelta | ToolCallStarted | ToolCallDelta | StreamDone


async def collect(events: AsyncIterator[StreamEvent]) -> ModelResponse:
    """The response at the end of a stream."""
    done: ModelResponse | None = None
    async for event in events:
        if isinstance(event, StreamDone):
            done = event.response
    if done is None:
        raise ModelResponseError("the stream ended without a final response")
    return done


@dataclass
class _PendingCall:
    id: str
    name: str
    arguments: list[str] = field(default_factory=list)


@dataclass
class StreamAccumulator:
    """Builds the final response from the events an adapter emits, keyed by tool-call index."""

    text: list[str] = field(default_factory=list)
    calls: dict[int, _PendingCall] = field(default_factory=dict)
    refusal: list[str] = field(default_factory=list)
    #: None until the model says why it stopped; a stream that ends before that was cut.
    finish: FinishReason | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = ""

    def add(self, event: StreamEvent) -> StreamEvent:
        if isinstance(event, TextDelta):
            self.text.append(event.text)
        elif isinstance(event, ToolCallStarted):
            self.calls[event.index] = _PendingCall(event.id, event.name)
        elif isinstance(event, ToolCallDelta):
            pending = self.calls.get(event.index)
            if pending is None:
                raise ModelResponseError(f"arguments for tool call {event.index} before its start")
            pending.arguments.append(event.arguments)
        return event

    def response(self) -> ModelResponse:
        refusal = "".join(self.refusal) or None
        return ModelResponse(
            text="".join(self.text),
            tool_calls=[
                ToolCallPart(id=c.id, name=c.name, arguments="".join(c.arguments))
                for _, c in sorted(self.calls.items())
            ],
            finish="refusal" if refusal else self.finish or "other",
            refusal=refusal,
            usage=TokenUsage(input_tokens=self.input_tokens, output_tokens=self.output_tokens),
            model=self.model,
        )

    def done(self) -> StreamDone:
        """The whole answer, once the model said why it stopped.

        A stream that ends cleanly without a finish reason (a proxy or server that closed it
        half-way) is not an answer: taken as one, half a sentence would reach the customer, or
        a tool call with half its arguments would be judged.
        """
        if self.finish is None:
            raise ModelResponseError(
                "the stream ended before the model finished its answer (no finish reason)"
            )
        return StreamDone(response=self.response())
