"""Intent classifier benchmark: our MiniLM classifier beside a TF-IDF baseline, in one run.

Settings, each scored by accuracy and macro-F1 (over the intents in the evaluation set):

  (a) trained only on fixtures/intents/utterances.csv, evaluated on all of Banking77's train.csv
  (b) trained on a stratified 80% of Banking77's train.csv, evaluated on the other 20%
  (mix) trained on fixtures/intents/utterances.csv plus the same 80% of Banking77, evaluated on
      the same 20%: what ``resolve intents train --csv train.csv --with-shipped`` builds
  (c) TF-IDF (words + character n-grams) + logistic regression on the same three settings

plus per-message latency of the deployed path (one message, one BLAS thread: p50, p99, and
its ratio to a bare MiniLM encode timed in the same run),
embedding throughput, training time, peak memory and expected calibration error (ECE).
Banking77 is read at run time only, as an input (as a bank passes its own data): nothing kept.

    python benchmarks/intents.py --banking77 PATH/TO/banking77/train.csv [--latency-only]

Banking77 (PolyAI, CC BY 4.0) is not part of this repository: pass the path of its
``train.csv`` (columns ``text,category``), as published with the dataset.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped, unused-ignore]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped, unused-ignore]
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped, unused-ignore]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped, unused-ignore]
from sklearn.pipeline import Pipeline, make_union  # type: ignore[import-untyped, unused-ignore]

from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.understanding.classifier import (
    EvalReport,
    IntentModel,
    LabelledTexts,
    MiniLMEncoder,
    TrainConfig,
    build_intent_classifier,
    combined,
    evaluate,
    read_labelled_csv,
    train_model,
)
from resolution_agent.agent.understanding.classifier.embedding import Matrix

FIXTURES = PROJECT_ROOT / "fixtures" / "intents" / "utterances.csv"


class CachedEncoder:
    """Embeds each distinct text once, so settings (a) and (b) share the expensive part."""

    def __init__(self, inner: MiniLMEncoder) -> None:
        self.inner = inner
        self._vectors: dict[str, Matrix] = {}

    @property
    def identity(self) -> str:
        return self.inner.identity

    def warm(self, texts: list[str]) -> float:
        """Embed the texts not seen yet; return the seconds it took."""
        missing = sorted({t for t in texts if t not in self._vectors})
        started = time.perf_counter()
        for text, vector in zip(missing, self.inner.encode(missing), strict=True):
            self._vectors[text] = vector
        return time.perf_counter() - started

    def encode(self, texts: list[str]) -> Matrix:
        self.warm(texts)
        return np.stack([self._vectors[t] for t in texts])


@dataclass(frozen=True, slots=True)
class Row:
    setting: str
    system: str
    accuracy: float
    macro_f1: float
    train_s: float
    ece: float | None


def tfidf_baseline(train: LabelledTexts, test: LabelledTexts) -> tuple[float, float, float]:
    """(accuracy, macro-F1, training seconds) of TF-IDF + logistic regression."""
    started = time.perf_counter()
    pipeline = Pipeline(
        [
            (
                "features",
                make_union(
                    TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
                    TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5)),
                ),
            ),
            ("model", LogisticRegression(C=10.0, max_iter=300)),
        ]
    )
    pipeline.fit(list(train.texts), list(train.labels))
    seconds = time.perf_counter() - started
    predicted = pipeline.predict(list(test.texts))
    gold = list(test.labels)
    labels = sorted(set(gold))
    return (
        float(accuracy_score(gold, predicted)),
        float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        seconds,
    )


def ours(
    train: LabelledTexts, test: LabelledTexts, encoder: CachedEncoder, config: TrainConfig
) -> tuple[IntentModel, EvalReport, float]:
    started = time.perf_counter()
    model = train_model(train, encoder, config)
    seconds = time.perf_counter() - started
    return model, evaluate(model, encoder, test), seconds


def latency_ms(
    model: IntentModel, texts: list[str], threads: int = 1
) -> tuple[list[float], list[float]]:
    """Per message: a bare MiniLM encode, and the deployed path (encode, both heads, decide).

    Each on a fresh one-thread encoder of its own, so every text is new to it (nothing served
    from the recent vectors); alternating per message, so both see the same machine load.
    """
    encoder = MiniLMEncoder(threads=threads)
    bare = MiniLMEncoder(threads=threads)
    for text in ("warm up", "open the model"):
        model.read(encoder, [text])
        bare.encode([text])
    encode_ms, intent_ms = [], []
    for text in texts:
        started = time.perf_counter()
        bare.encode([text])
        encode_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        model.read(encoder, [text])
        intent_ms.append((time.perf_counter() - started) * 1000)
    return encode_ms, intent_ms


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def print_latency(encode_ms: list[float], intent_ms: list[float]) -> None:
    bare, intent = statistics.median(encode_ms), statistics.median(intent_ms)
    print(
        f"latency per message (1 BLAS thread, {len(intent_ms)} messages): intent p50 "
        f"{intent:.1f} ms, p99 {percentile(intent_ms, 99):.1f} ms; bare MiniLM encode p50 "
        f"{bare:.1f} ms in the same run; intent / encode {intent / bare:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--banking77",
        type=Path,
        required=True,
        help="Banking77's train.csv (not shipped: the dataset's own file, read only)",
    )
    parser.add_argument("--latency-messages", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads for batch embedding")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only the per-message latency, with the agent's cached model (no training)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    known = set(load_policies(PROJECT_ROOT / "policies").intents)
    fixtures = read_labelled_csv(FIXTURES, known_labels=known)
    banking = read_labelled_csv(args.banking77, known_labels=known)
    rng = np.random.default_rng(args.seed)
    if args.latency_only:
        # The agent's own model (cached by data hash), on Banking77 messages it never saw.
        deployed = build_intent_classifier(
            Settings().intent_models_dir, PROJECT_ROOT, known_intents=known
        ).model()
        sample = [banking.texts[i] for i in rng.permutation(len(banking))[: args.latency_messages]]
        print_latency(*latency_ms(deployed, sample))
        return
    config = TrainConfig(seed=args.seed)
    minilm = MiniLMEncoder(threads=args.threads)
    encoder = CachedEncoder(minilm)

    started = time.perf_counter()
    minilm.encode(["open the model"])
    load_s = time.perf_counter() - started
    all_texts = [*fixtures.texts, *banking.texts]
    embed_s = encoder.warm(all_texts)
    distinct = len(set(all_texts))

    indices = np.arange(len(banking))
    train_idx, test_idx = train_test_split(
        indices, test_size=0.2, stratify=list(banking.labels), random_state=args.seed
    )
    split_train, split_test = banking.subset(train_idx), banking.subset(test_idx)

    model_a, eval_a, train_a = ours(fixtures, banking, encoder, config)
    model_b, eval_b, train_b = ours(split_train, split_test, encoder, config)
    mix = combined(fixtures, split_train)
    _, eval_mix, train_mix = ours(mix, split_test, encoder, config)
    base_a = tfidf_baseline(fixtures, banking)
    base_b = tfidf_baseline(split_train, split_test)
    base_mix = tfidf_baseline(mix, split_test)

    sample = [
        split_test.texts[i] for i in rng.permutation(len(split_test))[: args.latency_messages]
    ]
    encode_ms, intent_ms = latency_ms(model_a, sample)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        Row(
            "(a) fixtures -> B77 train",
            "MiniLM + heads",
            eval_a.accuracy,
            eval_a.macro_f1,
            train_a,
            eval_a.ece,
        ),
        Row("(a) fixtures -> B77 train", "TF-IDF + LR", base_a[0], base_a[1], base_a[2], None),
        Row(
            "(b) B77 80% -> 20%",
            "MiniLM + heads",
            eval_b.accuracy,
            eval_b.macro_f1,
            train_b,
            eval_b.ece,
        ),
        Row("(b) B77 80% -> 20%", "TF-IDF + LR", base_b[0], base_b[1], base_b[2], None),
        Row(
            "(mix) ours + B77 80% -> 20%",
            "MiniLM + heads",
            eval_mix.accuracy,
            eval_mix.macro_f1,
            train_mix,
            eval_mix.ece,
        ),
        Row(
            "(mix) ours + B77 80% -> 20%",
            "TF-IDF + LR",
            base_mix[0],
            base_mix[1],
            base_mix[2],
            None,
        ),
    ]
    print(
        f"intent classifier benchmark: {len(fixtures)} fixture utterances, "
        f"{len(banking)} Banking77 rows ({len(split_train)} / {len(split_test)} split), "
        f"seed {args.seed}"
    )
    print(f"{'setting':<30}{'system':<16}{'accuracy':>9}{'macro-F1':>10}{'train s':>9}{'ECE':>7}")
    for r in rows:
        ece = f"{r.ece:.3f}" if r.ece is not None else "-"
        print(
            f"{r.setting:<30}{r.system:<16}{r.accuracy:>9.2%}{r.macro_f1:>10.2%}"
            f"{r.train_s:>9.1f}{ece:>7}"
        )
    print()
    print("targets (issue 15): (a) >= 85% accuracy, (b) >= 94% accuracy, p50 latency <= 15 ms")
    for name, model in (("(a)", model_a), ("(b)", model_b)):
        rep = model.report
        print(
            f"{name} cross-validated on its own training data: accuracy {rep.cv_accuracy:.2%}, "
            f"ECE {rep.ece_uncalibrated:.3f} -> {rep.ece_calibrated:.3f} after temperature "
            f"{model.temperature:.2f}; lexical weight {model.heads.weight:.2f} (by CV); "
            f"out-of-scope similarity < {model.rule.min_similarity:.2f}"
        )
    print(
        f"out-of-scope rejections of Banking77 messages: (a) {eval_a.out_of_scope_rate:.2%}, "
        f"(b) {eval_b.out_of_scope_rate:.2%}, (mix) {eval_mix.out_of_scope_rate:.2%} "
        "(target <= 0.5%; non-banking text: benchmarks/intent_robustness.py)"
    )
    worst = sorted(eval_a.per_intent_f1.items(), key=lambda kv: kv[1])[:6]
    print("(a) lowest-F1 intents: " + ", ".join(f"{k} {v:.2f}" for k, v in worst))
    print(
        f"model load {load_s:.1f} s; embedding {distinct} texts with {args.threads} thread(s): "
        f"{embed_s:.1f} s ({distinct / embed_s:.0f} texts/s); train times above exclude it"
    )
    print_latency(encode_ms, intent_ms)
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
