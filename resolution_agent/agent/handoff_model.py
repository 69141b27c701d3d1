"""The handoff summary's schema (versioned): what a COp reads when taking over."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.vocabulary import Priority, Queue, Role
from resolution_agent.tools.vocabulary import IdentityLevel, ToolOutcome

SCHEMA_VERSION = 1


class HandoffReason(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule_id: str
    reason: str
    detail: str = ""


#: What a COp (and the API) is told an action did. ``unknown``: the request was sent but no
#: answer was heard (or none was recorded), so the bank may have done it: check before retrying.
ActionOutcome = Literal["succeeded", "failed", "unknown"]
SAID_AS: dict[ToolOutcome, ActionOutcome] = {
    "ok": "succeeded",
    "failed": "failed",
    "unknown": "unknown",
}


class HandoffAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool: str
    summary: str
    outcome: ActionOutcome
    detail: str = ""
    turn: int


class TranscriptLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: Role
    text: str
    at: datetime


class CitedArticle(BaseModel):
    model_config = ConfigDict(frozen=True)

    article_id: str
    title: str
    url: str


class HandoffEntities(BaseModel):
    """What the customer already told us, so the COp never has to ask again."""

    model_config = ConfigDict(frozen=True)

    amounts: list[str] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)
    card_last4: list[str] = Field(default_factory=list)


# "confused" is its own reading, not a mild "frustrated": a customer lost in the steps needs
# them made simpler, not an apology (see ``agent.handoff.customer_sentiment``).
Sentiment = Literal["calm", "confused", "frustrated", "distressed"]


class HandoffSummary(BaseModel):
    """What a COp needs to take over without re-asking the customer anything."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = SCHEMA_VERSION
    conversation_id: str
    customer_id: str
    headline: str
    queue: Queue
    priority: Priority
    sla_deadline: datetime
    reasons: list[HandoffReason]
    skills: list[str] = Field(default_factory=list)
    intent: str | None
    intent_confidence: float
    identity: IdentityLevel
    actions: list[HandoffAction]
    open_items: list[str]
    next_steps: list[str]
    risk_flags: list[str] = Field(default_factory=list)
    sentiment: Sentiment = "calm"
    entities: HandoffEntities = Field(default_factory=HandoffEntities)
    cited_articles: list[CitedArticle] = Field(default_factory=list)
    transcript: list[TranscriptLine]
    narrative: str | None = Field(
        default=None,
        description="The LLM planner's short note for the COp, shown only when every action, "
        "amount and date in it is one of the facts above (agent.handoff_narrative).",
    )
    markdown: str = ""
