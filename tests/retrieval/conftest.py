"""Fixtures: a small copy of the help centre and a fast, deterministic stand-in for MiniLM.

The hashing encoder (words and character trigrams into 256 buckets) gives related texts
related vectors in microseconds, so index and fusion tests run without torch; only tests
marked ``slow`` open the real model, once for the session, through the agent's own factory.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.understanding.classifier.embedding import Matrix

HELP = PROJECT_ROOT / "fixtures" / "help"
SMALL = (
    "activate-your-card",
    "card-delivery-times",
    "deposit-protection-fscs",
    "direct-debit-guarantee",
    "exchange-rates-abroad",
    "freeze-and-unfreeze-card",
    "lost-or-stolen-card",
    "top-up-limits",
)
_TOKEN = re.compile(r"[a-z']+")


class HashingEncoder:
    """Deterministic stand-in for MiniLM that counts what it was asked to embed."""

    loaded = True  # as MiniLMEncoder.loaded: nothing to open

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.texts: list[str] = []

    @property
    def identity(self) -> str:
        return f"test-hashing-{self.dimension}"

    def encode(self, texts: list[str]) -> Matrix:
        self.texts.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _TOKEN.findall(text.lower())
            grams = words + [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
            for gram in grams:
                bucket = int(hashlib.md5(gram.encode()).hexdigest()[:8], 16) % self.dimension
                out[row, bucket] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else 1.0 / np.sqrt(self.dimension)
        return out


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture
def help_dir(tmp_path: Path) -> Path:
    """A writable help centre of eight real articles."""
    folder = tmp_path / "help"
    folder.mkdir()
    for article_id in SMALL:
        shutil.copy(HELP / f"{article_id}.md", folder / f"{article_id}.md")
    return folder


@pytest.fixture
def project(tmp_path: Path, help_dir: Path) -> Path:
    """A project root whose fixtures/help is the small help centre."""
    root = tmp_path / "project"
    (root / "fixtures").mkdir(parents=True)
    shutil.move(str(help_dir), root / "fixtures" / "help")
    return root


def write_article(
    folder: Path, article_id: str, body: str, *, intents: str = "[top_up_limits]"
) -> Path:
    path = folder / f"{article_id}.md"
    path.write_text(
        f"---\nid: {article_id}\ntitle: {article_id.replace('-', ' ').title()}\n"
        f"intents: {intents}\nupdated: 2026-11-29\n---\n{body}\n",
        encoding="utf-8",
    )
    return path
