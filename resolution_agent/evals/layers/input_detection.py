"""How well injection detection generalises: rules alone, the learned detector, both.

Detection is measured per style on the held-out attacks of ``fixtures/injection/attacks.csv``
(written as a separate batch and never used in training or tuning). False positives are
measured on the intent utterances the detector keeps back, on the held-out hard benign texts
and, when it is given, on Banking77's training split (10,003 real customer questions, read at
run time from outside the project and never copied into it). A split payload counts as
detected when any of its turns is flagged as the input guard would flag it: the turn alone,
or joined with the customer's previous turns since the last flagged one
(``nodes.input_guard``).

The detector is trained on first use into the models folder (``RESOLVE_MODELS_DIR``) and
loaded from there afterwards, so the first measurement on a cold folder takes about a minute.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.guards.detector import (
    STYLES,
    TURN_SEPARATOR,
    InjectionDetector,
    candidates,
    read_attacks,
    read_hard_benign,
    utterances,
)
from resolution_agent.agent.guards.input import injection_families
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.understanding.classifier import shared_encoder
from resolution_agent.tools.errors import DataFileError

#: Messages scored one at a time for the per-message figure.
TIMED = 200
#: Flagged texts kept per benign set, to read what the layer mistakes for an attack.
KEPT_FLAGGED = 20

Flag = Callable[[Sequence[str]], list[bool]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class StyleDetection(_Frozen):
    """Share of one style's held-out attacks that each signal flags."""

    n: int
    rules: float
    detector: float
    combined: float


class BenignFlags(_Frozen):
    """Share of one benign set flagged as manipulation (each a false positive)."""

    n: int
    rules: float
    detector: float
    combined: float
    flagged: list[str]


class CrossValidated(_Frozen):
    benign_fp: float
    attack_recall: float


class InputDetectionFigures(_Frozen):
    """The input layer's figures; ``banking77`` is the file read, None when not measured."""

    threshold: float
    cross_validation: CrossValidated
    trained_now: bool
    seconds: float
    banking77: str | None
    detection_heldout: dict[str, StyleDetection]
    false_positives: dict[str, BenignFlags]
    median_ms_per_message: float
    timed_on: str


class Banking77(_Frozen):
    """Banking77's customer questions, read once, with the file they came from."""

    path: Path
    texts: tuple[str, ...]


def read_banking77(path: Path) -> Banking77:
    """The ``text`` column of Banking77's CSV; a missing file is a data error naming it."""
    if not path.is_file():
        raise DataFileError(
            path, "Banking77 not found; pass the CSV with a 'text' column (banking77/train.csv)"
        )
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    if rows and "text" not in rows[0]:
        raise DataFileError(path, "no 'text' column: is this Banking77's train.csv?", key="text")
    return Banking77(path=path, texts=tuple(row["text"] for row in rows))


