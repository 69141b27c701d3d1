"""The interface every retriever fills: hybrid (MiniLM in Chroma + BM25) or BM25 alone."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from resolution_agent.agent.state import Passage


class Retriever(Protocol):
    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        """Best passages first; ``score`` is comparable with ``Settings.grounding_threshold``.

        ``k`` of them, then, for a question asking for a fact, any article a deeper look finds
        stating it (``focus.sections_stating_asks``), so an answer can state every fact asked.
        """
        ...


@runtime_checkable
class WarmsUp(Protocol):
    """A retriever with expensive first use (a model to open, an index to sync) it can do early.

    Optional: the agent calls it at start when a retriever has it, so the first customer does
    not wait; a retriever without it (BM25, a test double) simply starts on first search.
    """

    async def warm_up(self) -> object: ...
