"""The agent's slow first start, done in front of the user: what is built, why, and how far.

Opening an agent builds, when its caches are cold, the help-centre index (every article
embedded with MiniLM), the intent model (the shipped utterances embedded, then fitted),
the input guard's injection detector (``guards.detector``, trained the same way) and, when a
model plans, the output guard's reply detector (``guards.reply_detector``): a few minutes on
two cores, silent when the agent does it. The command line calls
:func:`warm_up` first, so that the same work happens with progress on standard error and a
line saying what is being built and why (only when it is built: a warm cache shows nothing but
a short spinner). The agent's own start then finds both cached and opens them in a second.

The index is synced into the same folder the agent uses (``RESOLVE_KB_DIR``), as ``resolve kb
index`` does, and the intent model is trained into the same cache (``RESOLVE_MODELS_DIR``), so
nothing here is a second copy of what the agent builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from resolution_agent.agent.progress import ProgressCallback, Task, note, progress

if TYPE_CHECKING:
    from resolution_agent.agent.settings import Settings
    from resolution_agent.agent.understanding.classifier import EmbeddingIntentClassifier
    from resolution_agent.agent.understanding.classifier.embedding import (
        Encoder,
        Matrix,
        MiniLMEncoder,
    )

#: Texts embedded between two progress reports: small enough for a smooth bar, large enough
#: that MiniLM still works on full batches (64).
SLICE = 128


class ReportingEncoder:
    """An encoder that embeds in slices and reports ``(done, total)`` after each one.

    It has the identity of the encoder it wraps, so cache keys (the intent model's, the
    index's) are those of the agent's own encoder.
    """

    def __init__(self, inner: Encoder, report: ProgressCallback) -> None:
        self._inner = inner
        self._report = report

    @property
    def identity(self) -> str:
        return self._inner.identity

    def encode(self, texts: list[str]) -> Matrix:
        if len(texts) <= SLICE:
            vectors = self._inner.encode(texts)
            self._report(len(texts), len(texts))
            return vectors
        parts = []
        for start in range(0, len(texts), SLICE):
            parts.append(self._inner.encode(texts[start : start + SLICE]))
            self._report(min(start + SLICE, len(texts)), len(texts))
        return np.concatenate(parts).astype(np.float32, copy=False)


def warm_up(settings: Settings, *, index: bool = True) -> None:
    """Open MiniLM, sync the help-centre index and build the intent model, with progress.

    ``index=False``: the caller brings its own retriever (the red-team suite's BM25 over
    planted articles), so the shared index is not built for it.
    """
    hybrid = index and settings.retriever == "hybrid"
    embedding = settings.intent_classifier == "embedding"
    if not (hybrid or embedding):
        return  # keywords and BM25 only: nothing slow to open
    from resolution_agent.agent.understanding.classifier import shared_encoder

    encoder = shared_encoder(threads=settings.intent_threads)  # the agent's own
    open_encoder(encoder)
    if hybrid:
        _sync_index(settings, encoder)
    if embedding:
        intent_model(settings, encoder)
    injection_detector(settings, encoder)
    reply_detector(settings, encoder)


def open_encoder(encoder: MiniLMEncoder) -> None:
    """Open MiniLM now, under a spinner: reading its weights takes a moment."""
    if not encoder.loaded:
        with progress("loading the language model (MiniLM)"):
            encoder.encode(["warm up"])


def intent_model(settings: Settings, encoder: Encoder) -> EmbeddingIntentClassifier:
    """The agent's intent classifier on ``encoder``, its model trained first if need be.

    Training shows progress, after a line saying what is built and why; a cached model is
    only read, silently.
    """
    classifier = intent_classifier(settings, encoder)
    if not classifier.is_built():
        note(
            "first use: training the intent model that reads customers' messages, from "
            f"the shipped utterances, into {settings.intent_models_dir} (a minute or two); "
            "later starts load it, and `resolve intents train` builds it ahead"
        )
        with progress("training the intent model", unit="utterances") as task:
            intent_classifier(settings, ReportingEncoder(encoder, fitting_after(task))).model()
    return classifier


def injection_detector(settings: Settings, encoder: Encoder) -> None:
    """Train the input guard's learned detector now if the agent will use one and it is cold."""
    from resolution_agent.agent.guards.detector import InjectionDetector, wants_detector

    if not wants_detector(settings):
        return
    detector = InjectionDetector(settings.intent_models_dir, settings.project_root, encoder)
    if detector.is_built():
        return
    note(
        "first use: training the injection detector that screens customers' messages, from "
        f"fixtures/injection and the shipped utterances, into {settings.intent_models_dir} "
        "(about a minute); later starts load it"
    )
    with progress("training the injection detector", unit="texts") as task:
        InjectionDetector(
            settings.intent_models_dir,
            settings.project_root,
            ReportingEncoder(encoder, task.update),
        ).model()


def reply_detector(settings: Settings, encoder: Encoder) -> None:
    """Train the output guard's learned signal now if the agent will use one and it is cold.

    Whether a model will plan is read from the settings (a key or ``RESOLVE_MODEL``), as the
    agent's own planner is built from them.
    """
    from resolution_agent.agent.guards.reply_detector import ReplyDetector, wants_reply_detector

    if not wants_reply_detector(settings, model_planner=settings.planner_model() is not None):
        return
    detector = ReplyDetector(settings.intent_models_dir, settings.project_root, encoder)
    if detector.is_built():
        return
    note(
        "first use: training the reply detector that screens a model's replies, from "
        f"fixtures/output and the help centre, into {settings.intent_models_dir} "
        "(about a minute); later starts load it"
    )
    with progress("training the reply detector", unit="texts") as task:
        ReplyDetector(
            settings.intent_models_dir,
            settings.project_root,
            ReportingEncoder(encoder, task.update),
        ).models()


def intent_classifier(settings: Settings, encoder: Encoder) -> EmbeddingIntentClassifier:
    """The classifier the agent opens (same cache, same known intents), on ``encoder``."""
    from resolution_agent.agent.policies import load_policies
    from resolution_agent.agent.understanding.classifier import (
        EmbeddingIntentClassifier,
        shipped_utterances,
    )

    return EmbeddingIntentClassifier(
        settings.intent_models_dir,
        shipped_utterances(settings.project_root),
        known_intents=set(load_policies(settings.policies_dir).intents),
        encoder=encoder,
    )


def fitting_after(task: Task) -> ProgressCallback:
    """Report embedding to ``task``, then say the heads are being fitted (no count of its own)."""

    def report(done: int, total: int) -> None:
        task.update(done, total)
        if done >= total:
            task.describe("training the intent model: fitting the classifier")

    return report


def _sync_index(settings: Settings, encoder: Encoder) -> None:
    import sqlite3

    from chromadb.errors import ChromaError

    from resolution_agent.agent.helpcentre import load_articles
    from resolution_agent.agent.retrieval.chunks import chunk_article
    from resolution_agent.agent.retrieval.factory import help_dir, kb_dir
    from resolution_agent.agent.retrieval.index import ChromaIndex

    articles = load_articles(help_dir(settings))
    folder = kb_dir(settings)
    with progress("opening the help-centre index"):
        try:
            stored = ChromaIndex(folder, encoder).stored_hashes()
        except (ChromaError, sqlite3.DatabaseError):
            stored = {}  # damaged: the sync below deletes it and builds it again, with a warning
    pending = [a for a in articles if stored.get(a.id) != a.content_hash]
    if not pending:
        return  # removed articles only, or nothing: the agent's own sync is quick
    if stored:
        note(f"the help centre changed: re-indexing {len(pending)} articles in {folder}")
    else:
        note(
            "first use: building the help-centre search index the agent answers from "
            f"({len(articles)} articles, embedded with MiniLM) in {folder}; it is kept there, "
            "so later starts skip this"
        )
    passages = sum(len(chunk_article(a)) for a in pending)
    with progress("indexing the help centre", total=passages, unit="passages") as task:
        ChromaIndex(folder, ReportingEncoder(encoder, task.update)).sync(articles)


__all__ = [
    "SLICE",
    "ReportingEncoder",
    "fitting_after",
    "injection_detector",
    "intent_classifier",
    "intent_model",
    "open_encoder",
    "reply_detector",
    "warm_up",
]
