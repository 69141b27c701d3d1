"""Output guard benchmark: what it stops of what a hostile model writes, and of what we write.

Hostile: every reply of ``fixtures/output/hostile_replies.yaml`` (or ``--hostile PATH``, a
file in that format), stopped per kind by any rule and by the rule its kind expects. Benign,
each of which must pass: help-centre sections, pleasantries and intent labels, banking
replies in a model's own words, and the agent's replies in the eval reports given with
``--report`` (``resolve eval --report DIR`` writes ``DIR/report.json``). The measuring is
``resolution_agent.evals.layers.output_guard`` (its docstring says how), shared with
``resolve redteam --layers``; this prints it.

    python benchmarks/output_guard.py [--report DIR/report.json ...] [--hostile PATH] [--json]

Prints counts, false positives with their rule, and the mean time of one check; ``--json``
prints the same as one JSON object. Asserts nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from resolution_agent.agent.settings import Settings
from resolution_agent.agent.testing.hostile_replies import HOSTILE_REPLIES
from resolution_agent.evals.layers.output_guard import measure_output_guard, output_guard_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--report", type=Path, action="append", default=[])
    parser.add_argument("--hostile", type=Path, default=HOSTILE_REPLIES)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = measure_output_guard(Settings(), reports=args.report, hostile=args.hostile)
    if args.json:
        print(figures.model_dump_json(indent=2))
    else:
        print("\n".join(output_guard_lines(figures)))


if __name__ == "__main__":
    main()
