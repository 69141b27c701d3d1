"""Finding help-centre passages for a customer's message: hybrid (MiniLM in Chroma + BM25).

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.lazy import lazy_names

if TYPE_CHECKING:
    from agent.retrieval.base import Retriever
    from agent.retrieval.factory import build_retriever
    from agent.retrieval.hybrid import HybridConfig, HybridRetriever
    from agent.retrieval.index import ChromaIndex, SyncReport
    from agent.retrieval.lexical import LexicalRetriever

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "Retriever": ("agent.retrieval.base", "Retriever"),
    "build_retriever": ("agent.retrieval.factory", "build_retriever"),
    "HybridConfig": ("agent.retrieval.hybrid", "HybridConfig"),
    "HybridRetriever": ("agent.retrieval.hybrid", "HybridRetriever"),
    "ChromaIndex": ("agent.retrieval.index", "ChromaIndex"),
    "SyncReport": ("agent.retrieval.index", "SyncReport"),
    "LexicalRetriever": ("agent.retrieval.lexical", "LexicalRetriever"),
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())


__all__ = [
    "ChromaIndex",
    "HybridConfig",
    "HybridRetriever",
    "LexicalRetriever",
    "Retriever",
    "SyncReport",
    "build_retriever",
]
