"""Closed vocabularies of the agent, defined once and imported everywhere."""

from __future__ import annotations

from typing import Literal

Queue = Literal[
    "general", "cards", "payments", "disputes", "fincrime", "vulnerable_customers", "complaints"
]
QUEUES: tuple[Queue, ...] = (
    "general",
    "cards",
    "payments",
    "disputes",
    "fincrime",
    "vulnerable_customers",
    "complaints",
)
Priority = Literal["urgent", "high", "normal", "low"]
PRIORITY_RANK: dict[Priority, int] = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

#: Contract intents the code itself names (every other intent lives only in policies/intents.yaml):
#: a lost or stolen card, whether or not it was spent on since, and card details in someone
#: else's hands (the card itself kept).
LOST_CARD = "lost_or_stolen_card"
COMPROMISED_CARD = "compromised_card"

ConversationStatus = Literal["awaiting_customer", "resolved", "handed_off"]
Role = Literal["customer", "agent", "cop", "system"]

RiskKind = Literal[
    "scam",
    "bereavement",
    "financial_difficulty",
    "vulnerability",
    "complaint",
    "human_request",
    "abuse",
    "staff_only",
    "payment_recall",
    "staff_only_details",
    "prompt_injection",
]

Handling = Literal["procedure", "answer", "escalate", "smalltalk"]
Verdict = Literal["allow", "confirm", "step_up", "block", "escalate"]
Route = Literal["resolve", "clarify", "escalate"]

ResolutionCode = Literal[
    "resolved",
    "refunded",
    "no_action_needed",
    "referred_elsewhere",
    "customer_unreachable",
    "duplicate",
]
