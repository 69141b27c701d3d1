"""How well injection detection generalises: rules alone, the learned detector, both.

Detection is measured per style on the held-out attacks of ``fixtures/injection/attacks.csv``
(written as a separate batch and never used in training or tuning). False positives are
measured on Banking77's training split (10,003 real customer questions, read at run time
from outside the project and never copied into it), on the intent utterances the detector
keeps back, and on the held-out hard benign texts. A split payload counts as detected when
any of its turns is flagged as the input guard would flag it: the turn alone, or joined with
the customer's previous turns since the last flagged one (``nodes.input_guard``).

    python benchmarks/injection_detection.py [--banking77 PATH] [--json]

The detector is trained on first use into the models folder (``RESOLVE_MODELS_DIR``, default
``<data dir>/models``) and loaded from there afterwards.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
from resolution_agent.agent.logs import configure_logging
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.understanding.classifier import shared_encoder

REPO = PROJECT_ROOT.parent
DEFAULT_BANKING77 = REPO / ".." / "shared" / "data" / "banking77" / "train.csv"
TIMED = 200  # messages scored one at a time for the per-message figure

Flag = Callable[[Sequence[str]], list[bool]]


def conversation_flagged(turns: list[str], flag: Flag) -> bool:
    """Whether any turn is flagged as the input guard scores it (alone, and joined)."""
    return any(any(flag(candidates(turns[: k + 1]))) for k in range(len(turns)))


def read_banking77(path: Path) -> list[str]:
    if not path.is_file():
        sys.exit(
            f"Banking77 not found at {path}; pass --banking77 PATH/TO/banking77/train.csv "
            "(the CSV with a 'text' column)"
        )
    with path.open(encoding="utf-8", newline="") as file:
        return [row["text"] for row in csv.DictReader(file)]


def rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--banking77", type=Path, default=DEFAULT_BANKING77)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    banking77 = read_banking77(args.banking77.resolve())
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)  # on stderr: stdout is the report
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
    detection: dict[str, dict[str, Any]] = {}
    for style in (*STYLES, "all"):
        rows = [r for r in attacks if style in ("all", r.style)]
        turns = [r.text.split(TURN_SEPARATOR) for r in rows]
        detection[style] = {"n": len(rows)} | {
            name: rate([conversation_flagged(t, flag) for t in turns])
            for name, flag in (("rules", rules), ("detector", learned), ("combined", either))
        }
    benign_sets = {
        "banking77_train": banking77,
        "utterances_heldout": utterances(PROJECT_ROOT, "heldout"),
        "hard_benign_heldout": [
            r.text for r in read_hard_benign(PROJECT_ROOT) if r.split == "heldout"
        ],
    }
    false_positives: dict[str, dict[str, Any]] = {}
    for name, texts in benign_sets.items():
        by_rules, by_detector = rules(texts), _batched(learned, texts)
        false_positives[name] = {
            "n": len(texts),
            "rules": rate(by_rules),
            "detector": rate(by_detector),
            "combined": rate([a or b for a, b in zip(by_rules, by_detector, strict=True)]),
            "flagged": [t for t, a, b in zip(texts, by_rules, by_detector, strict=True) if a or b][
                :20
            ],
        }
    timings = []
    for text in banking77[:TIMED]:
        began = time.perf_counter()
        detector.scores([text])  # scored in batches above, so never kept: a real encode
        timings.append((time.perf_counter() - began) * 1000)
    validation = detector.model().validation
    report = {
        "threshold": threshold,
        "cross_validation": {
            "benign_fp": validation.benign_fp,
            "attack_recall": validation.attack_recall,
        },
        "trained_now": not built,
        "seconds": round(time.perf_counter() - started, 1),
        "detection_heldout": detection,
        "false_positives": false_positives,
        "median_ms_per_message": statistics.median(timings),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)


def _batched(flag: Flag, texts: list[str], size: int = 256) -> list[bool]:
    out: list[bool] = []
    for start in range(0, len(texts), size):
        out.extend(flag(texts[start : start + size]))
    return out


def _print(report: dict[str, Any]) -> None:
    cv = report["cross_validation"]
    print(
        f"threshold {report['threshold']:.3f} (cross-validated on train: "
        f"{cv['attack_recall']:.1%} of attacks, {cv['benign_fp']:.2%} of benign text above it)"
    )
    print("\nheld-out detection by style")
    print(f"{'style':<15}{'n':>5}{'rules':>9}{'detector':>10}{'combined':>10}")
    for style, row in report["detection_heldout"].items():
        print(
            f"{style:<15}{row['n']:>5}{row['rules']:>9.1%}{row['detector']:>10.1%}"
            f"{row['combined']:>10.1%}"
        )
    print("\nfalse positives")
    print(f"{'benign set':<22}{'n':>7}{'rules':>9}{'detector':>10}{'combined':>10}")
    for name, row in report["false_positives"].items():
        print(
            f"{name:<22}{row['n']:>7}{row['rules']:>9.2%}{row['detector']:>10.2%}"
            f"{row['combined']:>10.2%}"
        )
    for name, row in report["false_positives"].items():
        for text in row["flagged"][:8]:
            print(f"  flagged in {name}: {text[:100]}")
    print(f"\nmedian scoring time per message: {report['median_ms_per_message']:.2f} ms")


if __name__ == "__main__":
    main()
