"""The retriever settings ask for, shared by every agent of the process that reads the same help.

Why a process registry: an agent is cheap to open (tests and the eval suite open hundreds, each
on its own temporary data folder), but a fresh Chroma index costs one embedding of the whole
help centre (tens of seconds on two cores). Retrievers are read-only once synced, so one per
(help folder as it is on disk, model, fusion settings) serves them all. The key is the folder's
file names, sizes and modification times, so an edited article makes the next agent build (and
incrementally re-index) a new one, while an unchanged folder costs one directory listing.

The first agent's ``kb_dir`` (``<data_dir>/kb`` by default) holds the persistent index; later
agents with the same help centre reuse that open index whatever their own ``kb_dir`` says, as
the vectors would be identical. Should that folder disappear (a temporary data folder), the
next agent builds the index again in its own ``kb_dir`` from vectors remembered in memory
(:class:`~agent.retrieval._memo.MemoEncoder`), so MiniLM still runs once per process.
``resolve kb index`` always syncs the folder settings name.
"""

from __future__ import annotations

import threading
from pathlib import Path

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval._memo import MemoEncoder
from resolution_agent.agent.retrieval.base import Retriever
from resolution_agent.agent.retrieval.hybrid import HybridConfig, HybridRetriever
from resolution_agent.agent.retrieval.index import ChromaIndex
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.understanding.classifier.embedding import Encoder, shared_encoder

_Key = tuple[str, tuple[tuple[str, int, int], ...], str, HybridConfig]
_SHARED: dict[_Key, HybridRetriever] = {}
_MEMOS: dict[int, MemoEncoder] = {}
_LOCK = threading.Lock()


def help_dir(settings: Settings) -> Path:
    """The help-centre folder: ``fixtures/help`` under the project root."""
    return settings.fixtures_dir / "help"


def kb_dir(settings: Settings) -> Path:
    """Where the persistent Chroma index lives: ``kb_dir``, else ``<data_dir>/kb``."""
    return (settings.kb_dir or settings.data_dir / "kb").expanduser().resolve()


def hybrid_config(settings: Settings) -> HybridConfig:
    return HybridConfig(
        rrf_k=settings.retrieval_rrf_k,
        dense_weight=settings.retrieval_dense_weight,
        lexical_weight=settings.retrieval_lexical_weight,
        intent_boost=settings.retrieval_intent_boost,
        similarity_floor=settings.retrieval_similarity_floor,
        intent_grounding_bonus=settings.retrieval_intent_grounding_bonus,
        grounded_at=settings.grounding_threshold,
    )


def new_hybrid(settings: Settings, *, remember: bool = False) -> HybridRetriever:
    """A hybrid retriever of its own over :func:`kb_dir`; nothing loaded yet.

    ``remember``: index through the process's :class:`MemoEncoder` (what shared agents use).
    """
    encoder = shared_encoder(threads=settings.intent_threads)
    index_encoder: Encoder = encoder
    if remember:
        with _LOCK:
            index_encoder = _MEMOS.setdefault(id(encoder), MemoEncoder(encoder))
    return HybridRetriever(
        load_articles(help_dir(settings)),
        ChromaIndex(kb_dir(settings), index_encoder),
        encoder,
        hybrid_config(settings),
    )


def build_retriever(settings: Settings) -> Retriever:
    """The agent's default retriever: shared hybrid (or plain BM25 with ``retriever=lexical``).

    Cheap: parses the articles the first time a folder state is seen (bad files fail here,
    at agent start, with the file named); the model and the index open on the first query.
    """
    if settings.retriever == "lexical":
        return LexicalRetriever(load_articles(help_dir(settings)))
    folder = help_dir(settings)
    encoder = shared_encoder(threads=settings.intent_threads)
    key: _Key = (
        str(folder.resolve()),
        _folder_state(folder),
        f"{encoder.identity}#{id(encoder)}",
        hybrid_config(settings),
    )
    with _LOCK:
        retriever = _SHARED.get(key)
    if retriever is None or retriever.stale:
        fresh = new_hybrid(settings, remember=True)
        with _LOCK:
            retriever = _SHARED.get(key)
            if retriever is None or retriever.stale:
                retriever = _SHARED[key] = fresh
    return retriever


def forget_shared() -> None:
    """Drop the shared retrievers (tests; a process that wants to reopen its index)."""
    with _LOCK:
        _SHARED.clear()
        _MEMOS.clear()


def _folder_state(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    state = []
    for path in sorted(folder.rglob("*.md")):
        stat = path.stat()
        state.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    return tuple(state)
