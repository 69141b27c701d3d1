"""Shadow mode: the agent drafts every reply, a COp sends each one, and the desk measures how
often the COp sent the draft as it was.

With ``Settings.shadow_mode`` on, the reply that passed the output guard is not sent. The
respond node calls :func:`hold_for_cop`: the draft is audited (``SHADOW-DRAFT``, with the
conversation's intent), the conversation's case is opened or brought up to date (queue and
priority from the intent's policy), and the customer is told a colleague will answer. The
conversation stays open, so the next message is drafted again; its case queues for a COp, who
sees the draft prefilled (:meth:`agent.desk._aid.DecisionAid.draft_reply`) and sends it,
edited or not, with :meth:`cop_reply`. That send is compared with the draft
(:func:`agreement`) and audited (``SHADOW-SENT``).

Actions: a write the agent plans in shadow mode passes every check of the action guard as in
live running (the customer's yes to a confirmation question the COp sent included) and then
stops as a proposal (rule ``SHADOW-APPROVAL``): the conversation is handed off with the call
on its case, and a COp approves it (it runs through the same tools, guards and audit) or
rejects it (:mod:`agent.desk.approvals`). Reads run, so a draft can say what the bank shows.

The agreement by intent (:func:`shadow_report`) is what a bank decides on: an intent whose
drafts COps send unchanged and whose actions they approve is one the agent may handle alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.desk.proposals import (
    PROPOSAL_APPROVED,
    PROPOSAL_MADE,
    PROPOSAL_REJECTED,
)
from resolution_agent.agent.guards.action import SHADOW_APPROVAL
from resolution_agent.agent.handoff import build_handoff
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, Escalation, ProposeReply

__all__ = [
    "DRAFT_RULE",
    "SENT_RULE",
    "Agreement",
    "IntentAgreement",
    "ShadowReport",
    "agreement",
    "hold_for_cop",
    "pending_draft",
    "shadow_report",
    "shadow_table",
]

DRAFT_RULE = "SHADOW-DRAFT"
SENT_RULE = "SHADOW-SENT"
HOLDING_TEMPLATE = "replies/shadow_holding.j2"
Agreement = Literal["unchanged", "edited", "replaced"]
AGREEMENTS: tuple[Agreement, ...] = ("unchanged", "edited", "replaced")
#: A sent text at least this close to the draft (difflib's ratio over words) is the draft
#: edited; below it the COp wrote their own. Half the words kept is where a reader would say
#: "they started from the draft".
EDITED_FROM = 0.5


def _words(text: str) -> list[str]:
    return text.lower().split()


def agreement(draft: str, sent: str) -> tuple[Agreement, float]:
    """How the sent text relates to the draft, and how close it is (1.0: the same words)."""
    a, b = _words(draft), _words(sent)
    if a == b:
        return "unchanged", 1.0
    ratio = difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()
    return ("edited" if ratio >= EDITED_FROM else "replaced"), round(ratio, 4)


async def hold_for_cop(state: ConversationState, reply: ProposeReply, deps: Deps) -> ProposeReply:
    """Keep ``reply`` as a draft on the conversation's case; what the customer is told instead."""
    intent = state.active_intent
    policy = deps.policies.intents.get(intent or "")
    escalation = Escalation(
        rule_id=DRAFT_RULE,
        reason="shadow mode: a COp sends each reply the agent drafts",
        queue=policy.topic_queue if policy is not None else "general",
        priority=policy.priority if policy is not None else "normal",
    )
    await deps.record(
        state.conversation_id,
        state.turn,
        "output",
        DRAFT_RULE,
        action="held",
        intent=intent,
        status=reply.status,
        text=reply.text,
    )
    now = deps.clock()
    summary = build_handoff(state, escalation, deps.policies, deps.templates, now=now)
    case = await deps.cases.get(state.conversation_id)
    # Imported here: agent.nodes.escalate imports the graph's nodes, which import this module.
    from resolution_agent.agent.nodes.escalate import open_case

    if case is None or case.status == "closed":
        await open_case(deps, summary)
    else:  # a COp may hold it already: they keep it, with the summary brought up to date
        await deps.cases.save(case.model_copy(update={"summary": summary, "updated_at": now}))
    # The slot stays the draft's: the COp sends that question, and the customer's answer must
    # be read as the answer to it (a clarifying choice, a card to pick, a yes).
    return ProposeReply(
        text=deps.templates.render(HOLDING_TEMPLATE), status="awaiting_customer", slot=reply.slot
    )


