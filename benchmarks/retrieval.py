"""Retrieval benchmark: dense, BM25 and hybrid side by side on the help centre, in one run.

Prints, over ``fixtures/retrieval/queries.yaml``:

- recall@1, recall@3 and MRR (over the top 10) of the answerable queries for dense only (MiniLM
  in Chroma), BM25 only, hybrid (RRF) and hybrid with the intent the agent's classifier
  understood (confident predictions only, as the agent's ``decide`` node requires);
- the rate at which unanswerable queries are refused (no top-3 hit reaches
  ``Settings.grounding_threshold``) and the rate at which answerable ones are not;
- query latency p50 / p99 of the hybrid path (normalise, embed, Chroma, BM25, fuse), in a turn
  (the message's vector reused) and alone, beside a bare MiniLM encode timed in the same run;
- index build time of our help centre from scratch, re-index time after one article changes
  and after one is removed, and the same for a generated help centre of ``--generated``
  articles (written to a temporary folder at run time; two short sections each).

Figures are printed, never asserted. Embedding dominates build time and scales with the
number of chunks and the CPU; the chunk rate is printed so other sizes can be estimated.

    python benchmarks/retrieval.py [--generated 10000] [--no-intents]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from resolution_agent.agent.helpcentre import Article, load_articles
from resolution_agent.agent.retrieval.chunks import chunk_articles
from resolution_agent.agent.retrieval.factory import help_dir, hybrid_config
from resolution_agent.agent.retrieval.hybrid import HybridRetriever, Method
from resolution_agent.agent.retrieval.index import ChromaIndex
from resolution_agent.agent.retrieval.queries import RetrievalQuery, load_queries
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import Passage
from resolution_agent.agent.understanding.classifier.embedding import (
    Encoder,
    MiniLMEncoder,
    shared_encoder,
)

Ranker = Callable[[RetrievalQuery], list[Passage]]


def score(queries: list[RetrievalQuery], rank: Ranker, threshold: float) -> dict[str, float]:
    """recall@1, recall@3, MRR@10, unanswerable refused, answerable answered."""
    r1 = r3 = mrr = refused = answered = 0.0
    answerable = [q for q in queries if q.answerable]
    unanswerable = [q for q in queries if not q.answerable]
    for q in queries:
        hits = rank(q)
        grounded = any(hit.score >= threshold for hit in hits[:3])
        if not q.answerable:
            refused += not grounded
            continue
        answered += grounded
        ids = [hit.article_id for hit in hits]
        position = next((n for n, a in enumerate(ids) if a in q.relevant), None)
        if position is not None:
            r1 += position == 0
            r3 += position < 3
            mrr += 1 / (position + 1)
    n = max(len(answerable), 1)
    return {
        "recall@1": r1 / n,
        "recall@3": r3 / n,
        "mrr": mrr / n,
        "refused": refused / max(len(unanswerable), 1),
        "answered": answered / n,
    }


def predicted_intents(settings: Settings, queries: list[RetrievalQuery]) -> list[str | None]:
    """The agent's understood intent per query, None where it would not be confident."""
    from resolution_agent.agent.policies import load_policies
    from resolution_agent.agent.understanding.classifier import (
        OUT_OF_SCOPE,
        build_intent_classifier,
    )

    classifier = build_intent_classifier(
        settings.intent_models_dir,
        settings.project_root,
        known_intents=set(load_policies(settings.policies_dir).intents),
        threads=settings.intent_threads,
    )
    predictions = classifier.classify_many([q.query for q in queries])
    return [
        p.intent
        if p.intent != OUT_OF_SCOPE and p.confidence >= settings.clarify_threshold
        else None
        for p in predictions
    ]


