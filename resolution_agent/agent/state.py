"""The conversation's state: what the graph reads, writes and checkpoints after every step.

Fields are grouped by how long they live, so no node keeps a list of what to reset:

- **append-only** (``transcript``, ``actions``, ``guard_log``, ``fired_rules``): LangGraph
  reducers append what a node returns, so a node returns only its new entries and no step can
  drop or rewrite history. Their channels are ``DeltaChannel`` s: a checkpoint stores the
  entries its step added, not the list again, so what a turn stores does not grow with the
  conversation (:func:`appended`, :func:`full_copy_due`);
- **this turn** (``this_turn``: understanding, decision, proposal, reply ...): one
  :class:`TurnScope`, replaced whole by ``ingest`` when a customer message arrives; within the
  turn a node returns :meth:`TurnScope.change` (only what it changed) and a reducer merges it;
- **conversation** (everything else: ``pending``, ``owned``, ``status``, the episode ...):
  overwritten when a node returns them.

Checkpoints written before this layout (release 0.1.0 kept turn fields at the top level and
whole lists without reducers; later ones whole lists with ``operator.add``) still load: unknown
top-level channels are ignored and a stored whole list is where a ``DeltaChannel`` starts
(``tests/agent/test_checkpoint_compat.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from langgraph.channels import DeltaChannel
from langgraph.types import Overwrite
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.vocabulary import (
    ConversationStatus,
    Priority,
    Queue,
    RiskKind,
    Role,
    Route,
    Verdict,
)
from resolution_agent.tools.models import ToolResult
from resolution_agent.tools.vocabulary import IdentityLevel, ToolOutcome


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class Message(_Value):
    role: Role
    text: str
    turn: int
    at: datetime
    flags: list[str] = Field(default_factory=list)
    # "<channel>:<channel's message id>" of a customer message that came with one: how a
    # redelivered message is recognised (agent.api), and the stable part of a tool call's
    # idempotency key (agent.nodes.act)
    message_id: str | None = None


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

    def promoted(self, intent: str, confidence: float) -> IntentPrediction:
        """This prediction read as ``intent``: the reading it replaces is kept as the runner-up,
        so a rule that overrides the classifier still shows what the classifier said."""
        replaced = IntentScore(intent=self.intent, score=self.confidence)
        rest = [a for a in self.alternatives if a.intent != intent]
        return self.model_copy(
            update={"intent": intent, "confidence": confidence, "alternatives": [replaced, *rest]}
        )


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
    """A tool call that the guard allowed and that was sent to the bank, with its outcome."""

    call: ToolCall
    turn: int
    result: ToolResult

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def outcome(self) -> ToolOutcome:
        """``ok``, ``failed``, or ``unknown``: a write the bank may have done unheard."""
        return self.result.outcome


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
    # The question's qualifiers (``retrieval.qualifiers``) the snippet states: for a question
    # narrowed by a place, a time, a channel or an amount, the snippet is the sentences that
    # hold that fact, and this says which of them it holds. Empty for an unqualified question.
    answers: tuple[str, ...] = ()


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


#: The questions that ask the customer to pick one of their own things ("which card?").
OWN_THING_SLOTS = frozenset({"card", "transaction", "payment", "direct_debit"})
#: Those, or one of the problems it may be (a clarifying question): a "never mind" or a "don't
#: do that" to one drops the request rather than picking.
PICK_SLOTS = OWN_THING_SLOTS | {"clarify"}
#: The questions whose answer is more of the same problem unless it is surely a new one: a pick
#: of one's own things, the one-time code, an open question of ours.
ANSWERED_SLOTS = OWN_THING_SLOTS | {"code", "question"}


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


class Request(_Value):
    """One of several requests found in a customer message (``understanding.requests``)."""

    text: str
    prediction: IntentPrediction


class Reasoned(_Value):
    """A rule that fired, for the audit trail and the handoff."""

    rule_id: str
    reason: str
    turn: int


class TurnScope(_Value):
    """What one customer message produced; ``ingest`` replaces it whole at the next message."""

    input_flags: list[str] = Field(default_factory=list)
    understanding: Understanding | None = None
    decision: Decision | None = None
    retrieved: list[Passage] = Field(default_factory=list)
    proposal: Proposal | None = None
    guard: GuardDecision | None = None
    plan_steps: int = 0
    action_start: int = 0  # index in ``ConversationState.actions`` of this turn's first action
    reply: ProposeReply | None = None
    escalation: Escalation | None = None
    # replies to the message's earlier requests (``nodes.next_request``), said before ``reply``
    earlier_replies: list[ProposeReply] = Field(default_factory=list)

    def but(self, **changes: Any) -> TurnScope:
        """A copy with ``changes``; a misspelt field name is an error, not a silent no-op."""
        return self.model_copy(update=TurnChange.of(**changes).changes)

    def change(self, **changes: Any) -> TurnChange:
        """What a node returns as ``this_turn``: only the fields it changed.

        The reducer merges it into the turn, so a checkpoint's pending writes hold the change,
        not the whole turn again (retrieved passages, the understanding ...) at every step.
        """
        return TurnChange.of(**changes)


class TurnChange(_Value):
    """Some fields of :class:`TurnScope`, as one node changed them."""

    changes: dict[str, Any]

    @classmethod
    def of(cls, **changes: Any) -> TurnChange:
        unknown = set(changes) - set(TurnScope.model_fields)
        if unknown:
            raise TypeError(f"TurnScope has no field(s) {sorted(unknown)}")
        return cls(changes=changes)


def appended(current: list[Any], batches: Sequence[list[Any]]) -> list[Any]:
    """The append-only lists' reducer: each node's new entries after what is there.

    Their channels are :class:`~langgraph.channels.DeltaChannel`: a checkpoint stores only a
    marker for them, not the whole list again, and the list is rebuilt from the entries the
    steps wrote (with a full copy every ``snapshot_frequency`` changes). So each step writes
    its new entries only, and a turn's bytes do not grow with the conversation's length.
    """
    return [*current, *(entry for batch in batches for entry in batch)]


def delta_channels() -> list[str]:
    """The state's append-only lists, whose checkpoints hold only the entries each step added."""
    return [
        name
        for name, info in ConversationState.model_fields.items()
        if any(isinstance(meta, DeltaChannel) for meta in info.metadata)
    ]


