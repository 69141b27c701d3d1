"""Hybrid retrieval: MiniLM similarity (Chroma) and BM25, fused by reciprocal rank fusion.

Why both: the dense side understands paraphrase and slang ("the atm ate my card" is a
swallowed card) but blurs exact terms; BM25 is sharp on terms ("Direct Debit Guarantee",
"FSCS") and blind to paraphrase. RRF adds ``weight / (rrf_k + rank)`` votes from each ranking,
so neither side's score scale matters, and an article that both sides rank high wins. Articles
whose front matter lists the understood intent get ``intent_boost`` first-place votes more.

Ranks decide the order; they cannot say whether the help centre answers the question at all.
That is the grounding score of each hit: the cosine similarity of the article's closest chunk,
rescaled so an unrelated text scores 0 (``(cosine - similarity_floor) / (1 - similarity_floor)``)
and compared with ``Settings.grounding_threshold`` by the planner; an article whose front matter
lists the understood intent gets ``intent_grounding_bonus`` on top, as the classifier's
confident reading of the message is evidence of its own. Cosine is used otherwise because
BM25's normalised score is high for any query sharing one rare word with an article ("netflix
password" and "passcode reset"), which is exactly the unanswerable case.

Nothing is loaded on construction: the first query (or :meth:`warm_up`) opens the model and
the collection and syncs the index, in a worker thread when called through :meth:`search`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.helpcentre import Article
from resolution_agent.agent.retrieval.chunks import Chunk
from resolution_agent.agent.retrieval.focus import sections_stating_asks
from resolution_agent.agent.retrieval.index import ChromaIndex, DenseHit, SyncReport
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.retrieval.qualifiers import Qualifier, detect
from resolution_agent.agent.state import Passage
from resolution_agent.agent.understanding.classifier.embedding import Encoder
from resolution_agent.agent.understanding.classifier.joined import encode_reusing

Method = Literal["hybrid", "dense", "lexical"]


class HybridConfig(BaseModel):
    """Fusion knobs, tuned on ``fixtures/retrieval/queries.yaml`` (``benchmarks/retrieval.py``)."""

    model_config = ConfigDict(frozen=True)

    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.25, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    # BM25 length normalisation. Lower than the usual 0.75: sections are short, and with full
    # normalisation a two-line section that repeats the query's words outranks the article
    # that answers it. Alone, BM25 does best at 0.75; inside the fusion, at 0.3.
    lexical_b: float = Field(default=0.3, ge=0, le=1)
    intent_boost: float = Field(default=0.5, ge=0)
    dense_candidates: int = Field(default=60, ge=1)
    lexical_candidates: int = Field(default=100, ge=1)
    similarity_floor: float = Field(default=0.12, ge=0, lt=1)
    intent_grounding_bonus: float = Field(default=0.05, ge=0, le=1)
    # More on top when no passage is grounded (``grounded_at``, the planner's threshold) and
    # that article's passage states every qualifier of a question asking for a fact or narrowed
    # twice ("at 2am on Christmas Day, will it get to him?": how long, a bank holiday, the
    # night; "how do I find my sort code": the steps): the words asked for, in the article the
    # sure reading names, are evidence the help centre answers it, however loosely the whole
    # message resembles the section. Never where a passage is grounded already: a CHAPS fee
    # question is not answered from the international article for stating a fee and a time.
    qualified_grounding_bonus: float = Field(default=0.2, ge=0, le=1)
    grounded_at: float = Field(default=0.35, ge=0)


class HybridRetriever:
    """Fills the :class:`~agent.retrieval.base.Retriever` protocol over a help centre."""

    def __init__(
        self,
        articles: Sequence[Article],
        index: ChromaIndex,
        encoder: Encoder,
        config: HybridConfig | None = None,
    ) -> None:
        self._articles = list(articles)
        self._by_id = {article.id: article for article in self._articles}
        self._index = index
        self._encoder = encoder
        self.config = config or HybridConfig()
        self._lexical: LexicalRetriever | None = None
        self._chunks: dict[str, Chunk] = {}
        self._sync: SyncReport | None = None
        self._lock = threading.Lock()

    @property
    def articles(self) -> list[Article]:
        return self._articles

    @property
    def index(self) -> ChromaIndex:
        return self._index

    @property
    def stale(self) -> bool:
        """Synced once, but its index folder has since been deleted (a temporary data dir)."""
        return self._sync is not None and not self._index.folder.exists()

    def ready(self) -> SyncReport:
        """Sync the index with the articles and build BM25, once; later calls return at once."""
        with self._lock:
            if self._sync is None:
                lexical = LexicalRetriever(self._articles, b=self.config.lexical_b)
                self._chunks = {chunk.id: chunk for chunk in lexical.chunks}
                self._sync = self._index.sync(self._articles)
                self._encoder.encode(["warm up"])  # the first encode pays for opening MiniLM
                self._lexical = lexical
            return self._sync

    async def warm_up(self) -> SyncReport:
        """Open the model and sync the index now, so the first customer does not wait."""
        return await asyncio.to_thread(self.ready)

    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        return await asyncio.to_thread(self.rank, query, intent=intent, k=k)

    def rank(
        self, query: str, *, intent: str | None = None, k: int = 3, method: Method = "hybrid"
    ) -> list[Passage]:
        """Best articles first, each with its best section; blocking (embedding, Chroma).

        A question asking for a fact (``retrieval.qualifiers``) may get, after the ``k`` best,
        articles of the ``2 k`` best whose sections state an ask (``focus.sections_stating_asks``):
        what an answer needs to state every fact asked, where asked.

        ``method`` picks one side alone (the benchmark compares them); both sides see the query
        with typos repaired. The dense side reuses the vector understanding computed for the
        same text, or composes the episode's (its first message and what the customer added,
        each encoded on its own turn: ``classifier.joined``), so a turn runs MiniLM once.
        """
        self.ready()
        assert self._lexical is not None
        if not query.strip() or k <= 0:
            return []
        if method == "lexical":
            return self._lexical.rank(query, k=k)
        vector = encode_reusing(self._encoder, self._lexical.normalise(query))
        # A chunk this retriever does not know was added by a newer retriever sharing the folder.
        dense = [
            hit
            for hit in self._index.query(vector, n=self.config.dense_candidates)
            if hit.chunk_id in self._chunks
        ]
        cosine = _best_per_article(dense)
        if method == "dense":
            order = sorted(cosine, key=lambda a: (-cosine[a][1], a))[:k]
            return [self._passage(a, cosine[a][0], cosine[a][1], ()) for a in order]

        best = self._lexical.score_chunks(query, limit=self.config.lexical_candidates)
        lexical = [chunk.id for chunk, _ in best]
        votes, chunk_votes = self._fuse([hit.chunk_id for hit in dense], lexical, intent)
        ranked = sorted(votes, key=lambda a: (-votes[a], a))
        order = ranked[:k]
        qualifiers = detect(query, self._lexical.normalise(query))
        # An asked fact kept in an article the topic ranks lower joins, with its section.
        deeper = set(ranked[: 2 * k])
        sections = sorted(
            (c for c in chunk_votes if self._chunks[c].article_id in deeper),
            key=lambda c: (-chunk_votes[c], c),
        )
        pulled = {
            chunk.article_id: chunk.id
            for chunk in sections_stating_asks((self._chunks[c] for c in sections), qualifiers)
            if chunk.article_id not in order
        }
        order = [*order, *pulled]
        missing = [a for a in order if a not in cosine]
        found = self._index.similarities(vector, missing)
        cosine.update(_best_per_article([h for h in found if h.chunk_id in self._chunks]))
        by_article: dict[str, list[str]] = {}
        for chunk_id in chunk_votes:
            by_article.setdefault(self._chunks[chunk_id].article_id, []).append(chunk_id)
        passages = []
        for article_id in order:
            candidates = by_article[article_id]
            closest, similarity = cosine.get(article_id, (candidates[0], 0.0))
            best_chunk = pulled.get(article_id) or max(
                candidates, key=lambda c: (chunk_votes[c], c == closest)
            )
            passage = self._passage(article_id, best_chunk, similarity, qualifiers)
            if intent and intent in self._by_id[article_id].intents:
                bonus = min(passage.score + self.config.intent_grounding_bonus, 1.0)
                passage = passage.model_copy(update={"score": round(bonus, 4)})
            passages.append(passage)
        if intent and not any(p.score >= self.config.grounded_at for p in passages):
            passages = [self._lift_qualified(p, intent, qualifiers) for p in passages]
        return passages

    def _lift_qualified(
        self, passage: Passage, intent: str, qualifiers: tuple[Qualifier, ...]
    ) -> Passage:
        """``passage`` with ``qualified_grounding_bonus`` added when it is of an article listing
        ``intent`` and states every qualifier of a question that asks for a fact."""
        asked = sum(q.weight for q in qualifiers)
        if (
            asked < 2
            or intent not in self._by_id[passage.article_id].intents
            or not {q.name for q in qualifiers} <= set(passage.answers)
        ):
            return passage
        lifted = min(passage.score + self.config.qualified_grounding_bonus, 1.0)
        return passage.model_copy(update={"score": round(lifted, 4)})

    def _fuse(
        self, dense: list[str], lexical: list[str], intent: str | None
    ) -> tuple[dict[str, float], dict[str, float]]:
        """RRF votes per article (plus the intent boost) and per chunk (to pick the section)."""
        cfg = self.config
        votes: dict[str, float] = {}
        chunk_votes: dict[str, float] = {}
        for ranking, weight in ((dense, cfg.dense_weight), (lexical, cfg.lexical_weight)):
            seen: set[str] = set()
            for position, chunk_id in enumerate(ranking, start=1):
                chunk_votes[chunk_id] = chunk_votes.get(chunk_id, 0.0) + weight / (
                    cfg.rrf_k + position
                )
                article_id = self._chunks[chunk_id].article_id
                if article_id not in seen:
                    seen.add(article_id)
                    vote = weight / (cfg.rrf_k + len(seen))
                    votes[article_id] = votes.get(article_id, 0.0) + vote
        if intent:
            for article_id in votes:
                if intent in self._by_id[article_id].intents:
                    votes[article_id] += cfg.intent_boost / (cfg.rrf_k + 1)
        return votes, chunk_votes

    def grounding(self, similarity: float) -> float:
        """Cosine similarity rescaled so that unrelated text is 0 and the same text is 1."""
        floor = self.config.similarity_floor
        return max(0.0, min(1.0, (similarity - floor) / (1 - floor)))

    def _passage(
        self,
        article_id: str,
        chunk_id: str,
        similarity: float,
        qualifiers: tuple[Qualifier, ...],
    ) -> Passage:
        """The article's passage; for a qualified question, focused on the fact asked."""
        assert self._lexical is not None
        return self._lexical.focused(self._chunks[chunk_id], qualifiers, self.grounding(similarity))


def _best_per_article(hits: list[DenseHit]) -> dict[str, tuple[str, float]]:
    """Article id -> (closest chunk id, its similarity)."""
    best: dict[str, tuple[str, float]] = {}
    for hit in hits:
        current = best.get(hit.article_id)
        if current is None or hit.similarity > current[1]:
            best[hit.article_id] = (hit.chunk_id, hit.similarity)
    return best
