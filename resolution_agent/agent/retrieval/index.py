"""The dense half: help-centre chunks embedded with MiniLM in a persistent Chroma collection.

Re-indexing is incremental. Every chunk stores its article's content hash; :meth:`sync`
compares those with the articles on disk and re-embeds only the articles that are new or
changed, and deletes the chunks of articles that are gone. Embedding is the only slow step
(tens of milliseconds a chunk on one CPU thread), so an edit to one article costs one
article's worth of embedding, not the help centre's.

Chroma is opened with telemetry off and without an embedding function (its default one would
download a model): every vector is supplied by our encoder, which the collection's metadata
names, together with the chunk format. A collection built by another encoder or chunk format
is dropped and rebuilt rather than silently mixing vector spaces.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import structlog
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.errors import StorageError
from resolution_agent.agent.helpcentre import Article
from resolution_agent.agent.retrieval.chunks import CHUNK_FORMAT, Chunk, chunk_article
from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import Where

COLLECTION = "help-centre"
log = structlog.get_logger(__name__)


class SyncReport(BaseModel):
    """What one :meth:`ChromaIndex.sync` did."""

    model_config = ConfigDict(frozen=True)

    added: int
    updated: int
    removed: int
    unchanged: int
    chunks_embedded: int
    seconds: float


class DenseHit(BaseModel):
    """One stored chunk close to the query; ``similarity`` is the cosine similarity."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    article_id: str
    similarity: float


