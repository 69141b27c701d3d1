"""BM25 over help-centre sections, with an intent boost. Pure Python, no index to build.

Scores are normalised to 0..1 by the query's best achievable score, so one grounding
threshold works whatever the query length.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from agent.helpcentre import Article
from agent.state import Passage

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    (
        "a an and are as at be been but by can could do does for from get got had has have how i "
        "i'm im in is it its me my of on or our please so that the their them then there this to "
        "was we what when where which who why will with would you your yours just still"
    ).split()
)


def tokens(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        out.append(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return out


class LexicalRetriever:
    def __init__(
        self,
        articles: list[Article],
        *,
        k1: float = 1.4,
        b: float = 0.75,
        intent_boost: float = 0.15,
    ) -> None:
        self._docs: list[tuple[Article, str, str, Counter[str], int]] = []
        for article in articles:
            for section in article.sections:
                body = f"{article.title} {section.heading} {section.text}"
                toks = tokens(f"{article.title} {section.heading} {section.heading} {body}")
                self._docs.append(
                    (article, section.heading, section.text, Counter(toks), len(toks))
                )
        self._n = len(self._docs)
        self._avg = sum(d[4] for d in self._docs) / max(self._n, 1)
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc[3].keys())
        self._idf = {t: math.log(1 + (self._n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._k1, self._b, self._boost = k1, b, intent_boost

    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        q = set(tokens(query))
        if not q or not self._docs:
            return []
        best_possible = sum(self._idf.get(t, 0.0) for t in q) * (self._k1 + 1) / 2
        if best_possible <= 0:
            return []
        per_article: dict[str, tuple[float, Article, str, str]] = {}
        for article, heading, text, tf, length in self._docs:
            score = 0.0
            norm = self._k1 * (1 - self._b + self._b * length / self._avg)
            for term in q:
                f = tf.get(term, 0)
                if f:
                    score += self._idf[term] * f * (self._k1 + 1) / (f + norm)
            score /= best_possible
            if intent and intent in article.intents:
                score += self._boost
            current = per_article.get(article.id)
            if current is None or score > current[0]:
                per_article[article.id] = (score, article, heading, text)
        ranked = sorted(per_article.values(), key=lambda r: (-r[0], r[1].id))[:k]
        return [
            Passage(
                article_id=a.id,
                title=a.title,
                section=h,
                snippet=_snippet(t),
                score=round(min(s, 1.0), 4),
                url=a.url,
            )
            for s, a, h, t in ranked
            if s > 0
        ]


def _snippet(text: str, limit: int = 320) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", " ".join(text.split()))
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: stop + 1] if stop > 80 else cut.rstrip() + "…"