def pending_draft(events: Sequence[AuditEvent]) -> AuditEvent | None:
    """The conversation's latest shadow draft, unless a COp has sent a reply since."""
    for event in reversed(events):
        if event.rule_id == SENT_RULE:
            return None
        if event.rule_id == DRAFT_RULE:
            return event
    return None


class IntentAgreement(BaseModel):
    """How COps treated the drafts of one intent."""

    model_config = ConfigDict(frozen=True)

    intent: str
    sent: int
    unchanged: int
    edited: int
    replaced: int
    #: Writes the agent proposed in shadow mode, and how COps decided them (the rest wait).
    proposed: int = 0
    approved: int = 0
    rejected: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def agreement_rate(self) -> float:
        """The share of sent drafts sent unchanged."""
        return self.unchanged / self.sent if self.sent else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def approval_rate(self) -> float:
        """The share of decided proposals that COps approved."""
        decided = self.approved + self.rejected
        return self.approved / decided if decided else 0.0


class ShadowReport(BaseModel):
    """Agreement by intent (most drafts first), and drafts still waiting for a COp."""

    model_config = ConfigDict(frozen=True)

    intents: list[IntentAgreement]
    waiting: int
    #: Shadow-mode proposals no COp has decided yet.
    actions_waiting: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sent(self) -> int:
        return sum(i.sent for i in self.intents)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def agreement_rate(self) -> float:
        sent = self.sent
        return sum(i.unchanged for i in self.intents) / sent if sent else 0.0


NO_INTENT = "(none)"


def shadow_report(conversations: Iterable[Sequence[AuditEvent]]) -> ShadowReport:
    """The report over each conversation's audit events."""
    counts: dict[str, dict[str, int]] = {}
    waiting = actions_waiting = 0

    def row_of(intent: object) -> dict[str, int]:
        return counts.setdefault(
            intent if isinstance(intent, str) else NO_INTENT,
            dict.fromkeys((*AGREEMENTS, "proposed", "approved", "rejected"), 0),
        )

    for events in conversations:
        shadow_proposals: dict[object, object] = {}  # proposal id -> intent
        for event in events:
            if event.rule_id == SENT_RULE:
                said = next((a for a in AGREEMENTS if a == event.detail.get("agreement")), None)
                if said is not None:
                    row_of(event.detail.get("intent"))[said] += 1
            elif event.rule_id == PROPOSAL_MADE and event.detail.get("rule") == SHADOW_APPROVAL:
                shadow_proposals[event.detail.get("proposal")] = event.detail.get("intent")
                row_of(event.detail.get("intent"))["proposed"] += 1
            elif event.rule_id in (PROPOSAL_APPROVED, PROPOSAL_REJECTED):
                proposal = event.detail.get("proposal")
                if proposal in shadow_proposals:
                    decided = "approved" if event.rule_id == PROPOSAL_APPROVED else "rejected"
                    row_of(shadow_proposals.pop(proposal))[decided] += 1
        waiting += pending_draft(events) is not None
        actions_waiting += len(shadow_proposals)
    rows = [
        IntentAgreement(intent=intent, sent=sum(c[a] for a in AGREEMENTS), **c)
        for intent, c in counts.items()
    ]
    rows.sort(key=lambda r: (-(r.sent + r.proposed), r.intent))
    return ShadowReport(intents=rows, waiting=waiting, actions_waiting=actions_waiting)


def shadow_table(report: ShadowReport) -> str:
    """The report as a plain-text table: one row per intent, then the total."""
    lines = [
        f"{'intent':<40} {'sent':>5} {'unchanged':>9} {'edited':>6} {'replaced':>8} "
        f"{'agree':>6} {'actions':>7} {'approved':>8} {'rejected':>8}"
    ]

    def line(name: str, r: IntentAgreement) -> str:
        return (
            f"{name:<40} {r.sent:>5} {r.unchanged:>9} {r.edited:>6} {r.replaced:>8} "
            f"{r.agreement_rate:>6.0%} {r.proposed:>7} {r.approved:>8} {r.rejected:>8}"
        )

    for row in report.intents:
        lines.append(line(row.intent, row))
    total = IntentAgreement(
        intent="all intents",
        **{
            field: sum(getattr(r, field) for r in report.intents)
            for field in ("sent", *AGREEMENTS, "proposed", "approved", "rejected")
        },
    )
    lines.append(line(total.intent, total))
    lines.append(f"drafts waiting for a COp: {report.waiting}")
    lines.append(f"actions waiting for a COp: {report.actions_waiting}")
    return "\n".join(lines)
