"""Reading labelled utterances (``text`` plus an intent column) from a CSV file.

Training data is the one input a bank brings to this classifier, so every mistake in it is
reported as a :class:`~tools.errors.DataFileError` naming the file: a missing column, an empty
file, blank cells (with line numbers), and labels the policies do not know, all listed at once.
An unknown label is a new intent the graph has no handling for; it is refused unless the caller
says so (``accept_unknown``), because a model that predicts it would route into the fallback.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from resolution_agent.tools.errors import DataFileError

LABEL_COLUMNS = ("intent", "label", "category")
"""Accepted names of the label column, in order of preference (Banking77 uses ``category``)."""


@dataclass(frozen=True, slots=True)
class LabelledTexts:
    """Utterances and their intents, in a canonical order (sorted), so equal data hashes equal."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError("texts and labels differ in length")

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def classes(self) -> list[str]:
        return sorted(set(self.labels))

    def subset(self, indices: Collection[int]) -> LabelledTexts:
        picked = sorted(indices)
        return LabelledTexts(
            texts=tuple(self.texts[i] for i in picked),
            labels=tuple(self.labels[i] for i in picked),
            source=self.source,
        )

    @classmethod
    def of(cls, pairs: Collection[tuple[str, str]], source: str = "") -> LabelledTexts:
        """Canonical form: whitespace-trimmed, sorted by (label, text), duplicates kept."""
        ordered = sorted((label.strip(), text.strip()) for text, label in pairs)
        return cls(
            texts=tuple(t for _, t in ordered),
            labels=tuple(label for label, _ in ordered),
            source=source,
        )


def combined(*parts: LabelledTexts) -> LabelledTexts:
    """Several labelled sets as one (canonical order; the sources joined with ``+``).

    How a bank's own data is added to the shipped utterances rather than replacing them, and
    how the benchmark builds the shipped mix (our utterances plus Banking77's training split).
    """
    pairs = [pair for part in parts for pair in zip(part.texts, part.labels, strict=True)]
    return LabelledTexts.of(pairs, source=" + ".join(p.source for p in parts if p.source))


def read_labelled_csv(
    path: Path,
    *,
    known_labels: Collection[str] | None = None,
    accept_unknown: bool = False,
) -> LabelledTexts:
    """Read ``path`` (columns ``text`` and one of :data:`LABEL_COLUMNS`); raise on any problem."""
    if not path.is_file():
        raise DataFileError(path, "file not found")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot be read as UTF-8 text: {exc}") from exc
    if not raw.strip():
        raise DataFileError(path, "the file is empty; expected a header 'text,intent' and rows")
    reader = csv.DictReader(raw.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    label_column = next((c for c in LABEL_COLUMNS if c in columns), None)
    missing = [
        name
        for name, present in (
            ("text", "text" in columns),
            ("intent (or label, category)", label_column is not None),
        )
        if not present
    ]
    if missing:
        raise DataFileError(
            path, f"missing column(s) {', '.join(missing)}; found columns {columns}", key="header"
        )
    assert label_column is not None
    pairs: list[tuple[str, str]] = []
    blank: list[int] = []
    for row in reader:
        text = (row.get("text") or "").strip()
        label = (row.get(label_column) or "").strip()
        if not text or not label:
            blank.append(reader.line_num)
            continue
        pairs.append((text, label))
    if blank:
        shown = ", ".join(str(n) for n in blank[:10]) + (" ..." if len(blank) > 10 else "")
        raise DataFileError(path, f"{len(blank)} row(s) with an empty text or label: line {shown}")
    if not pairs:
        raise DataFileError(path, "the file has a header but no rows")
    if known_labels is not None and not accept_unknown:
        counts = Counter(label for _, label in pairs if label not in known_labels)
        if counts:
            listed = ", ".join(f"{label} ({n} rows)" for label, n in sorted(counts.items()))
            raise DataFileError(
                path,
                f"{len(counts)} label(s) not in policies/intents.yaml: {listed}; add them to the "
                "policies or pass --accept-unknown-labels",
                key=label_column,
            )
    return LabelledTexts.of(pairs, source=str(path))