class ChromaIndex:
    """A persistent Chroma collection of chunk embeddings under ``folder``.

    Opening is lazy (importing chromadb alone takes a second); calls are serialised by a lock
    because one index is shared by every conversation of the process.
    """

    def __init__(self, folder: Path, encoder: Encoder, *, name: str = COLLECTION) -> None:
        self.folder = folder
        self._encoder = encoder
        self._name = name
        self._client: ClientAPI | None = None
        self._collection: Collection | None = None
        # Chunks in the collection as of this index's last sync: Chroma's count() is a SQL
        # count, 60% of a query's time when asked per query (2.5 of 4 ms).
        self._total: int | None = None
        self._lock = threading.RLock()

    def _open(self) -> Collection:
        with self._lock:
            if self._collection is None:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                self.folder.mkdir(parents=True, exist_ok=True)
                try:
                    self._client = chromadb.PersistentClient(
                        path=str(self.folder),
                        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
                    )
                except BaseException:
                    self._forget_system()
                    raise
                wanted = {"encoder": self._encoder.identity, "chunk_format": CHUNK_FORMAT}
                collection = self._client.get_or_create_collection(
                    self._name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata=wanted,
                )
                stored = collection.metadata or {}
                if any(stored.get(key) != value for key, value in wanted.items()):
                    # Vectors of another model or chunk shape: start again, never mix them.
                    self._client.delete_collection(self._name)
                    collection = self._client.create_collection(
                        self._name,
                        embedding_function=None,
                        configuration={"hnsw": {"space": "cosine"}},
                        metadata=wanted,
                    )
                self._collection = collection
            return self._collection

    def stored_hashes(self) -> dict[str, str]:
        """Article id -> content hash of what the collection holds now.

        Read from each article's first chunk only (every article has one): at 10,000 articles
        that halves the time of a sync that finds one change.
        """
        first: Where = {"ordinal": 0}
        with self._lock:
            got = self._open().get(where=first, include=["metadatas"])
        hashes: dict[str, str] = {}
        for meta in got["metadatas"] or []:
            hashes[str(meta["article_id"])] = str(meta["content_hash"])
        return hashes

    def count(self) -> int:
        with self._lock:
            return self._open().count()

    def sync(self, articles: Sequence[Article]) -> SyncReport:
        """Make the collection hold exactly ``articles``, re-embedding only what changed.

        A damaged index (Chroma cannot read its files) is derived data: it is deleted and
        built again from ``articles``, with a warning, rather than stopping the agent. Only
        when the rebuilt one fails too does the error name the folder and what to run.
        """
        from chromadb.errors import ChromaError

        try:
            return self._sync(articles)
        except (ChromaError, sqlite3.DatabaseError) as exc:
            log.warning(
                "kb_index_damaged",
                folder=str(self.folder),
                error=f"{type(exc).__name__}: {exc}"[:200],
                action="deleted and rebuilt from the help centre",
            )
            self._discard()
        try:
            return self._sync(articles)
        except Exception as exc:  # whatever it is, the index in this folder cannot be used
            raise StorageError(
                f"the help-centre index in {self.folder} cannot be used ({exc}); delete it and "
                f"build it again: rm -r {self.folder} && resolve kb index",
                path=self.folder,
            ) from exc

    def _discard(self) -> None:
        """Close the client and delete Chroma's files, and nothing else, from the folder."""
        with self._lock:
            client, self._client, self._collection = self._client, None, None
            self._total = None
            close = getattr(client, "close", None)  # chromadb >= 1.1; not in ClientAPI's type
            if close is not None:
                with contextlib.suppress(Exception):  # best effort: its files are going anyway
                    close()
            self._forget_system()
            for name in ("chroma.sqlite3", "chroma.sqlite3-wal", "chroma.sqlite3-shm"):
                (self.folder / name).unlink(missing_ok=True)
            for child in self.folder.iterdir() if self.folder.is_dir() else ():
                if child.is_dir() and _is_uuid(child.name):  # a segment folder of Chroma's
                    shutil.rmtree(child)

    def _forget_system(self) -> None:
        """Drop Chroma's process-wide system for this folder, so the next open starts afresh.

        A client that failed to start stays registered under its path, half made, and Chroma
        would hand it to every later client of the folder; nothing public removes one alone.
        """
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self.folder), None)

    def _sync(self, articles: Sequence[Article]) -> SyncReport:
        started = time.perf_counter()
        with self._lock:
            collection = self._open()
            stored = self.stored_hashes()
            current = {article.id: article for article in articles}
            added = [a for a in articles if a.id not in stored]
            updated = [a for a in articles if a.id in stored and stored[a.id] != a.content_hash]
            removed = sorted(set(stored) - set(current))
            stale = removed + [a.id for a in updated]
            if stale:
                collection.delete(where=_article_in(stale))
            chunks = [chunk for a in added + updated for chunk in chunk_article(a)]
            if chunks:
                vectors = self._encoder.encode([chunk.embedding_text for chunk in chunks])
                self._add(collection, chunks, vectors, current)
            self._probe(collection)
            self._total = collection.count()
        return SyncReport(
            added=len(added),
            updated=len(updated),
            removed=len(removed),
            unchanged=len(articles) - len(added) - len(updated),
            chunks_embedded=len(chunks),
            seconds=round(time.perf_counter() - started, 4),
        )

    @staticmethod
    def _probe(collection: Collection) -> None:
        """Query one stored vector, so a damaged vector index fails the sync, not a turn."""
        got = collection.get(limit=1, include=["embeddings"])
        embeddings = got["embeddings"]
        if embeddings is not None and len(embeddings):
            collection.query(
                query_embeddings=np.asarray(embeddings[0], dtype=np.float32).reshape(1, -1),
                n_results=1,
                include=["distances"],
            )

    def _add(
        self,
        collection: Collection,
        chunks: list[Chunk],
        vectors: Matrix,
        articles: dict[str, Article],
    ) -> None:
        assert self._client is not None
        batch = max(1, self._client.get_max_batch_size())
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            metadatas: list[dict[str, Any]] = [
                {
                    "article_id": c.article_id,
                    "content_hash": articles[c.article_id].content_hash,
                    "section": c.section,
                    "ordinal": c.ordinal,
                }
                for c in part
            ]
            # upsert: ids left behind by an interrupted sync are overwritten, not an error
            collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + batch],
                metadatas=metadatas,  # type: ignore[arg-type]
                documents=[c.text for c in part],
            )

    def query(self, vector: Matrix, *, n: int) -> list[DenseHit]:
        """The ``n`` chunks closest to ``vector`` (one L2-normalised row), closest first.

        Only distances are fetched: the article id is part of the chunk id, and skipping the
        metadata makes the query about three times faster.
        """
        with self._lock:
            collection = self._open()
            total = self._total if self._total is not None else collection.count()
            if total == 0:
                return []
            found = collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=min(n, total),
                include=["distances"],
            )
        ids = found["ids"][0]
        distances = (found["distances"] or [[]])[0]
        return [
            DenseHit(chunk_id=i, article_id=article_of(i), similarity=1.0 - float(d))
            for i, d in zip(ids, distances, strict=True)
        ]

    def similarities(self, vector: Matrix, article_ids: Sequence[str]) -> list[DenseHit]:
        """Exact similarities of every chunk of ``article_ids`` (those a query's top n missed)."""
        if not article_ids:
            return []
        with self._lock:
            got = self._open().get(
                where=_article_in(article_ids),
                include=["embeddings"],
            )
        embeddings = got["embeddings"]
        if embeddings is None or len(got["ids"]) == 0:
            return []
        sims = np.asarray(embeddings, dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        return [
            DenseHit(chunk_id=i, article_id=article_of(i), similarity=float(s))
            for i, s in zip(got["ids"], sims.reshape(-1), strict=True)
        ]


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def article_of(chunk_id: str) -> str:
    """The article id of a chunk id (``<article id>#<n>``, see :mod:`agent.retrieval.chunks`)."""
    return chunk_id.rsplit("#", 1)[0]


def _article_in(article_ids: Sequence[str]) -> Where:
    values: list[str | int | float | bool] = list(article_ids)
    clause: dict[Literal["$in", "$nin"], list[str | int | float | bool]] = {"$in": values}
    return {"article_id": clause}
