"""The handoff summary a COp reads: built from the records, so every action listed was sent.

No fact here is written by a model. Actions come from the executed-action records with
their real outcomes (``unknown`` for a write the bank may have done unheard), and from the
audit trail for a write the conversation's own record lost (its intent was stored before it
was sent: :mod:`agent.nodes.act`); reasons from the rules that fired; open items from what the
agent was still waiting for. An action of unknown outcome is never called failed, and the
next steps then begin with checking it at the bank, never with doing it again.
Card numbers never appear: tool records only hold the last four digits.
The one model-written part, the LLM planner's optional narrative, is shown only when
:func:`agent.handoff_narrative.check_narrative` finds every action, amount and date in it
among those facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import structlog
from pydantic import JsonValue

from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.handoff_model import (
    SAID_AS,
    CitedArticle,
    HandoffAction,
    HandoffEntities,
    HandoffReason,
    HandoffSummary,
    Sentiment,
    TranscriptLine,
)
from resolution_agent.agent.handoff_narrative import check_narrative
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ConversationState, Escalation, ToolCall
from resolution_agent.agent.templates import Templates, money
from resolution_agent.agent.understanding.entities import extract_entities

__all__ = [
    "CitedArticle",
    "HandoffAction",
    "HandoffEntities",
    "HandoffReason",
    "HandoffSummary",
    "TranscriptLine",
    "build_handoff",
    "mask_card_numbers",
    "unconfirmed_writes",
]

log = structlog.get_logger("resolution_agent.agent.handoff")


# Thirteen to nineteen digits, spaced or dashed as people type card numbers.
_CARD_NUMBER = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


def mask_card_numbers(text: str) -> str:
    """A COp needs a card's last four digits, never its number: keep only those.

    Customers do type their full card number into the chat; the conversation keeps what they
    wrote, but what is shown to a COp (the summary's transcript) does not.
    """

    def last_four(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        return f"[card ending {digits[-4:]}]"

    return _CARD_NUMBER.sub(last_four, text)


def _action_summary(args: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items() if k != "customer_id") or "(no arguments)"


_NO_OUTCOME = "sent to the bank; its answer was never recorded (the agent stopped first)"


def _audited_writes(
    state: ConversationState, audit: Sequence[AuditEvent]
) -> list[tuple[AuditEvent, AuditEvent | None]]:
    """Writes whose intent the audit holds but the conversation's actions do not, each with
    its recorded outcome (``tool_call`` under the same idempotency key) or None."""
    held = {a.result.idempotency_key for a in state.actions if a.result.idempotency_key}
    outcomes = {e.detail.get("idempotency_key"): e for e in audit if e.kind == "tool_call"}
    intents: dict[JsonValue, AuditEvent] = {}
    for event in audit:  # a resumed write sends its key again: one action per key
        key = event.detail.get("idempotency_key")
        if event.kind == "tool_intent" and key not in held:
            intents.setdefault(key, event)
    return [(intent, outcomes.get(key)) for key, intent in intents.items()]


def _args(value: JsonValue) -> dict[str, JsonValue]:
    return dict(value) if isinstance(value, dict) else {}


def _audited_action(intent: AuditEvent, outcome: AuditEvent | None) -> HandoffAction:
    said = outcome.detail.get("outcome") if outcome is not None else None
    detail = outcome.detail.get("failure") if outcome is not None else None
    return HandoffAction(
        tool=str(intent.detail.get("tool", "")),
        summary=_action_summary(_args(intent.detail.get("args"))),
        outcome=next((a for t, a in SAID_AS.items() if t == said), "unknown"),
        detail=str(detail) if detail else ("" if outcome is not None else _NO_OUTCOME),
        turn=intent.turn,
    )


def unconfirmed_writes(state: ConversationState, audit: Sequence[AuditEvent]) -> list[ToolCall]:
    """The writes the customer has not been told about that may or may not have happened:
    this turn's of unknown outcome, and those only the audit holds, with no outcome known."""
    calls = [a.call for a in state.turn_actions() if a.outcome == "unknown"]
    for intent, outcome in _audited_writes(state, audit):
        if outcome is None or outcome.detail.get("outcome") == "unknown":
            calls.append(
                ToolCall(
                    tool=str(intent.detail.get("tool", "")), args=_args(intent.detail.get("args"))
                )
            )
    return calls


_DISTRESS = re.compile(
    r"\b(panick\w*|desperate|scared|terrified|crying|can'?t cope|"
    r"beside myself|frightened|worried sick)\b",
    re.I,
)
_FRUSTRATION = re.compile(
    r"(!{2,}|\b(ridiculous|useless|joke|fed up|sick of|furious|"
    r"unacceptable|disgrace\w*|waste of time)\b)",
    re.I,
)

# Lost or overwhelmed, about the conversation as a whole: "this is all too confusing", "I
# don't understand any of this". "I don't understand why I was charged" is a question about
# a charge, not confusion, so "understand" and "follow" count only at the end of a clause.
_CONFUSION = re.compile(
    r"\b(confusing|(i'?m|i am|getting|so|really|very|totally|completely) confused|"
    r"overwhelm(ed|ing)|baffl(ed|ing)|over my head|lost me|makes? no sense|"
    r"(doesn'?t|does not|don'?t|do not) make (any )?sense|"
    r"too (much|complicated|complex|hard) for me|"
    r"what does (that|this|it) (even )?mean|no idea what (that|this|it|you) mean|"
    r"(don'?t|do not|can'?t|cannot) (understand|follow)"
    r"( (any of |all of )?(this|that|it|you|anything|what you mean|what you'?re saying|"
    r"a word( of (it|this|that))?))?( at all)?(?=\s*([.!?,;]|$)))",
    re.I,
)


def customer_sentiment(state: ConversationState) -> Sentiment:
    """A coarse read of how the customer is, from their words and the risk signals.

    The strongest reading wins: distressed, then frustrated, then confused, then calm.
    """
    text = " ".join(m.text for m in state.transcript if m.role == "customer")
    flags = set(state.risk_flags)
    if flags & {"scam", "bereavement", "vulnerability", "financial_difficulty"} or _DISTRESS.search(
        text
    ):
        return "distressed"
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) > 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6
    if flags & {"complaint", "abuse"} or shouting or _FRUSTRATION.search(text):
        return "frustrated"
    if _CONFUSION.search(text):
        return "confused"
    return "calm"


