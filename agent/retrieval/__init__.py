"""Finding help-centre passages for a customer's message."""

from agent.retrieval.base import Retriever
from agent.retrieval.lexical import LexicalRetriever

__all__ = ["LexicalRetriever", "Retriever"]
