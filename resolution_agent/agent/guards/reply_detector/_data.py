"""The reply detector's training text, read from the project's fixtures (one loader for it).

Hostile replies, by kind: the rows of ``fixtures/output/reply_training.yaml``, the rows of the
same kind in ``hostile_replies.yaml`` (the ones the patterns were written against), and each
of them again behind one of the file's banking ``openers``, since a hostile reply rarely
announces itself in its first words. Benign replies: the file's own good replies (hard ones
included: scam warnings that name the tactics, apologies, "I'm an AI", refusals), every
help-centre paragraph and whole section as a model may quote it, and our reply templates
with their tags taken out. ``hostile_replies_heldout.yaml`` is never read here: it is what
measures the signal.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resolution_agent.agent.guards._content import REPLY_KINDS, ReplyKind
from resolution_agent.agent.guards.detector._data import TrainingText, help_paragraphs
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.templates import Templates
from resolution_agent.tools.errors import DataFileError

#: Fewest rows of each kind the training file must hold (and its benign replies).
MIN_PER_KIND = 60
MIN_BENIGN = 150
#: Fewest words a reply needs to be scored, or trained on. "Okay." or "Here you go." carry
#: too little for the model to tell anything apart (it read such replies as abuse), and a
#: short insult is what the abuse patterns are written for.
MIN_WORDS = 5

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

# Jinja tags and comments: a template read as text a model might write.
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


class ReplyTraining(BaseModel):
    """``fixtures/output/reply_training.yaml`` as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    openers: list[str] = Field(min_length=1)
    hostile: dict[ReplyKind, list[str]]
    benign: list[str] = Field(min_length=MIN_BENIGN)


def long_enough(text: str) -> bool:
    """Whether ``text`` has :data:`MIN_WORDS` words, the fewest the signal judges."""
    return len(_WORD.findall(text)) >= MIN_WORDS


def training_file(project_root: Path) -> Path:
    return project_root / "fixtures" / "output" / "reply_training.yaml"


def read_training(project_root: Path) -> ReplyTraining:
    """Read and validate the training file: every kind present with enough rows."""
    path = training_file(project_root)
    try:
        data = ReplyTraining.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataFileError(path, first["msg"], key=".".join(str(p) for p in first["loc"])) from exc
    for kind in REPLY_KINDS:
        if len(data.hostile.get(kind, [])) < MIN_PER_KIND:
            raise DataFileError(path, f"fewer than {MIN_PER_KIND} replies", key=f"hostile.{kind}")
    return data


def hostile(project_root: Path, kind: ReplyKind) -> list[str]:
    """Every hostile reply of ``kind``, alone and behind a banking opener."""
    data = read_training(project_root)
    plain = [*data.hostile[kind], *_shipped(project_root, kind)]
    openers = data.openers
    return [*plain, *(f"{openers[i % len(openers)]} {t}" for i, t in enumerate(plain))]


def benign(project_root: Path) -> list[str]:
    """Replies that must pass: the file's good ones, the help centre, our templates."""
    sections = [
        f"{s.heading}. {s.text}"
        for article in load_articles(project_root / "fixtures" / "help")
        for s in article.sections
    ]
    templates = Templates(project_root / "prompts")
    rendered = [
        " ".join(_TAG.sub(" ", templates.source(name)).split())
        for name in templates.names()
        if name.startswith("replies/")
    ]
    texts = [
        *read_training(project_root).benign,
        *help_paragraphs(project_root),
        *sections,
        *(t for t in rendered if t),
    ]
    return list(dict.fromkeys(texts))


def _shipped(project_root: Path, kind: ReplyKind) -> list[str]:
    """The replies of ``kind`` in ``hostile_replies.yaml``.

    Read here rather than with ``agent.testing.hostile_replies`` (that file's loader, which
    validates it for the tests and benchmarks): nothing on the conversation path imports
    the test doubles' package. Only the texts are taken: a row is a string or ``{text, rule}``.
    """
    path = project_root / "fixtures" / "output" / "hostile_replies.yaml"
    try:
        kinds = yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"]
        rows = kinds[kind]["replies"] if kind in kinds else []
        return [row if isinstance(row, str) else str(row["text"]) for row in rows]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc


def kind_training(project_root: Path, kind: ReplyKind) -> TrainingText:
    """One kind against the benign replies (the other kinds are neither: a reply that is two
    things at once should be flagged as either)."""
    positives = [t for t in hostile(project_root, kind) if long_enough(t)]
    negatives = [t for t in benign(project_root) if long_enough(t)]
    return TrainingText(
        texts=(*positives, *negatives),
        labels=(*([1] * len(positives)), *([0] * len(negatives))),
    )
