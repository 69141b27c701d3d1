"""``PAT-NEW-CLUSTER``: customers asking, in their own words, something the agent did not
understand, and many of them at once.

Each message the agent did not understand is embedded (our MiniLM, the shared encoder) and
compared once, as it arrives, with the baseline: a bounded random sample of the not-understood
messages of the history (messages of new clusters, and those close to one, left out, so a
topic that comes back is still new). One with a close match there
(cosine >= ``known_similarity``) is a known kind of message. The unknown ones of the last hour
are clustered by density (scikit-learn's ``HDBSCAN``: no number of clusters to guess, and
scattered one-off messages are left as noise); a cluster of enough conversations is new. Its
label is its top TF-IDF terms against the rest of the hour's messages, and a cluster found
again later keeps the label (and so the alert) it was first given. Vectors are cached by
text: customers repeat themselves, and the same text is embedded once.
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
    #: HDBSCAN's density: how many close neighbours make a message a core of a cluster. Low,
    #: so that a few repeats of a few phrasings already count as dense.
    min_samples: int = 2
    #: A message with a baseline neighbour this close is a known kind of message.
    known_similarity: float = 0.8
    #: The least mean cosine of a cluster's messages to its centre: one topic, not a heap of
    #: unrelated messages (HDBSCAN may return all the unknown messages as one cluster).
    min_cohesion: float = 0.6
    #: A later cluster this close to a new one's centre is the same cluster.
    same_cluster: float = 0.7
    baseline_size: int = 4000
    cache_size: int = 20000
    seed: int = 0


@dataclass(slots=True)
class _Item:
    conversation_id: str
    text: str
    vector: Vectors
    bucket: int
    known: bool
    flagged: bool = False


class NewClusters:
    """The ``PAT-NEW-CLUSTER`` detector over an :class:`Encoder`."""

    rule_id = RULE_ID

    def __init__(self, encoder: Encoder, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self._encoder = encoder
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._window: deque[_Item] = deque()
        self._baseline: Vectors | None = None  # rows [0, _kept) hold the sample
        self._kept = 0
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
            known = self._known(np.stack(vectors))
            for s, v, k in zip(fresh, vectors, known, strict=True):
                self._window.append(_Item(s.conversation_id, s.text, v, index, bool(k)))
        while self._window and self._window[0].bucket <= index - c.window_buckets:
            item = self._window.popleft()
            if not item.flagged and not self._near_new(item.vector):
                self._offer(item.vector)
        if bucket.learning:
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

    def _known(self, vectors: Vectors) -> NDArray[np.bool_]:
        if self._baseline is None or self._kept == 0:
            return np.zeros(len(vectors), dtype=bool)
        nearest = (vectors @ self._baseline[: self._kept].T).max(axis=1)
        return np.asarray(nearest >= self.config.known_similarity)

    def _near_new(self, vector: Vectors) -> bool:
        """Close to a cluster that was new: its stragglers must not make it known later."""
        return any(float(centre @ vector) >= self.config.same_cluster for centre, _ in self._named)

    def _offer(self, vector: Vectors) -> None:
        """Reservoir sampling: every baseline message has the same chance to be kept."""
        size = self.config.baseline_size
        if self._baseline is None:
            self._baseline = np.zeros((size, len(vector)), dtype=np.float32)
        self._offered += 1
        if self._kept < size:
            self._baseline[self._kept] = vector
            self._kept += 1
            return
        slot = int(self._rng.integers(self._offered))
        if slot < size:
            self._baseline[slot] = vector

    def _clusters(self, index: int) -> list[Finding]:
        from sklearn.cluster import HDBSCAN  # type: ignore[import-untyped, unused-ignore]

        c = self.config
        items = list(self._window)
        unknown = [k for k, i in enumerate(items) if not i.known]
        if len(unknown) < c.min_cluster_size:
            return []
        x = np.stack([items[k].vector for k in unknown])
        labels = np.full(len(items), -1)
        labels[unknown] = HDBSCAN(
            min_cluster_size=c.min_cluster_size,
            min_samples=c.min_samples,
            allow_single_cluster=True,  # the unknown messages of an hour may be one new topic
            copy=True,
        ).fit_predict(x)
        grouped: dict[str, list[_Item]] = {}  # clusters of one subject are one finding
        for label in sorted(set(labels.tolist()) - {-1}):
            members = [items[k] for k in np.flatnonzero(labels == label)]
            distinct = {m.conversation_id for m in members}
            if len(distinct) < c.min_cluster_size or members[-1].bucket != index:
                continue
            vectors = np.stack([m.vector for m in members])
            centre = vectors.mean(axis=0)
            centre /= max(float(np.linalg.norm(centre)), 1e-9)
            if float((vectors @ centre).mean()) < c.min_cohesion:
                continue
            for m in members:
                m.flagged = True
            subject = self._subject(centre, items, labels == label)
            grouped.setdefault(subject, []).extend(members)
        findings = []
        for subject, members in grouped.items():
            members.sort(key=lambda m: m.bucket)
            conversations = list(dict.fromkeys(m.conversation_id for m in members))
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