def latency_ms(retriever: HybridRetriever, encoder: Encoder, texts: list[str]) -> dict[str, float]:
    """p50 / p99 of one hybrid query, in milliseconds, beside a bare MiniLM encode.

    Per text, alternating so all see the same machine load: a bare encode (a one-thread
    encoder of its own), the query as a turn makes it (understanding has just encoded the
    message, so the retriever reuses that vector), and the query alone on a text the encoder
    has not seen (its own encode included).
    """
    retriever.rank(texts[0], k=3)
    bare = MiniLMEncoder(threads=1)
    bare.encode(["warm up"])
    times: dict[str, list[float]] = {"encode": [], "turn": [], "cold": []}
    for text in texts:
        started = time.perf_counter()
        bare.encode([text])
        times["encode"].append((time.perf_counter() - started) * 1000)
        encoder.encode([text])  # what understanding did in the same turn
        started = time.perf_counter()
        retriever.rank(text, k=3)
        times["turn"].append((time.perf_counter() - started) * 1000)
        fresh = f"{text} please"
        started = time.perf_counter()
        retriever.rank(fresh, k=3)
        times["cold"].append((time.perf_counter() - started) * 1000)
    out: dict[str, float] = {}
    for name, values in times.items():
        values.sort()
        out[f"{name}_p50"] = statistics.median(values)
        out[f"{name}_p99"] = values[min(len(values) - 1, int(len(values) * 0.99))]
    return out


def reindex_after_edit(folder: Path, index: ChromaIndex, victim: str) -> tuple[float, float]:
    """(load + sync seconds, sync seconds) after appending a sentence to one article."""
    path = next(folder.rglob(f"{victim}.md"))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nThis sentence was added by the retrieval benchmark.\n")
    started = time.perf_counter()
    report = index.sync(load_articles(folder))
    total = time.perf_counter() - started
    assert report.updated == 1 and report.chunks_embedded > 0, report
    return total, report.seconds


def reindex_after_removal(folder: Path, index: ChromaIndex, victim: str) -> float:
    next(folder.rglob(f"{victim}.md")).unlink()
    started = time.perf_counter()
    report = index.sync(load_articles(folder))
    assert report.removed == 1, report
    return time.perf_counter() - started


def generate(folder: Path, count: int, source: list[Article], seed: int = 7) -> None:
    """``count`` synthetic articles mixing real headings and sentences (2 sections each)."""
    rng = random.Random(seed)
    sentences = [
        s.strip().rstrip(".") + "."
        for a in source
        for section in a.sections
        for s in section.text.split(". ")
        if 6 <= len(s.split()) <= 30
    ]
    headings = [section.heading for a in source for section in a.sections]
    intents = sorted({i for a in source for i in a.intents})
    folder.mkdir(parents=True)
    for n in range(count):
        article_id = f"gen-{n:05d}"
        body = "\n\n".join(
            f"## {rng.choice(headings)}\n{' '.join(rng.sample(sentences, 2))}" for _ in range(2)
        )
        (folder / f"{article_id}.md").write_text(
            f"---\nid: {article_id}\ntitle: {json.dumps(f'{rng.choice(headings)} ({n})')}\n"
            f"intents: [{json.dumps(rng.choice(intents))}]\nupdated: 2026-11-29\n---\n{body}\n",
            encoding="utf-8",
        )


