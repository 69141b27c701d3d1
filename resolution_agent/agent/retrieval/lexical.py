"""BM25 over help-centre chunks, with an intent boost. Pure Python, built in milliseconds.

Used on its own (``RESOLVE_RETRIEVER=lexical``, no model) and as the lexical half of the
hybrid retriever. Query words the index does not know are repaired to the nearest known word
(one edit) before scoring, so "activte" still finds "activate".

Scores are normalised to 0..1 by the query's best achievable score, counting words the help
centre never uses at the highest weight: a query about "netflix passwords" that matches only
"password" is then a weak match, not a perfect one.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from resolution_agent.agent.helpcentre import Article
from resolution_agent.agent.retrieval.chunks import Chunk, chunk_articles
from resolution_agent.agent.retrieval.focus import focus, sections_stating_asks
from resolution_agent.agent.retrieval.qualifiers import Qualifier, detect
from resolution_agent.agent.state import Passage
from resolution_agent.agent.text import SpellFix, respell, stem, tokens, words


class LexicalRetriever:
    def __init__(
        self,
        articles: list[Article],
        *,
        k1: float = 1.4,
        b: float = 0.75,
        intent_boost: float = 0.15,
    ) -> None:
        self._articles = {article.id: article for article in articles}
        self._chunks = chunk_articles(articles)
        self._by_article: dict[str, list[Chunk]] = {}
        for chunk in self._chunks:
            self._by_article.setdefault(chunk.article_id, []).append(chunk)
        counts = [Counter(tokens(chunk.lexical_text)) for chunk in self._chunks]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        avg = float(lengths.mean()) if len(lengths) else 1.0
        # BM25's per-chunk term weight depends only on tf and the chunk's length, so it is
        # computed once here; a query then adds idf * weight over each term's postings.
        norm = k1 * (1 - b + b * lengths / avg)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for n, chunk_counts in enumerate(counts):
            for term, tf in chunk_counts.items():
                rows, weights = postings.setdefault(term, ([], []))
                rows.append(n)
                weights.append(tf * (k1 + 1) / (tf + norm[n]))
        self._postings = {
            term: (np.array(rows, dtype=np.int64), np.array(weights, dtype=np.float64))
            for term, (rows, weights) in postings.items()
        }
        count = len(self._chunks)
        self._idf = {
            term: math.log(1 + (count - len(rows) + 0.5) / (len(rows) + 0.5))
            for term, (rows, _) in self._postings.items()
        }
        self._max_idf = max(self._idf.values(), default=1.0)
        self._spell = SpellFix(word for chunk in self._chunks for word in words(chunk.text))
        self._k1, self._boost = k1, intent_boost

    @property
    def chunks(self) -> list[Chunk]:
        return self._chunks

    def article(self, article_id: str) -> Article:
        return self._articles[article_id]

    def article_chunks(self, article_id: str) -> list[Chunk]:
        """The article's sections in order, introduction first."""
        return self._by_article[article_id]

    def focused(self, chunk: Chunk, qualifiers: tuple[Qualifier, ...], score: float) -> Passage:
        """The passage of ``chunk``'s article, focused on what a qualified question asks."""
        found = focus(self._by_article[chunk.article_id], chunk, qualifiers)
        return Passage(
            article_id=chunk.article_id,
            title=chunk.title,
            section=found.chunk.section,
            snippet=found.text,
            score=round(min(score, 1.0), 4),
            url=self._articles[chunk.article_id].url,
            answers=found.answers,
        )

    def corrected_words(self, query: str) -> list[str]:
        """The query's words with typos repaired; words nothing is close to kept as they are."""
        return [self._spell.fix(word) or word for word in words(query)]

    def normalise(self, query: str) -> str:
        """The query as the help centre would spell it (what the dense side embeds)."""
        return respell(query, self._spell)

    def query_terms(self, query: str) -> list[str]:
        """The query's index terms: stemmed, typos repaired, each once."""
        return list(dict.fromkeys(stem(word) for word in self.corrected_words(query)))

    def score_chunks(self, query: str, *, limit: int | None = None) -> list[tuple[Chunk, float]]:
        """Chunks with a normalised BM25 score above zero, best first (the ``limit`` best)."""
        terms = self.query_terms(query)
        if not terms or not self._chunks:
            return []
        best_possible = sum(self._idf.get(t, self._max_idf) for t in terms) * (self._k1 + 1) / 2
        scores = np.zeros(len(self._chunks), dtype=np.float64)
        for term in terms:
            if term in self._postings:
                rows, weights = self._postings[term]
                scores[rows] += self._idf[term] * weights
        hits = np.flatnonzero(scores)
        if limit is not None and len(hits) > limit:
            hits = hits[np.argpartition(-scores[hits], limit - 1)[:limit]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [(self._chunks[n], min(float(scores[n]) / best_possible, 1.0)) for n in hits]

    def rank(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        """Best chunk per article, intent-boosted, best article first.

        As the hybrid retriever does, a question asking for a fact may get, after the ``k``
        best, articles of the ``2 k`` best whose sections state an ask
        (``focus.sections_stating_asks``).
        """
        per_article: dict[str, tuple[float, Chunk]] = {}
        scored: list[tuple[float, Chunk]] = []
        for chunk, score in self.score_chunks(query):
            article = self._articles[chunk.article_id]
            if intent and intent in article.intents:
                score += self._boost
            scored.append((score, chunk))
            current = per_article.get(article.id)
            if current is None or score > current[0]:
                per_article[article.id] = (score, chunk)
        ranked = sorted(per_article.values(), key=lambda r: (-r[0], r[1].article_id))
        qualifiers = detect(query, self.normalise(query))
        chosen = {chunk.article_id for _, chunk in ranked[:k]}
        deeper = {chunk.article_id: score for score, chunk in ranked[: 2 * k]}
        sections = sorted(
            (row for row in scored if row[1].article_id in deeper), key=lambda r: (-r[0], r[1].id)
        )
        pulled = [
            (deeper[chunk.article_id], chunk)
            for chunk in sections_stating_asks((chunk for _, chunk in sections), qualifiers)
            if chunk.article_id not in chosen
        ]
        return [self.focused(chunk, qualifiers, score) for score, chunk in [*ranked[:k], *pulled]]

    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        return self.rank(query, intent=intent, k=k)
