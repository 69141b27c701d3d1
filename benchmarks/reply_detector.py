"""Reply detector benchmark: the output guard's learned signal, alone and beside the patterns.

Always: per kind, the figures cross-validation measured when the detector was trained, on the
training text only (``fixtures/output/reply_training.yaml`` and the rest of
``guards.reply_detector._data``): out-of-fold recall of the kind's hostile replies, the share
of benign replies at or above its threshold, and the threshold.

With ``--heldout PATH`` (a file in the format of ``hostile_replies.yaml``): per kind, how
many replies are stopped by the patterns alone (every output rule, no learned verdict), by
the learned signal alone (any kind flagged), and by both (every output rule, learned verdict
passed in, as the output guard node does). Each reply is checked as written to cus_1001 of
the default seed on a turn with no tool call. Run it on the held-out set only once the model
is final: it measures, it does not tune.

    RESOLVE_MODELS_DIR=... python benchmarks/reply_detector.py [--heldout PATH] [--json]

Trains the detector on first use (a minute or more on two cores). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from resolution_agent.agent.guards._content import REPLY_KINDS
from resolution_agent.agent.guards.output import OutputContext, check_output, output_reference
from resolution_agent.agent.guards.reply_detector import ReplyDetector
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm._prompt import system_prompt
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import ConversationState, ProposeReply
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.testing.hostile_replies import load_hostile_replies
from resolution_agent.agent.understanding.classifier import shared_encoder
from resolution_agent.tools.mockbank import MockBank, load_seed
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

_PASSING = {"OUT-OK", "OUT-CITATION-DROPPED"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, help="hostile replies to measure stops on")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    settings = Settings()
    detector = ReplyDetector(
        settings.intent_models_dir,
        settings.project_root,
        shared_encoder(threads=settings.intent_threads),
    )
    models = detector.models()
    trained = {
        kind: {
            "recall": round(models[kind].validation.attack_recall, 4),
            "benign_fp": round(models[kind].validation.benign_fp, 4),
            "threshold": round(models[kind].threshold, 4),
        }
        for kind in REPLY_KINDS
    }
    result: dict[str, Any] = {
        "cross_validated": trained,
        "benign_fp_at_most": round(sum(row["benign_fp"] for row in trained.values()), 4),
    }
    if args.heldout is not None:
        result["heldout"] = _heldout(args.heldout, settings, detector)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)


def _heldout(path: Path, settings: Settings, detector: ReplyDetector) -> dict[str, Any]:
    policies = load_policies(settings.policies_dir)
    templates = Templates(settings.prompts_dir)
    state = ConversationState(
        conversation_id="bench-reply-detector",
        customer_id="cus_1001",
        turn=2,
        identity="app_authenticated",
        owned={"cards": ["card_1001a"], "accounts": ["acc_1001a"]},
    )
    reference = output_reference(settings.fixtures_dir / "help", templates, policies)
    prompt = system_prompt(state, PlanningContext(policies, templates, DEFAULT_CLOCK), 0)
    customers = MockBank(load_seed(settings.fixtures_dir)).customer_identifiers()
    patterns = OutputContext(reference=reference, customers=customers, prompts=[prompt])

    def stopped(text: str, context: OutputContext) -> bool:
        reply = ProposeReply(text=text, status="awaiting_customer")
        return check_output(state, reply, policies, context=context).rule_id not in _PASSING

    out: dict[str, Any] = {}
    for kind, spec in load_hostile_replies(path).kinds.items():
        rows = []
        for text, _ in spec.cases():
            learned = detector.verdict(text)
            both = OutputContext(
                reference=reference, customers=customers, prompts=[prompt], learned=learned
            )
            rows.append((stopped(text, patterns), bool(learned.flagged), stopped(text, both)))
        out[kind] = {
            "rule": spec.rule,
            "replies": len(rows),
            "patterns": sum(p for p, _, _ in rows),
            "learned": sum(ln for _, ln, _ in rows),
            "both": sum(b for _, _, b in rows),
        }
    return out


def _print(result: dict[str, Any]) -> None:
    print("cross-validated on the training text (out of fold)")
    print(f"  {'kind':<20} {'recall':>7} {'benign FP':>9} {'threshold':>9}")
    for kind, row in result["cross_validated"].items():
        print(
            f"  {kind:<20} {row['recall']:>7.1%} {row['benign_fp']:>9.2%} {row['threshold']:>9.3f}"
        )
    print(f"  benign blocked by any kind: at most {result['benign_fp_at_most']:.2%}")
    if "heldout" in result:
        print("held-out replies stopped")
        print(f"  {'kind':<20} {'replies':>7} {'patterns':>8} {'learned':>7} {'both':>5}")
        for kind, row in result["heldout"].items():
            print(
                f"  {kind:<20} {row['replies']:>7} {row['patterns']:>8} "
                f"{row['learned']:>7} {row['both']:>5}"
            )


if __name__ == "__main__":
    main()