#: Every this many turns the append-only lists are stored whole once (see :func:`full_copy_due`).
FULL_COPY_EVERY_TURNS = 4


def full_copy_due(state: ConversationState, turn: int, update: dict[str, Any]) -> dict[str, Any]:
    """``update`` (the first step of ``turn``), with the append-only lists stored whole when a
    full copy is due.

    Reading a conversation rebuilds each list from its last full copy and the entries written
    since, walking back one checkpoint per step; LangGraph copies a list whole only after many
    changes to it, so a list that rarely changes (actions) would be walked back to its first
    entry at every turn. An ``Overwrite`` of every list every few turns bounds the walk to
    those turns, for a whole-list copy as often.
    """
    if turn % FULL_COPY_EVERY_TURNS:
        return update
    for name in delta_channels():
        current: list[Any] = getattr(state, name)
        if current:
            update[name] = Overwrite([*current, *update.get(name, [])])
    return update


def next_turn(current: TurnScope, update: TurnScope | TurnChange) -> TurnScope:
    """The ``this_turn`` reducer: a whole :class:`TurnScope` (``ingest``) replaces the turn; a
    :class:`TurnChange` is merged into it."""
    if isinstance(update, TurnChange):
        # Validated, not copied: a change read back from a checkpoint's pending writes (a turn
        # resumed after a crash) holds its models as plain dicts (``changes`` is typed Any),
        # which model_copy would put in the turn as they are. Models already built are kept.
        return TurnScope.model_validate({**dict(current), **update.changes})
    return update


class ConversationState(BaseModel):
    # A misspelt or retired field name is an error, not silently dropped. LangGraph builds the
    # state from this graph's channels only, so an old checkpoint's retired channels never
    # reach validation.
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = ""
    customer_id: str = ""
    status: ConversationStatus = "awaiting_customer"
    turn: int = 0
    now: datetime | None = None

    # input of this turn
    incoming: str = ""
    message_id: str | None = None  # "<channel>:<id>" when the channel sent one
    inbound_identity: IdentityLevel = "none"
    # the bank's customer record says the account is closed: nothing at the bank is done for them
    customer_closed: bool = False
    identity: IdentityLevel = "none"
    verified: bool = False

    # append-only: a node returns its new entries, the reducer appends them
    transcript: Annotated[list[Message], DeltaChannel(appended)] = Field(default_factory=list)
    actions: Annotated[list[ActionRecord], DeltaChannel(appended)] = Field(default_factory=list)
    guard_log: Annotated[list[GuardDecision], DeltaChannel(appended)] = Field(default_factory=list)
    fired_rules: Annotated[list[Reasoned], DeltaChannel(appended)] = Field(default_factory=list)

    # conversation-scoped, overwritten
    owned: dict[str, list[str]] = Field(default_factory=dict)
    pending: PendingAction | None = None
    declined: list[ToolCall] = Field(default_factory=list)
    # the question the customer said no to in the turn before, which an immediate change of
    # mind ("no wait" ... "sorry, yes actually do cancel it") answers yes after all
    reopenable: PendingAction | None = None
    slot: str | None = None
    handoff: HandoffSummary | None = None
    # the later requests of a message, each taken up when the one before it is finished
    queued: list[Request] = Field(default_factory=list)

    # the current problem ("episode"): intent and where its actions start
    active_intent: str | None = None
    topic_intent: str | None = None
    first_intent: str | None = None
    intent_confidence: float = 0.0
    episode_start: int = 0
    episode_text: str = ""
    # the customer said, this episode, that someone has already spent or drawn money on their
    # card (``understanding.misuse``: by the cue rules or by the intent model)
    card_misuse: bool = False
    clarifications: int = 0
    injection_attempts: int = 0
    risk_flags: list[str] = Field(default_factory=list)
    cited: list[Citation] = Field(default_factory=list)

    this_turn: Annotated[TurnScope, next_turn] = Field(default_factory=TurnScope)

    def episode_actions(self) -> list[ActionRecord]:
        return self.actions[self.episode_start :]

    def turn_actions(self) -> list[ActionRecord]:
        return self.actions[self.this_turn.action_start :]

    def confirmed_call(self) -> ToolCall | None:
        """The pending call the customer has just said yes to, or ``None``.

        The one definition of "confirmed", shared by the action guard and the planners: a
        yes counts only as the answer to a question asked in an earlier turn.
        """
        pending, understanding = self.pending, self.this_turn.understanding
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
