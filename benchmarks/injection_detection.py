"""How well injection detection generalises: rules alone, the learned detector, both.

Detection per style on the held-out attacks of ``fixtures/injection/attacks.csv``; false
positives on Banking77's training split (read at run time from outside the project), on the
intent utterances the detector keeps back and on the held-out hard benign texts. The measuring
is ``resolution_agent.evals.layers.input_detection`` (its docstring says how), shared with
``resolve redteam --layers``; this prints it.

    python benchmarks/injection_detection.py [--banking77 PATH] [--json]

The detector is trained on first use into the models folder (``RESOLVE_MODELS_DIR``, default
``<data dir>/models``) and loaded from there afterwards.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from resolution_agent.agent.logs import configure_logging
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.evals.layers.input_detection import (
    input_detection_lines,
    measure_input_detection,
    read_banking77,
)
from resolution_agent.tools.errors import DataFileError

DEFAULT_BANKING77 = PROJECT_ROOT.parent / ".." / "shared" / "data" / "banking77" / "train.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--banking77", type=Path, default=DEFAULT_BANKING77)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    try:
        banking77 = read_banking77(args.banking77.resolve())
    except DataFileError as exc:
        sys.exit(f"{exc}; pass --banking77 PATH/TO/banking77/train.csv")
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)  # on stderr: stdout is the report
    figures = measure_input_detection(settings, banking77=banking77)
    if args.json:
        print(figures.model_dump_json(indent=2))
    else:
        print("\n".join(input_detection_lines(figures)))


if __name__ == "__main__":
    main()
