"""``resolve kb index`` and ``resolve kb search``: the help-centre index from the command line.

``index`` syncs the persistent Chroma index under ``RESOLVE_KB_DIR`` (default
``<RESOLVE_DATA_DIR>/kb``) with ``fixtures/help/``: only new or changed articles are embedded,
removed ones are deleted. ``search`` syncs the same way, then prints the ranked hits with their
grounding scores, so a writer can see which article the agent would answer from, and whether
it would answer at all (``Settings.grounding_threshold``).

Embedding shows progress on standard error (a Rich bar on a terminal, a line every few
seconds otherwise); standard output keeps the results.

Exit codes: 0 done; 2 an article file or the settings could not be used.
"""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def index_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Sync the help-centre index: embed new and changed articles, drop removed ones."""
    from resolution_agent.agent.helpcentre import load_articles
    from resolution_agent.agent.progress import progress
    from resolution_agent.agent.retrieval.factory import help_dir, kb_dir
    from resolution_agent.agent.retrieval.index import ChromaIndex
    from resolution_agent.agent.settings import load_settings
    from resolution_agent.agent.understanding.classifier import shared_encoder
    from resolution_agent.agent.warmup import ReportingEncoder
    from resolution_agent.tools.errors import ResolveError

    started = time.perf_counter()
    try:
        settings = load_settings()
        articles = load_articles(help_dir(settings))
        encoder = shared_encoder(threads=settings.intent_threads)
        # MiniLM opens on the first embedding only, so an index already in sync stays quick.
        with progress("indexing the help centre", unit="passages") as task:
            index = ChromaIndex(kb_dir(settings), ReportingEncoder(encoder, task.update))
            report = index.sync(articles)
    except ResolveError as exc:
        raise _fail(str(exc)) from exc
    seconds = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps({**report.model_dump(), "total_seconds": round(seconds, 3)}))
        return
    typer.echo(
        f"indexed {len(articles)} articles into {kb_dir(settings)}: "
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged ({report.chunks_embedded} chunks embedded)"
    )
    typer.echo(f"sync {report.seconds:.2f} s, {seconds:.2f} s in all (with opening the model)")


def search_command(
    query: Annotated[str, typer.Argument(help="What the customer wrote.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many articles.")] = 5,
    intent: Annotated[
        str | None, typer.Option("--intent", help="Understood intent, for the intent boost.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Search the help centre as the agent does: ranked articles with grounding scores."""
    from resolution_agent.agent.retrieval.factory import new_hybrid
    from resolution_agent.agent.settings import load_settings
    from resolution_agent.agent.warmup import warm_up
    from resolution_agent.tools.errors import ResolveError

    try:
        settings = load_settings()
        # A cold index is built first, with progress and a line saying why (no intent model).
        only_index = {"retriever": "hybrid", "intent_classifier": "keywords"}
        warm_up(settings.model_copy(update=only_index))
        retriever = new_hybrid(settings)
        retriever.ready()
        started = time.perf_counter()
        hits = retriever.rank(query, intent=intent, k=k)
        ms = (time.perf_counter() - started) * 1000
    except ResolveError as exc:
        raise _fail(str(exc)) from exc
    threshold = settings.grounding_threshold
    answerable = any(hit.score >= threshold for hit in hits)
    if as_json:
        payload = {
            "query": query,
            "grounding_threshold": threshold,
            "answerable": answerable,
            "hits": [hit.model_dump() for hit in hits],
        }
        typer.echo(json.dumps(payload))
        return
    for rank, hit in enumerate(hits, start=1):
        mark = " " if hit.score >= threshold else "-"
        typer.echo(f"{rank:>2} {hit.score:.3f}{mark} {hit.article_id}  {hit.title} / {hit.section}")
        typer.echo(f"         {hit.snippet}")
    verdict = "answers from the help centre" if answerable else "below the grounding threshold"
    typer.echo(f"{len(hits)} hits in {ms:.1f} ms; {verdict} ({threshold:.2f})")


def register(app: typer.Typer) -> None:
    """Add the ``kb`` command group to the ``resolve`` command line."""
    kb = typer.Typer(no_args_is_help=True, help="Index and search the help centre.")
    kb.command("index")(index_command)
    kb.command("search")(search_command)
    app.add_typer(kb, name="kb")


__all__ = ["index_command", "register", "search_command"]