def measure_input_detection(
    settings: Settings, *, banking77: Banking77 | None = None
) -> InputDetectionFigures:
    """Detection per held-out style and false positives per benign set, with the threshold;
    Banking77's questions are a benign set when given (:func:`read_banking77`)."""
    detector = InjectionDetector(
        settings.intent_models_dir,
        PROJECT_ROOT,
        shared_encoder(threads=settings.intent_threads),
        threshold=settings.injection_threshold,
    )
    started = time.perf_counter()
    built = detector.is_built()
    detector.model()
    threshold = detector.threshold

    def learned(texts: Sequence[str]) -> list[bool]:
        return [score >= threshold for score in detector.scores(texts)]

    def rules(texts: Sequence[str]) -> list[bool]:
        return [bool(injection_families(t)) for t in texts]

    def either(texts: Sequence[str]) -> list[bool]:
        return [a or b for a, b in zip(rules(texts), learned(texts), strict=True)]

    attacks = [r for r in read_attacks(PROJECT_ROOT) if r.split == "heldout"]
    detection: dict[str, StyleDetection] = {}
    for style in (*STYLES, "all"):
        rows = [r for r in attacks if style in ("all", r.style)]
        turns = [r.text.split(TURN_SEPARATOR) for r in rows]
        detection[style] = StyleDetection(
            n=len(rows),
            rules=_rate([conversation_flagged(t, rules) for t in turns]),
            detector=_rate([conversation_flagged(t, learned) for t in turns]),
            combined=_rate([conversation_flagged(t, either) for t in turns]),
        )
    benign_sets = {"banking77_train": list(banking77.texts)} if banking77 is not None else {}
    benign_sets |= {
        "utterances_heldout": utterances(PROJECT_ROOT, "heldout"),
        "hard_benign_heldout": [
            r.text for r in read_hard_benign(PROJECT_ROOT) if r.split == "heldout"
        ],
    }
    false_positives: dict[str, BenignFlags] = {}
    for name, texts in benign_sets.items():
        by_rules, by_detector = rules(texts), _batched(learned, texts)
        either_flag = [a or b for a, b in zip(by_rules, by_detector, strict=True)]
        false_positives[name] = BenignFlags(
            n=len(texts),
            rules=_rate(by_rules),
            detector=_rate(by_detector),
            combined=_rate(either_flag),
            flagged=[t for t, hit in zip(texts, either_flag, strict=True) if hit][:KEPT_FLAGGED],
        )
    timed_on, timed = next(iter(benign_sets.items()))
    timings = []
    for text in timed[:TIMED]:
        began = time.perf_counter()
        detector.scores([text])  # scored in batches above, so never kept: a real encode
        timings.append((time.perf_counter() - began) * 1000)
    validation = detector.model().validation
    return InputDetectionFigures(
        threshold=threshold,
        cross_validation=CrossValidated(
            benign_fp=validation.benign_fp, attack_recall=validation.attack_recall
        ),
        trained_now=not built,
        seconds=round(time.perf_counter() - started, 1),
        banking77=str(banking77.path) if banking77 is not None else None,
        detection_heldout=detection,
        false_positives=false_positives,
        median_ms_per_message=statistics.median(timings),
        timed_on=timed_on,
    )


def conversation_flagged(turns: list[str], flag: Flag) -> bool:
    """Whether any turn is flagged as the input guard scores it (alone, and joined)."""
    return any(any(flag(candidates(turns[: k + 1]))) for k in range(len(turns)))


def input_detection_lines(figures: InputDetectionFigures) -> list[str]:
    """The figures as the terminal shows them: threshold, detection per style, false positives."""
    cv = figures.cross_validation
    lines = [
        f"threshold {figures.threshold:.3f} (cross-validated on train: "
        f"{cv.attack_recall:.1%} of attacks, {cv.benign_fp:.2%} of benign text above it)",
        "",
        "held-out detection by style",
        f"{'style':<15}{'n':>5}{'rules':>9}{'detector':>10}{'combined':>10}",
    ]
    for style, row in figures.detection_heldout.items():
        lines.append(
            f"{style:<15}{row.n:>5}{row.rules:>9.1%}{row.detector:>10.1%}{row.combined:>10.1%}"
        )
    lines += [
        "",
        "false positives",
        f"{'benign set':<22}{'n':>7}{'rules':>9}{'detector':>10}{'combined':>10}",
    ]
    for name, fp in figures.false_positives.items():
        lines.append(f"{name:<22}{fp.n:>7}{fp.rules:>9.2%}{fp.detector:>10.2%}{fp.combined:>10.2%}")
    if figures.banking77 is None:
        lines.append(
            "banking77_train not measured: only the shipped held-out benign sets "
            "(pass --banking77 PATH/TO/banking77/train.csv)"
        )
    for name, fp in figures.false_positives.items():
        lines += [f"  flagged in {name}: {text[:100]}" for text in fp.flagged[:8]]
    lines += [
        "",
        f"median scoring time per message: {figures.median_ms_per_message:.2f} ms "
        f"({figures.timed_on})",
    ]
    return lines


def _rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def _batched(flag: Flag, texts: list[str], size: int = 256) -> list[bool]:
    out: list[bool] = []
    for start in range(0, len(texts), size):
        out.extend(flag(texts[start : start + size]))
    return out


__all__ = [
    "Banking77",
    "BenignFlags",
    "CrossValidated",
    "InputDetectionFigures",
    "StyleDetection",
    "conversation_flagged",
    "input_detection_lines",
    "measure_input_detection",
    "read_banking77",
]
