"""A strict scripted model for tests and evals: each call takes the next scripted step.

It fails on a call nobody scripted and can assert that every step was used
(:meth:`ScriptedModel.assert_done`), unlike fakes that silently wrap around. A step is a
response, a model error to raise (to script an outage), or a function of the request.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from itertools import count

from pydantic import JsonValue

from resolution_agent.agent.models import (
    ModelError,
    ModelRequest,
    ModelResponse,
    StreamDone,
    StreamEvent,
    TextDelta,
    TokenUsage,
    ToolCallDelta,
    ToolCallPart,
    ToolCallStarted,
)

ScriptStep = ModelResponse | ModelError | Callable[[ModelRequest], ModelResponse]

_ids = count(1)


class UnexpectedModelCall(AssertionError):
    """The code under test called the model more often than the script allows."""


def call(
    name: str, arguments: dict[str, JsonValue] | str | None = None, **kwargs: JsonValue
) -> ToolCallPart:
    """A tool call; ``arguments`` as a dict (or raw JSON text, to script malformed JSON)."""
    raw = arguments if isinstance(arguments, str) else json.dumps({**(arguments or {}), **kwargs})
    return ToolCallPart(id=f"call_{next(_ids)}", name=name, arguments=raw)


def tool_response(
    *calls: ToolCallPart, input_tokens: int = 0, output_tokens: int = 0
) -> ModelResponse:
    """An answer that calls tools (several calls are a parallel tool call)."""
    return ModelResponse(
        tool_calls=list(calls),
        finish="tool_calls",
        usage=TokenUsage(input_tokens=input_tokens, output_tokens=output_tokens),
        model="scripted",
    )


def text_response(text: str, *, input_tokens: int = 0, output_tokens: int = 0) -> ModelResponse:
    """An answer in plain text."""
    return ModelResponse(
        text=text,
        usage=TokenUsage(input_tokens=input_tokens, output_tokens=output_tokens),
        model="scripted",
    )


class ScriptedModel:
    def __init__(self, steps: Iterable[ScriptStep], *, name: str = "scripted:model") -> None:
        self._steps: deque[ScriptStep] = deque(steps)
        self._name = name
        self.requests: list[ModelRequest] = []
        self.unexpected: list[ModelRequest] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def remaining(self) -> int:
        return len(self._steps)

    async def complete(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        if not self._steps:
            self.unexpected.append(request)
            raise UnexpectedModelCall(
                f"{self._name} was called {len(self.requests)} times; "
                f"only {len(self.requests) - len(self.unexpected)} steps were scripted"
            )
        step = self._steps.popleft()
        if isinstance(step, ModelError):
            raise step
        return step(request) if callable(step) else step

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        response = await self.complete(request)
        for piece in re.findall(r"\s*\S+", response.text):
            yield TextDelta(text=piece)
        for index, part in enumerate(response.tool_calls):
            yield ToolCallStarted(index=index, id=part.id, name=part.name)
            yield ToolCallDelta(index=index, arguments=part.arguments)
        yield StreamDone(response=response)

    async def aclose(self) -> None:
        return None

    def assert_done(self) -> None:
        """Every scripted step was used, and nothing called the model beyond the script."""
        if self.unexpected:
            raise UnexpectedModelCall(
                f"{len(self.unexpected)} unexpected call(s) to {self._name}; last system "
                f"prompt starts: {self.unexpected[-1].system[:200]!r}"
            )
        if self._steps:
            raise AssertionError(f"{len(self._steps)} scripted step(s) of {self._name} unused")
