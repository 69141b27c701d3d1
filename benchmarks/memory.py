"""Resident memory of one agent process with the default models, and what holds it.

Opens, in one process and in this order, what an agent opens at start (MiniLM and the libraries
it runs on, the help-centre index, the intent model, the injection and reply detectors, then
the agent itself: graph, mock bank, storage) and runs a few turns, printing the resident set
size (RSS) after each step and what the step added. The last lines are the figure the issue's
target is about: RSS after warm-up and a few turns. Peak RSS (``VmHWM``) is printed beside it.

    python benchmarks/memory.py [--turns 5]

The index is built once in ``RESOLVE_KB_DIR`` (default: a folder under the system temporary
directory, kept between runs so a rerun measures an opened index, as a deployed agent's is).
Figures are printed, never asserted: RSS depends on the allocator and the libraries' versions.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.logs import configure_logging
from resolution_agent.agent.policies import load_policies
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

MESSAGES = (
    "I've lost my card, I think I left it on the bus",
    "how do I set up a standing order",
    "what's the daily limit for cash withdrawals",
    "there's a payment I don't recognise on my account",
    "thanks, that's all",
)
MB = 1024 * 1024


def status_kb(field: str) -> int:
    """A ``/proc/self/status`` figure in kB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


class Steps:
    def __init__(self) -> None:
        self.last = self.rss()
        print(f"{'step':<50}{'RSS MB':>9}{'added MB':>10}")
        print(f"{'python, agent package imported':<50}{self.last:>9.0f}{'':>10}")

    @staticmethod
    def rss() -> float:
        gc.collect()
        return status_kb("VmRSS") / 1024

    def mark(self, name: str) -> float:
        now = self.rss()
        print(f"{name:<50}{now:>9.0f}{now - self.last:>+10.0f}")
        self.last = now
        return now


async def run(turns: int, settings: Settings) -> tuple[float, float]:
    steps = Steps()
    from resolution_agent.agent.understanding.classifier import shared_encoder

    shared_encoder(threads=settings.intent_threads).encode(["warm up"])
    steps.mark("MiniLM opened (and its libraries imported)")
    from resolution_agent.agent.retrieval import build_retriever

    retriever = build_retriever(settings)
    await retriever.warm_up()  # type: ignore[attr-defined]
    steps.mark("help-centre index open (Chroma + BM25)")
    from resolution_agent.agent.understanding.factory import open_intent_classifier

    classifier = await open_intent_classifier(settings, load_policies(settings.policies_dir))
    steps.mark("intent model loaded")
    from resolution_agent.agent.guards.detector import open_injection_detector
    from resolution_agent.agent.guards.reply_detector import open_reply_detector

    await open_injection_detector(settings)
    steps.mark("injection detector loaded")
    await open_reply_detector(settings, model_planner=False)
    steps.mark("reply detector loaded (when the settings use it)")
    async with ResolutionAgent(settings, classifier=classifier, retriever=retriever) as agent:
        steps.mark("agent open (graph, mock bank, storage)")
        for n in range(turns):
            await agent.handle_message(f"memory-{n}", "cus_1001", MESSAGES[n % len(MESSAGES)])
        after = steps.mark(f"after {turns} turns")
    return after, status_kb("VmHWM") / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args()
    configure_logging("console", "warning")
    kb = os.environ.get("RESOLVE_KB_DIR") or str(Path(tempfile.gettempdir()) / "resolve-bench-kb")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), kb_dir=Path(kb), clock=DEFAULT_CLOCK)
        rss, peak = asyncio.run(run(args.turns, settings))
    print()
    print(f"one process, default models, after warm-up and {args.turns} turns: RSS {rss:.0f} MB")
    print(f"peak RSS (VmHWM) over the run: {peak:.0f} MB")
    heavy = [
        name for name in ("torch", "transformers", "sentence_transformers") if name in sys.modules
    ]
    print(f"heavy libraries imported: {', '.join(heavy) or 'none of torch, transformers'}")


if __name__ == "__main__":
    main()
