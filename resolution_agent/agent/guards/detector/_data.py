"""The detector's training text, read from the project's fixtures (one loader for the folder).

Attacks are the ``train`` rows of ``fixtures/injection/attacks.csv``. Benign text is the
project's own: nine in ten of the intent utterances (the tenth, picked by a stable hash, is
kept back so the benchmark can measure false positives on utterances the detector never saw),
the ``train`` rows of ``hard_benign.csv``, the help-centre articles' paragraphs, and
conversations stitched from utterances, since payload splitting is scored on several customer
messages joined. Banking77 is never read here: it is the benchmark's untouched benign set.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.guards.detector._views import has_words
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.tools.errors import DataFileError

Style = Literal[
    "role_play",
    "override",
    "fake_system",
    "hypothetical",
    "encoding",
    "split_payload",
    "extraction",
]
Split = Literal["train", "heldout"]
STYLES: tuple[Style, ...] = (
    "role_play",
    "override",
    "fake_system",
    "hypothetical",
    "encoding",
    "split_payload",
    "extraction",
)
#: How the turns of a multi-message row are joined, in the fixtures and when scoring.
TURN_SEPARATOR = " ||| "
#: Customer messages joined when scoring a payload split over turns (the last one included).
SPLIT_WINDOW = 4
#: Conversations of 2-4 utterances stitched as benign multi-turn text.
_STITCHED = 600


class AttackRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    style: Style
    split: Split


class BenignRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    split: Split


class TrainingText(BaseModel):
    """What a detector is trained on; ``labels`` are 1 for an attack, 0 for benign."""

    model_config = ConfigDict(frozen=True)

    texts: tuple[str, ...]
    labels: tuple[int, ...]


def injection_dir(project_root: Path) -> Path:
    return project_root / "fixtures" / "injection"


def read_attacks(project_root: Path) -> list[AttackRow]:
    return [AttackRow(**row) for row in _rows(injection_dir(project_root) / "attacks.csv")]


def read_hard_benign(project_root: Path) -> list[BenignRow]:
    return [BenignRow(**row) for row in _rows(injection_dir(project_root) / "hard_benign.csv")]


def utterances(project_root: Path, split: Split) -> list[str]:
    """The intent utterances of ``split``: ``heldout`` is the stable tenth kept back."""
    rows = _rows(project_root / "fixtures" / "intents" / "utterances.csv")
    return [r["text"] for r in rows if (_bucket(r["text"]) == 0) == (split == "heldout")]


def help_paragraphs(project_root: Path) -> list[str]:
    """The help centre's intros and paragraphs: bank-side text full of "verify" and "code"."""
    out: list[str] = []
    for article in load_articles(project_root / "fixtures" / "help"):
        out.append(article.intro)
        for section in article.sections:
            out.extend(p.strip() for p in section.text.split("\n\n") if p.strip())
    return out


def training_text(project_root: Path) -> TrainingText:
    """Every train row, attacks first, in file order (the cache key hashes exactly this)."""
    attacks = [r.text for r in read_attacks(project_root) if r.split == "train"]
    own = utterances(project_root, "train")
    benign = [
        *own,
        *(r.text for r in read_hard_benign(project_root) if r.split == "train"),
        *help_paragraphs(project_root),
        *stitched(own, _STITCHED),
    ]
    return TrainingText(
        texts=(*attacks, *benign), labels=(*([1] * len(attacks)), *([0] * len(benign)))
    )


def candidates(turns: Sequence[str]) -> list[str]:
    """What is scored for the last of ``turns``: the message, and the last few joined.

    Turns without words (a one-time code, an amount) are left out of the join: they carry no
    instruction, and digits next to text are noise to the model.
    """
    current = turns[-1]
    worded = [t for t in turns if has_words(t)][-SPLIT_WINDOW:]
    if not has_words(current) or len(worded) < 2:
        return [current]
    return [current, TURN_SEPARATOR.join(worded)]


def stitched(texts: list[str], count: int, *, seed: int = 17) -> list[str]:
    """``count`` benign conversations of 2-4 of ``texts``, joined as the detector joins turns."""
    rng = random.Random(seed)
    return [TURN_SEPARATOR.join(rng.sample(texts, rng.randint(2, 4))) for _ in range(count)]


def _bucket(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise DataFileError(path, "file not found")
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))