def _entities(state: ConversationState, now: datetime) -> HandoffEntities:
    text = " ".join(m.text for m in state.transcript if m.role == "customer")
    found = extract_entities(text, now=now)
    return HandoffEntities(
        amounts=[money(a.pence, a.currency) for a in found.amounts],
        dates=found.dates,
        card_last4=found.card_last4,
    )


def build_handoff(
    state: ConversationState,
    escalation: Escalation,
    policies: Policies,
    templates: Templates,
    *,
    now: datetime,
    audit: Sequence[AuditEvent] = (),
) -> HandoffSummary:
    """The summary of ``state`` for a COp; ``audit`` (the conversation's audit events) adds
    any write that was sent but is missing from the state's actions (a crash in between)."""
    intent_policy = policies.intent(state.active_intent) if state.active_intent else None
    actions = [
        HandoffAction(
            tool=a.call.tool,
            summary=_action_summary(dict(a.call.args)),
            outcome=SAID_AS[a.outcome],
            detail="" if a.ok or a.result.failure is None else a.result.failure.message,
            turn=a.turn,
        )
        for a in state.actions
    ]
    actions += [_audited_action(i, o) for i, o in _audited_writes(state, audit)]
    open_items: list[str] = []
    if state.pending is not None:
        what = (
            "confirm" if state.pending.kind == "confirmation" else "pass step-up verification for"
        )
        open_items.append(
            f"Customer had not yet {what} {state.pending.call.tool} "
            f"({_action_summary(dict(state.pending.call.args))})."
        )
    open_items += [
        f"Customer also asked, not yet handled: “{request.text}” ({request.prediction.intent})."
        for request in state.queued
    ]
    for action in actions:
        if action.outcome == "failed":
            open_items.append(
                f"{action.tool} did not succeed; check it before telling the "
                "customer anything about it."
            )
        elif action.outcome == "unknown":
            open_items.append(
                f"{action.tool} ({action.summary}): outcome unknown — check at the bank "
                "before retrying; the customer was told it could not be confirmed."
            )
    unknown = [a for a in actions if a.outcome == "unknown"]
    next_steps = intent_policy.next_steps if intent_policy else []
    if unknown:
        # The usual steps may redo what the bank has perhaps already done (a second card
        # ordered, a payment cancelled twice): checking comes first, and decides the rest.
        next_steps = [
            *(
                f"Check at the bank whether {a.tool} ({a.summary}) went through; do not "
                "repeat it unless the bank shows it was not done."
                for a in unknown
            ),
            "Tell the customer what the check shows, then finish only what is still to do.",
        ]
    reasons = [
        HandoffReason(rule_id=r.rule_id, reason=r.reason)
        for r in state.fired_rules
        if r.rule_id.startswith("ESC-")
    ]
    main = HandoffReason(
        rule_id=escalation.rule_id,
        reason=escalation.reason,
        detail=mask_card_numbers(escalation.detail),
    )
    if all(r.rule_id != main.rule_id for r in reasons):
        reasons.insert(0, main)
    # The COp's own wording (``cop_label``), as written: lower-casing it would mangle names
    # such as PIN or Apple Pay, and the description is for developers, not for the queue.
    topic = intent_policy.cop_label if intent_policy else "an unclear request"
    headline = f"{escalation.reason.replace('_', ' ').capitalize()}: {topic}"
    sla = policies.escalation.sla_minutes[escalation.priority]
    summary = HandoffSummary(
        conversation_id=state.conversation_id,
        customer_id=state.customer_id,
        headline=headline,
        queue=escalation.queue,
        priority=escalation.priority,
        sla_deadline=now + timedelta(minutes=sla),
        reasons=reasons,
        skills=intent_policy.skills if intent_policy else [],
        intent=state.active_intent,
        intent_confidence=state.intent_confidence,
        identity=state.identity,
        actions=actions,
        open_items=open_items,
        next_steps=next_steps,
        risk_flags=list(state.risk_flags),
        sentiment=customer_sentiment(state),
        entities=_entities(state, now),
        cited_articles=[
            CitedArticle(article_id=c.article_id, title=c.title, url=c.url) for c in state.cited
        ],
        transcript=[
            TranscriptLine(role=m.role, text=mask_card_numbers(m.text), at=m.at)
            for m in state.transcript
        ],
    )
    if escalation.narrative is not None:
        summary = _with_narrative(summary, escalation.narrative, now)
    return summary.model_copy(update={"markdown": templates.render("handoff.md.j2", s=summary)})


def _with_narrative(summary: HandoffSummary, narrative: str, now: datetime) -> HandoffSummary:
    """The summary with the model's narrative, or without it (and a logged reason) when the
    narrative mentions an action, amount or date that the summary's facts do not hold."""
    verdict = check_narrative(narrative, summary, now=now)
    if not verdict.kept:
        log.warning(
            "handoff_narrative_dropped",
            conversation_id=summary.conversation_id,
            problems=list(verdict.problems),
        )
        return summary
    return summary.model_copy(update={"narrative": mask_card_numbers(" ".join(narrative.split()))})
