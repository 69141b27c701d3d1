"""The simulated case mix: kinds of case, when they arrive, and what a burst brings.

Skills and queues follow ``policies/intents.yaml`` (a queue's team skill plus the intent's
skills, as :func:`agent.routing.cases_from_handoffs` builds them); the weights are invented
but shaped like a retail bank's chat desk: cards and payments dominate, fraud is rare and
urgent, and an outage or a scam wave brings a burst of one kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from resolution_agent.agent.vocabulary import Queue


@dataclass(frozen=True)
class CaseKind:
    """A kind of case: its team, skills, share of arrivals and priority mix."""

    name: str
    queue: Queue
    skills: tuple[str, ...]
    weight: float
    priority_mix: tuple[float, float, float, float]  # urgent, high, normal, low


KINDS: tuple[CaseKind, ...] = (
    CaseKind("card_problem", "cards", ("cards",), 26, (0.0, 0.10, 0.60, 0.30)),
    CaseKind("card_payment", "payments", ("payments", "cards"), 8, (0.0, 0.15, 0.65, 0.20)),
    CaseKind("payment", "payments", ("payments",), 14, (0.0, 0.15, 0.60, 0.25)),
    CaseKind("top_up", "payments", ("payments", "topups"), 9, (0.0, 0.10, 0.60, 0.30)),
    CaseKind("dispute", "disputes", ("disputes", "payments"), 7, (0.0, 0.25, 0.65, 0.10)),
    CaseKind("exchange", "general", ("general", "fx"), 5, (0.0, 0.05, 0.45, 0.50)),
    CaseKind("identity", "general", ("general", "identity"), 5, (0.0, 0.20, 0.60, 0.20)),
    CaseKind("account", "general", ("general", "account"), 8, (0.0, 0.10, 0.50, 0.40)),
    CaseKind("card_fraud", "fincrime", ("fincrime", "cards"), 4, (0.7, 0.3, 0.0, 0.0)),
    CaseKind("payment_scam", "fincrime", ("fincrime", "payments"), 3, (0.8, 0.2, 0.0, 0.0)),
    CaseKind("vulnerable", "vulnerable_customers", ("vulnerability",), 4, (0.1, 0.8, 0.1, 0.0)),
    CaseKind("complaint", "complaints", ("complaints",), 4, (0.0, 0.10, 0.80, 0.10)),
    CaseKind("general", "general", ("general",), 3, (0.0, 0.05, 0.50, 0.45)),
)

# Relative arrivals by hour of day (00:00 first): quiet nights, busy late mornings and evenings.
HOURLY_DEMAND: tuple[float, ...] = (
    0.8, 0.5, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.5, 6.0, 6.8, 6.8,
    6.5, 6.3, 6.0, 5.8, 5.6, 5.5, 5.8, 6.0, 5.2, 4.0, 2.8, 1.6,
)  # fmt: skip

# What a burst brings (kind name to share): a card outage, a payments outage, a scam wave.
THEMES: tuple[dict[str, float], ...] = (
    {"card_problem": 0.7, "card_payment": 0.3},
    {"payment": 0.5, "top_up": 0.3, "dispute": 0.2},
    {"card_fraud": 0.5, "payment_scam": 0.5},
)
