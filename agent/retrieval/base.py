"""The interface every retriever fills: hybrid (MiniLM in Chroma + BM25) or BM25 alone."""

from __future__ import annotations

from typing import Protocol

from agent.state import Passage


class Retriever(Protocol):
    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        """Best passages first; ``score`` is comparable with ``Settings.grounding_threshold``."""
        ...