def build(folder: Path, kb: Path, encoder: Encoder) -> tuple[ChromaIndex, float, float, int]:
    """(index, parse seconds, sync seconds, chunks) for a fresh index of ``folder``."""
    started = time.perf_counter()
    articles = load_articles(folder)
    parsed = time.perf_counter() - started
    index = ChromaIndex(kb, encoder)
    report = index.sync(articles)
    return index, parsed, report.seconds, len(chunk_articles(articles))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=10_000, help="articles (0 to skip)")
    parser.add_argument("--no-intents", action="store_true", help="skip the classifier row")
    args = parser.parse_args()

    settings = Settings()
    threshold = settings.grounding_threshold
    source = load_articles(help_dir(settings))
    queries = load_queries(
        settings.fixtures_dir / "retrieval" / "queries.yaml", article_ids={a.id for a in source}
    )
    encoder = shared_encoder(threads=settings.intent_threads)
    started = time.perf_counter()
    encoder.encode(["warm up"])
    model_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="resolve-retrieval-") as tmp:
        root = Path(tmp)
        ours = root / "help"
        shutil.copytree(help_dir(settings), ours)
        index, parse_s, build_s, chunks = build(ours, root / "kb", encoder)
        retriever = HybridRetriever(load_articles(ours), index, encoder, hybrid_config(settings))
        retriever.ready()

        def by(method: Method) -> Ranker:
            return lambda q: retriever.rank(q.query, k=10, method=method)

        rows: dict[str, dict[str, float]] = {
            "dense (MiniLM, Chroma)": score(queries, by("dense"), threshold),
            "BM25": score(queries, by("lexical"), threshold),
            "hybrid (RRF)": score(queries, by("hybrid"), threshold),
        }
        if not args.no_intents:
            intents = dict(
                zip([q.query for q in queries], predicted_intents(settings, queries), strict=True)
            )
            rows["hybrid + understood intent"] = score(
                queries,
                lambda q: retriever.rank(q.query, k=10, intent=intents[q.query]),
                threshold,
            )
        lat = latency_ms(retriever, encoder, [q.query for q in queries])
        edit_total, edit_sync = reindex_after_edit(ours, index, "top-up-limits")
        removal = reindex_after_removal(ours, index, "age-limit")

        answerable = sum(q.answerable for q in queries)
        print(
            f"{len(queries)} queries ({answerable} answerable, {len(queries) - answerable} not), "
            f"{len(source)} articles, {chunks} chunks; grounding threshold {threshold}"
        )
        print()
        header = (
            f"{'method':<28}{'recall@1':>9}{'recall@3':>9}{'MRR':>7}{'refused':>9}{'answered':>9}"
        )
        print(header)
        print("-" * len(header))
        for name, m in rows.items():
            print(
                f"{name:<28}{m['recall@1']:>9.3f}{m['recall@3']:>9.3f}{m['mrr']:>7.3f}"
                f"{m['refused']:>9.1%}{m['answered']:>9.1%}"
            )
        print()
        print("refused: unanswerable queries with no top-3 hit at the threshold (higher is better)")
        print("answered: answerable queries with a top-3 hit at the threshold")
        print()
        bare = lat["encode_p50"]
        print(
            f"query latency (hybrid, one thread), p50 / p99: in a turn (the message's vector "
            f"reused) {lat['turn_p50']:.1f} / {lat['turn_p99']:.1f} ms; alone (its own encode) "
            f"{lat['cold_p50']:.1f} / {lat['cold_p99']:.1f} ms; bare MiniLM encode "
            f"{bare:.1f} / {lat['encode_p99']:.1f} ms in the same run; ratios to the encode: "
            f"{lat['turn_p50'] / bare:.2f} and {lat['cold_p50'] / bare:.2f}"
        )
        print(f"model load: {model_s:.1f} s (once per process)")
        print(
            f"index build, our help centre: {build_s:.1f} s for {chunks} chunks "
            f"({chunks / build_s:.0f} chunks/s; parse {parse_s * 1000:.0f} ms)"
        )
        print(
            f"re-index after one article changed: {edit_total * 1000:.0f} ms "
            f"(sync {edit_sync * 1000:.0f} ms); after one removed: {removal * 1000:.0f} ms"
        )

        if args.generated > 0:
            generated = root / "generated"
            generate(generated, args.generated, source)
            big, g_parse, g_build, g_chunks = build(generated, root / "kb-generated", encoder)
            g_retriever = HybridRetriever(
                load_articles(generated), big, encoder, hybrid_config(settings)
            )
            g_retriever.ready()
            g_lat = latency_ms(g_retriever, encoder, [q.query for q in queries[:100]])
            g_total, g_sync = reindex_after_edit(generated, big, "gen-00042")
            print(
                f"index build, generated {args.generated} articles: {g_build:.1f} s for "
                f"{g_chunks} chunks ({g_chunks / g_build:.0f} chunks/s; parse {g_parse:.1f} s)"
            )
            print(
                f"  re-index after one article changed: {g_total:.2f} s "
                f"(sync {g_sync * 1000:.0f} ms, the rest is parsing {args.generated} files)"
            )
            print(
                f"  query latency over it, p50 / p99: in a turn {g_lat['turn_p50']:.1f} / "
                f"{g_lat['turn_p99']:.1f} ms; alone {g_lat['cold_p50']:.1f} / "
                f"{g_lat['cold_p99']:.1f} ms"
            )


if __name__ == "__main__":
    main()
