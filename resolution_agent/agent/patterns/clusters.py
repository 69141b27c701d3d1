"""``PAT-NEW-CLUSTER``: customers asking, in their own words, something the agent did not
understand, and many of them at once.

The messages the agent did not understand in the last hour are embedded (our MiniLM, the
shared encoder) and clustered by density (scikit-learn's ``HDBSCAN``: no number of clusters to
guess, and scattered one-off messages are left as noise). A cluster is new when few of its
messages have a close match (cosine >= ``known_similarity``) among the not-understood messages
of the baseline, a bounded random sample of the history that excludes messages of new
clusters. Its label is its top TF-IDF terms, and a cluster found again later keeps the label
(and so the alert) it was first given. Vectors are cached by text: customers repeat
themselves, and the same text is embedded once.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from resolution_agent.agent.patterns.actions import NEW_CLUSTER
from resolution_agent.agent.patterns.alerts import SeriesPoint, Severity
from resolution_agent.agent.patterns.buckets import (
    MAX_CONVERSATIONS,
    MAX_EXAMPLES,
    Bucket,
    Finding,
)
from resolution_agent.agent.understanding.classifier.embedding import Encoder

RULE_ID = "PAT-NEW-CLUSTER"
Vectors = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    window_buckets: int = 6
    min_cluster_size: int = 5
    #: A message with a baseline neighbour this close is a known kind of message.
    known_similarity: float = 0.8
    #: A cluster with at most this share of known messages is new.
    max_known_share: float = 0.2
    #: A later cluster this close to a new one's centre is the same cluster.
    same_cluster: float = 0.8
    baseline_size: int = 4000
    cache_size: int = 20000
    seed: int = 0


@dataclass(slots=True)
class _Item:
    conversation_id: str
    text: str
    vector: Vectors
    bucket: int
    flagged: bool = False


class NewClusters:
    """The ``PAT-NEW-CLUSTER`` detector over an :class:`Encoder`."""

    rule_id = RULE_ID

    def __init__(self, encoder: Encoder, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self._encoder = encoder
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._window: deque[_Item] = deque()
        self._baseline: list[Vectors] = []
        self._offered = 0
        self._rng = np.random.default_rng(self.config.seed)
        self._named: list[tuple[Vectors, str]] = []
        self._buckets = 0
        self._starts: deque[tuple[int, datetime]] = deque(maxlen=self.config.window_buckets)
        #: Texts embedded (cache misses), for the benchmark's account of embedding cost.
        self.embedded = 0

    def observe(self, bucket: Bucket) -> list[Finding]:
        c = self.config
        index = self._buckets
        self._buckets += 1
        self._starts.append((index, bucket.start))
        fresh = [s for s in bucket.signals if not s.understood and s.text]
        if fresh:
            vectors = self._vectors([s.text for s in fresh])
            for s, v in zip(fresh, vectors, strict=True):
                self._window.append(_Item(s.conversation_id, s.text, v, index))
        while self._window and self._window[0].bucket <= index - c.window_buckets:
            item = self._window.popleft()
            if not item.flagged:
                self._offer(item.vector)
        if bucket.learning or len(self._window) < c.min_cluster_size:
            return []
        return self._clusters(index)

    def _vectors(self, texts: list[str]) -> list[Vectors]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self.embedded += len(missing)
            for text, vector in zip(missing, self._encoder.encode(missing), strict=True):
                self._cache[text] = vector
        out = []
        for text in texts:
            self._cache.move_to_end(text)
            out.append(self._cache[text])
        while len(self._cache) > self.config.cache_size:
            self._cache.popitem(last=False)
        return out

    def _offer(self, vector: Vectors) -> None:
        """Reservoir sampling: every baseline message has the same chance to be kept."""
        self._offered += 1
        if len(self._baseline) < self.config.baseline_size:
            self._baseline.append(vector)
            return
        slot = int(self._rng.integers(self._offered))
        if slot < self.config.baseline_size:
            self._baseline[slot] = vector

    def _clusters(self, index: int) -> list[Finding]:
        from sklearn.cluster import HDBSCAN  # type: ignore[import-untyped, unused-ignore]

        c = self.config
        items = list(self._window)
        x = np.stack([i.vector for i in items])
        labels = HDBSCAN(min_cluster_size=c.min_cluster_size, copy=True).fit_predict(x)
        baseline = np.stack(self._baseline) if self._baseline else None
        findings = []
        for label in sorted(set(labels.tolist()) - {-1}):
            members = [items[k] for k in np.flatnonzero(labels == label)]
            conversations = list(dict.fromkeys(m.conversation_id for m in members))
            if len(conversations) < c.min_cluster_size or members[-1].bucket != index:
                continue
            vectors = np.stack([m.vector for m in members])
            if baseline is not None:
                nearest = (vectors @ baseline.T).max(axis=1)
                known = float((nearest >= c.known_similarity).mean())
                if known > c.max_known_share:
                    continue
            for m in members:
                m.flagged = True
            centre = vectors.mean(axis=0)
            centre /= max(float(np.linalg.norm(centre)), 1e-9)
            subject = self._subject(centre, items, labels == label)
            findings.append(self._finding(subject, members, conversations))
        return findings

    def _subject(self, centre: Vectors, items: list[_Item], mask: NDArray[np.bool_]) -> str:
        for known_centre, subject in self._named:
            if float(known_centre @ centre) >= self.config.same_cluster:
                return subject
        subject = f"cluster:{top_terms([i.text for i in items], mask)}"
        self._named.append((centre, subject))
        return subject

    def _finding(self, subject: str, members: list[_Item], conversations: list[str]) -> Finding:
        n = len(conversations)
        severity: Severity = "high" if n >= 25 else "medium" if n >= 12 else "low"
        per_bucket: dict[int, set[str]] = {}
        for m in members:
            per_bucket.setdefault(m.bucket, set()).add(m.conversation_id)
        series = tuple(
            SeriesPoint(start=start, observed=len(per_bucket.get(i, ())), expected=0.0)
            for i, start in self._starts
        )
        label = subject.partition(":")[2]
        return Finding(
            rule_id=RULE_ID,
            subject=subject,
            title=f"new question not understood, '{label}': {n} conversations in the last hour",
            severity=severity,
            observed=n,
            expected=0.0,
            suggested_action=NEW_CLUSTER,
            examples=tuple(dict.fromkeys(m.text for m in reversed(members)))[:MAX_EXAMPLES],
            conversation_ids=tuple(conversations[-MAX_CONVERSATIONS:]),
            series=series,
        )


def top_terms(texts: list[str], mask: NDArray[np.bool_], k: int = 3) -> str:
    """The ``k`` terms that weigh most in the masked texts against all ``texts`` (TF-IDF)."""
    from sklearn.feature_extraction.text import (  # type: ignore[import-untyped, unused-ignore]
        TfidfVectorizer,
    )

    vectorizer = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[a-zA-Z]{3,}\b")
    try:
        weights = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return "unlabelled"
    mean = np.asarray(weights[np.flatnonzero(mask)].mean(axis=0)).ravel()
    terms = vectorizer.get_feature_names_out()
    top = [str(terms[i]) for i in np.argsort(-mean, kind="stable")[:k] if mean[i] > 0]
    return " ".join(top) or "unlabelled"
