"""What the output guard stops of what a hostile model writes, and of what we write.

Hostile: every reply of ``fixtures/output/hostile_replies.yaml`` (eight kinds, 20 or more
each, or another file in that format), checked as written to cus_1001 of the default seed on a
turn with no tool call; a reply counts as stopped by any rule and as stopped by the rule its
kind expects.

Benign, each of which must pass:

- every help-centre section, quoted as a reply (``help``);
- short pleasantries and the labels a customer picks from (``small``);
- banking replies in a model's own words, safety advice about scams included (``paraphrase``);
- the agent's replies in eval reports when given (``resolve eval --report DIR`` writes
  ``DIR/report.json``; ``--model simulated`` ones too). They are checked with every content
  rule, without the by-value check of other customers: the report does not carry the tool
  results that make a payee's name the customer's own, and the eval run itself applied that
  check with the real state (compare its pass count).

The guard is checked as it runs when a model plans: with the learned reply detector's verdict
beside the patterns when the settings give a model planner one (``RESOLVE_REPLY_DETECTOR``,
``guards.reply_detector.wants_reply_detector``), patterns alone otherwise; ``learned`` says
which. Also the vocabulary measure on its own (``OUT-OFF-TOPIC`` without its patterns), and
the mean time of one check (the learned score included).
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.consistency import help_centre
from resolution_agent.agent.guards._content import bank_share
from resolution_agent.agent.guards.output import OutputContext, check_output, output_reference
from resolution_agent.agent.guards.reply_detector import ReplyDetector, wants_reply_detector
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm._prompt import system_prompt
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import ActionRecord, ConversationState, ProposeReply, ToolCall
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.testing.hostile_replies import HOSTILE_REPLIES, load_hostile_replies
from resolution_agent.agent.understanding.classifier import shared_encoder
from resolution_agent.evals.layers._benign_replies import PARAPHRASES, SMALL
from resolution_agent.tools.declarations import TOOLS
from resolution_agent.tools.mockbank import MockBank, load_seed
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK
from resolution_agent.tools.models import ToolResult

#: Verdicts that let the reply through (a dropped citation changes nothing the customer reads).
PASSING = frozenset({"OUT-OK", "OUT-CITATION-DROPPED"})
#: Examples of false positives kept per benign set.
KEPT_EXAMPLES = 10


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class HostileKindStops(_Frozen):
    """One kind of hostile reply: how many any rule stopped, and how many its own rule did."""

    rule: str
    replies: int
    stopped: int
    by_expected_rule: int
    missed: list[str]
    other_rule: list[str]


class BenignStops(_Frozen):
    """One set of replies that must pass: ``stopped`` counts false positives."""

    replies: int
    stopped: int
    by_rule: dict[str, int]
    examples: list[str]


class VocabularyMeasure(_Frozen):
    """The bank-vocabulary share alone: how far our replies sit from its threshold."""

    min_words: int
    min_bank_share: float
    benign_judged: int
    benign_lowest_share: float
    benign_below_threshold: int
    off_topic_replies: int
    off_topic_stopped_by_share: int
    off_topic_highest_share: float


class OutputGuardFigures(_Frozen):
    """``learned``: whether the learned reply detector judged beside the patterns."""

    hostile_source: str
    learned: bool
    hostile: dict[str, HostileKindStops]
    benign: dict[str, BenignStops]
    vocabulary: VocabularyMeasure
    mean_check_ms: float
    checks: int


def measure_output_guard(
    settings: Settings, *, reports: Sequence[Path] = (), hostile: Path = HOSTILE_REPLIES
) -> OutputGuardFigures:
    """Stops per hostile kind and false positives per benign set (with ``reports``' replies).

    Raises ``DataFileError`` when the hostile replies cannot be read.
    """
    policies = load_policies(settings.policies_dir)
    templates = Templates(settings.prompts_dir)
    state = ConversationState(
        conversation_id="layers-output",
        customer_id="cus_1001",
        turn=2,
        identity="app_authenticated",
        owned={"cards": ["card_1001a"], "accounts": ["acc_1001a"]},
    )
    reference = output_reference(settings.fixtures_dir / "help", templates, policies)
    prompt = system_prompt(state, PlanningContext(policies, templates, DEFAULT_CLOCK), 0)
    customers = MockBank(load_seed(settings.fixtures_dir)).customer_identifiers()
    full = OutputContext(reference=reference, customers=customers, prompts=[prompt])
    no_directory = OutputContext(reference=reference, prompts=[prompt])
    detector = (
        ReplyDetector(
            settings.intent_models_dir,
            settings.project_root,
            shared_encoder(threads=settings.intent_threads),
        )
        if wants_reply_detector(settings, model_planner=True)
        else None
    )
    timings: list[float] = []

    def rule(text: str, context: OutputContext, on: ConversationState = state) -> str:
        started = time.perf_counter()
        if detector is not None:
            context = replace(context, learned=detector.verdict(text))
        verdict = check_output(on, _reply(text), policies, context=context)
        timings.append(time.perf_counter() - started)
        return verdict.rule_id

    hostile_kinds = load_hostile_replies(hostile).kinds
    stops: dict[str, HostileKindStops] = {}
    for kind, spec in hostile_kinds.items():
        got = [(text, expected, rule(text, full)) for text, expected in spec.cases()]
        stops[kind] = HostileKindStops(
            rule=spec.rule,
            replies=len(got),
            stopped=sum(r not in PASSING for _, _, r in got),
            by_expected_rule=sum(r == e for _, e, r in got),
            missed=[t for t, _, r in got if r in PASSING],
            other_rule=[f"{r}: {t}" for t, e, r in got if r != e and r not in PASSING],
        )

    benign_sets = {
        "help": [
            _section(s.heading, s.text)
            for a in help_centre(settings.fixtures_dir / "help")
            for s in a.sections
        ],
        "small": SMALL + [i.customer_label for i in policies.intents.values()],
        "paraphrase": PARAPHRASES,
    }
    if reports:
        benign_sets["eval"] = sorted({t for path in reports for t in _agent_replies(path)})
    # Our own replies are judged on the content rules: a state where every tool succeeded
    # backs every claim and promise, and a request for a yes (the last rule) is not judged.
    everything_done = state.model_copy(
        update={
            "actions": [
                ActionRecord(
                    call=ToolCall(tool=spec.name, args={}),
                    turn=1,
                    result=ToolResult(tool=spec.name, ok=True, data={}),
                )
                for spec in TOOLS
            ]
        }
    )
    benign: dict[str, BenignStops] = {}
    for name, texts in benign_sets.items():
        context = no_directory if name == "eval" else full
        fired = [(rule(t, context, everything_done), t) for t in texts]
        false = [(r, t) for r, t in fired if r not in PASSING | {"OUT-CONFIRM-UNASKED"}]
        if name == "eval":
            # Record ids in an eval reply are the customer's in the run that wrote them; the
            # report does not carry the tool results that show it.
            false = [
                (r, t) for r, t in false if not _foreign_record_only(t, everything_done, policies)
            ]
        benign[name] = BenignStops(
            replies=len(texts),
            stopped=len(false),
            by_rule=dict(Counter(r for r, _ in false)),
            examples=[f"{r}: {t[:160]}" for r, t in false[:KEPT_EXAMPLES]],
        )

    rule_ = policies.output.off_topic
    ours = [bank_share(t, reference) for texts in benign_sets.values() for t in texts]
    judged = [share for count, share in ours if count >= rule_.min_words]
    theirs = [bank_share(t, reference) for t, _ in hostile_kinds["off_topic"].cases()]
    vocabulary = VocabularyMeasure(
        min_words=rule_.min_words,
        min_bank_share=rule_.min_bank_share,
        benign_judged=len(judged),
        benign_lowest_share=round(min(judged), 3),
        benign_below_threshold=sum(s < rule_.min_bank_share for s in judged),
        off_topic_replies=len(theirs),
        off_topic_stopped_by_share=sum(
            c >= rule_.min_words and s < rule_.min_bank_share for c, s in theirs
        ),
        off_topic_highest_share=round(max(s for _, s in theirs), 3),
    )
    return OutputGuardFigures(
        hostile_source=hostile.name,
        learned=detector is not None,
        hostile=stops,
        benign=benign,
        vocabulary=vocabulary,
        mean_check_ms=round(statistics.fmean(timings) * 1000, 3),
        checks=len(timings),
    )


def output_guard_lines(figures: OutputGuardFigures) -> list[str]:
    """The figures as the terminal shows them: stops per kind, then false positives."""
    signals = "patterns and learned signal" if figures.learned else "patterns alone"
    lines = [
        f"hostile replies ({figures.hostile_source}; cus_1001, no tool call this turn; {signals})",
        f"  {'kind':<20} {'replies':>7} {'stopped':>7} {'by rule':>7}  rule",
    ]
    for kind, row in figures.hostile.items():
        lines.append(
            f"  {kind:<20} {row.replies:>7} {row.stopped:>7} {row.by_expected_rule:>7}  {row.rule}"
        )
        lines += [f"      missed: {text}" for text in row.missed]
        lines += [f"      other rule: {line}" for line in row.other_rule]
    lines.append("benign replies (false positives)")
    for name, stops in figures.benign.items():
        lines.append(f"  {name:<20} {stops.replies:>7} stopped {stops.stopped}  {stops.by_rule}")
        lines += [f"      {line}" for line in stops.examples]
    v = figures.vocabulary
    lines += [
        f"vocabulary measure alone (>= {v.min_words} content words, share < "
        f"{v.min_bank_share}): our replies judged {v.benign_judged}, lowest share "
        f"{v.benign_lowest_share}, below threshold {v.benign_below_threshold}; off-topic "
        f"stopped by share {v.off_topic_stopped_by_share}/{v.off_topic_replies}, highest "
        f"share {v.off_topic_highest_share}",
        f"mean check: {figures.mean_check_ms} ms over {figures.checks} checks",
    ]
    return lines


def _reply(text: str) -> ProposeReply:
    return ProposeReply(text=text, status="awaiting_customer")


def _section(heading: str, text: str) -> str:
    # A passage as a reply: markdown links made plain, as the answer template quotes them.
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", f"{heading}. {text}".strip())


def _foreign_record_only(text: str, state: ConversationState, policies: Policies) -> bool:
    verdict = check_output(state, _reply(text), policies)
    return verdict.reason.startswith("reply names records of someone else")


def _agent_replies(path: Path) -> list[str]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return [
        m["text"]
        for result in report["results"]
        for m in result["transcript"]
        if m["role"] == "agent"
    ]


__all__ = [
    "PASSING",
    "BenignStops",
    "HostileKindStops",
    "OutputGuardFigures",
    "VocabularyMeasure",
    "measure_output_guard",
    "output_guard_lines",
]
