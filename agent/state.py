"""The conversation's state: what the graph reads, writes and checkpoints after every step.

Turn-scoped fields (``understanding``, ``proposal``, ``retrieved`` ...) are reset by ``ingest``
at the start of each customer message; conversation-scoped fields (``transcript``,
``actions``, ``pending``, ``owned``) live as long as the conversation.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from agent.handoff_model import HandoffSummary
from agent.vocabulary import ConversationStatus, Priority, Queue, RiskKind, Role, Route, Verdict
from tools.models import ToolResult
from tools.vocabulary import IdentityLevel


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class Message(_Value):
    role: Role
    text: str
    turn: int
    at: datetime
    flags: list[str] = Field(default_factory=list)


class Money(_Value):
    pence: int
    currency: str = "GBP"
    text: str


class Entities(_Value):
    amounts: list[Money] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)
    card_last4: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)


class IntentScore(_Value):
    intent: str
    score: float


class IntentPrediction(_Value):
    intent: str
    confidence: float
    alternatives: list[IntentScore] = Field(default_factory=list)
    source: str = "keywords"


class RiskSignal(_Value):
    kind: RiskKind
    evidence: str


class Understanding(_Value):
    prediction: IntentPrediction
    entities: Entities = Field(default_factory=Entities)
    signals: list[RiskSignal] = Field(default_factory=list)
    confirmation: Literal["yes", "no"] | None = None
    continuation: bool = False


class ToolCall(_Value):
    tool: str
    args: dict[str, JsonValue]

    def fingerprint(self) -> str:
        canonical = json.dumps({"tool": self.tool, "args": self.args}, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class ActionRecord(_Value):
    """A tool call that the guard allowed and that was executed, with its outcome."""

    call: ToolCall
    turn: int
    result: ToolResult

    @property
    def ok(self) -> bool:
        return self.result.ok


class GuardDecision(_Value):
    verdict: Verdict
    rule_id: str
    reason: str
    turn: int
    call: ToolCall | None = None


class PendingAction(_Value):
    """An action waiting for the customer: an explicit yes, or step-up verification."""

    call: ToolCall
    kind: Literal["confirmation", "step_up"]
    asked_turn: int


class Passage(_Value):
    article_id: str
    title: str
    section: str
    snippet: str
    score: float
    url: str


class Citation(_Value):
    article_id: str
    title: str
    url: str


class Decision(_Value):
    route: Route
    rule_id: str
    reason: str


class Escalation(_Value):
    rule_id: str
    reason: str
    queue: Queue
    priority: Priority
    detail: str = ""
    # Model-written (LLM planner only); agent.handoff_narrative checks it before a COp sees it.
    narrative: str | None = None


class ProposeTool(_Value):
    kind: Literal["tool"] = "tool"
    call: ToolCall


class ProposeReply(_Value):
    kind: Literal["reply"] = "reply"
    text: str
    status: ConversationStatus
    citations: list[Citation] = Field(default_factory=list)
    slot: str | None = None


class ProposeEscalate(_Value):
    kind: Literal["escalate"] = "escalate"
    escalation: Escalation


Proposal = ProposeTool | ProposeReply | ProposeEscalate


class Reasoned(_Value):
    """A rule that fired, for the audit trail and the handoff."""

    rule_id: str
    reason: str
    turn: int


class ConversationState(BaseModel):
    conversation_id: str = ""
    customer_id: str = ""
    status: ConversationStatus = "awaiting_customer"
    turn: int = 0
    now: datetime | None = None

    # input of this turn
    incoming: str = ""
    inbound_identity: IdentityLevel = "none"
    identity: IdentityLevel = "none"
    verified: bool = False

    transcript: list[Message] = Field(default_factory=list)
    actions: list[ActionRecord] = Field(default_factory=list)
    guard_log: list[GuardDecision] = Field(default_factory=list)
    fired_rules: list[Reasoned] = Field(default_factory=list)
    owned: dict[str, list[str]] = Field(default_factory=dict)
    pending: PendingAction | None = None
    declined: list[ToolCall] = Field(default_factory=list)
    slot: str | None = None

    # the current problem ("episode"): intent and where its actions start
    active_intent: str | None = None
    topic_intent: str | None = None
    first_intent: str | None = None
    intent_confidence: float = 0.0
    episode_start: int = 0
    episode_text: str = ""
    clarifications: int = 0
    injection_attempts: int = 0
    risk_flags: list[str] = Field(default_factory=list)
    cited: list[Citation] = Field(default_factory=list)

    # turn-scoped
    input_flags: list[str] = Field(default_factory=list)
    understanding: Understanding | None = None
    decision: Decision | None = None
    retrieved: list[Passage] = Field(default_factory=list)
    proposal: Proposal | None = None
    guard: GuardDecision | None = None
    plan_steps: int = 0
    turn_action_start: int = 0
    reply: ProposeReply | None = None
    escalation: Escalation | None = None
    handoff: HandoffSummary | None = None

    def episode_actions(self) -> list[ActionRecord]:
        return self.actions[self.episode_start :]

    def turn_actions(self) -> list[ActionRecord]:
        return self.actions[self.turn_action_start :]

    def confirmed_call(self) -> ToolCall | None:
        """The pending call the customer has just said yes to, or ``None``.

        The one definition of "confirmed", shared by the action guard and the planners: a
        yes counts only as the answer to a question asked in an earlier turn.
        """
        pending, understanding = self.pending, self.understanding
        if (
            pending is not None
            and pending.kind == "confirmation"
            and pending.asked_turn < self.turn
            and understanding is not None
            and understanding.confirmation == "yes"
        ):
            return pending.call
        return None

    def owns(self, collection: str, record_id: str) -> bool:
        return record_id in self.owned.get(collection, [])
