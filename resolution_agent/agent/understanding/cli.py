"""``resolve intents train`` and ``resolve intents eval``: bring your own training data.

``train`` builds the intent model from a CSV (``text`` and ``intent`` columns) and makes it the
active model in ``<RESOLVE_DATA_DIR>/models``; without ``--csv`` it builds the model of the
shipped utterances and makes that the active one again. ``eval`` scores the active model on a
labelled CSV. A running agent picks up a newly trained model when it next starts.

Both show progress on standard error while they embed (a Rich bar on a terminal, a line
every few seconds otherwise); standard output keeps the results, so ``--json`` pipes cleanly.

Exit codes: 0 done; 2 the CSV, the policies or the settings could not be used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from resolution_agent.agent.settings import Settings
    from resolution_agent.agent.understanding.classifier import MiniLMEncoder

CsvOption = Annotated[
    Path | None,
    typer.Option("--csv", help="CSV with columns text,intent (or label, category)."),
]
WithShippedOption = Annotated[
    bool,
    typer.Option(
        "--with-shipped",
        help="Train on the shipped utterances plus --csv (add your data, do not replace ours).",
    ),
]
AcceptOption = Annotated[
    bool,
    typer.Option(
        "--accept-unknown-labels", help="Allow intents that policies/intents.yaml does not know."
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def train_command(
    csv: CsvOption = None,
    with_shipped: WithShippedOption = False,
    accept_unknown_labels: AcceptOption = False,
) -> None:
    """Train the intent classifier and make it the active model."""
    from resolution_agent.agent.progress import progress
    from resolution_agent.agent.understanding.classifier import (
        combined,
        read_labelled_csv,
        shipped_utterances,
    )
    from resolution_agent.agent.warmup import ReportingEncoder, fitting_after, intent_classifier
    from resolution_agent.tools.errors import ResolveError

    try:
        if with_shipped and csv is None:
            raise ValueError("--with-shipped adds a --csv file to the shipped utterances: pass one")
        settings, known = _context()
        shipped = shipped_utterances(settings.project_root)
        path = csv or shipped
        data = read_labelled_csv(path, known_labels=known, accept_unknown=accept_unknown_labels)
        if with_shipped:
            data = combined(read_labelled_csv(shipped, known_labels=known), data)
        typer.echo(
            f"training on {len(data)} utterances, {len(data.classes)} intents from {data.source}"
        )
        encoder = _encoder(settings)
        with progress("training the intent model", unit="utterances") as task:
            reporting = ReportingEncoder(encoder, fitting_after(task))
            classifier = intent_classifier(settings, reporting)
            built = classifier.manager.train_and_activate(data, default=csv is None)
    except (ResolveError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    report = built.model.report
    how = "reused cached model" if built.reused else f"trained in {report.seconds:.1f} s"
    typer.echo(f"{how}: {built.folder}")
    typer.echo(
        f"cross-validated accuracy {report.cv_accuracy:.1%}, macro-F1 {report.cv_macro_f1:.1%}; "
        f"ECE {report.ece_uncalibrated:.3f} -> {report.ece_calibrated:.3f} "
        f"(temperature {built.model.temperature:.2f}); "
        f"lexical channel weight {built.model.heads.weight:.2f}"
    )
    typer.echo(
        f"out of scope below similarity {built.model.rule.min_similarity:.2f} "
        f"or probability {built.model.rule.min_probability:.2f}"
    )
    typer.echo("active intent model: " + ("shipped utterances" if csv is None else data.source))


def eval_command(
    csv: Annotated[Path, typer.Option("--csv", help="Labelled CSV to score the model on.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    accept_unknown_labels: AcceptOption = False,
) -> None:
    """Score the active intent model on a labelled CSV: accuracy, macro-F1, calibration."""
    from resolution_agent.agent.progress import progress
    from resolution_agent.agent.understanding.classifier import evaluate, read_labelled_csv
    from resolution_agent.agent.warmup import ReportingEncoder, intent_model
    from resolution_agent.tools.errors import ResolveError

    try:
        settings, known = _context()
        data = read_labelled_csv(csv, known_labels=known, accept_unknown=accept_unknown_labels)
        encoder = _encoder(settings)
        model = intent_model(settings, encoder).model()  # a cold one is trained first, shown
        with progress(f"scoring {len(data)} utterances", unit="utterances") as task:
            report = evaluate(model, ReportingEncoder(encoder, task.update), data)
    except (ResolveError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "csv": str(csv)}))
        return
    typer.echo(f"{report.rows} utterances from {csv} (model {report.model_key})")
    typer.echo(f"accuracy  {report.accuracy:.1%}")
    typer.echo(f"macro-F1  {report.macro_f1:.1%}")
    typer.echo(f"ECE       {report.ece:.3f}")
    typer.echo(f"out of scope {report.out_of_scope_rate:.1%} of messages")


def _encoder(settings: Settings) -> MiniLMEncoder:
    """The process's MiniLM (the agent's), opened now under a spinner."""
    from resolution_agent.agent.understanding.classifier import shared_encoder
    from resolution_agent.agent.warmup import open_encoder

    encoder = shared_encoder(threads=settings.intent_threads)
    open_encoder(encoder)
    return encoder


def _context() -> tuple[Settings, set[str]]:
    """Settings from the environment and the intents the policies know."""
    from resolution_agent.agent.policies import load_policies
    from resolution_agent.agent.settings import load_settings

    settings = load_settings()
    return settings, set(load_policies(settings.policies_dir).intents)


def register(app: typer.Typer) -> None:
    """Add the ``intents`` command group to the ``resolve`` command line."""
    intents = typer.Typer(
        no_args_is_help=True, help="Train and evaluate the intent classifier (bring your own data)."
    )
    intents.command("train")(train_command)
    intents.command("eval")(eval_command)
    app.add_typer(intents, name="intents")


__all__ = ["eval_command", "register", "train_command"]
