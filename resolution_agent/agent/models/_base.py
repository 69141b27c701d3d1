"""The one async model interface every provider adapter, wrapper and test model fills."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from resolution_agent.agent.models._messages import ModelRequest, ModelResponse
from resolution_agent.agent.models._stream import StreamEvent


class Model(Protocol):
    @property
    def name(self) -> str:
        """The model spec, e.g. ``openai:gpt-4.1-mini``; also the price-table key."""
        ...

    async def complete(self, request: ModelRequest) -> ModelResponse:
        """The whole answer. Raises :class:`agent.models.ModelError` subclasses."""
        ...

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        """The answer as it is produced, ending with ``StreamDone``."""
        ...

    async def aclose(self) -> None:
        """Close the HTTP client behind the model."""
        ...
