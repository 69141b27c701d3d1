"""Finding help-centre passages for a customer's message: hybrid (MiniLM in Chroma + BM25)."""

from agent.retrieval.base import Retriever
from agent.retrieval.factory import build_retriever
from agent.retrieval.hybrid import HybridConfig, HybridRetriever
from agent.retrieval.index import ChromaIndex, SyncReport
from agent.retrieval.lexical import LexicalRetriever

__all__ = [
    "ChromaIndex",
    "HybridConfig",
    "HybridRetriever",
    "LexicalRetriever",
    "Retriever",
    "SyncReport",
    "build_retriever",
]
