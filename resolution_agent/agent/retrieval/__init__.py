"""Finding help-centre passages for a customer's message: hybrid (MiniLM in Chroma + BM25).

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution_agent.agent.lazy import lazy_names

if TYPE_CHECKING:
    from resolution_agent.agent.retrieval.base import Retriever
    from resolution_agent.agent.retrieval.factory import build_retriever
    from resolution_agent.agent.retrieval.hybrid import HybridConfig, HybridRetriever
    from resolution_agent.agent.retrieval.index import ChromaIndex, SyncReport
    from resolution_agent.agent.retrieval.lexical import LexicalRetriever

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "Retriever": ("resolution_agent.agent.retrieval.base", "Retriever"),
    "build_retriever": ("resolution_agent.agent.retrieval.factory", "build_retriever"),
    "HybridConfig": ("resolution_agent.agent.retrieval.hybrid", "HybridConfig"),
    "HybridRetriever": ("resolution_agent.agent.retrieval.hybrid", "HybridRetriever"),
    "ChromaIndex": ("resolution_agent.agent.retrieval.index", "ChromaIndex"),
    "SyncReport": ("resolution_agent.agent.retrieval.index", "SyncReport"),
    "LexicalRetriever": ("resolution_agent.agent.retrieval.lexical", "LexicalRetriever"),
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
