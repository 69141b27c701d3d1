"""What an assignment is worth: urgency of the case less the cost of a weaker skill fit.

The value of serving a case now grows with its priority, with how close it is to breaching its
SLA, and steadily with every minute it waits. The last term is what stops starvation: under any
load a low-priority case eventually outranks a fresh urgent one. Once an SLA is breached its
risk term no longer counts, so effort goes to SLAs that can still be met, while aging keeps the
breached case rising.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.routing._round import DecisionRound
from resolution_agent.agent.routing._tables import FloatArray
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority


def _priority_values() -> dict[Priority, float]:
    return {"urgent": 8.0, "high": 4.0, "normal": 2.0, "low": 1.0}


class CostWeights(BaseModel):
    """Weights of the optimiser's objective (values per case; minutes where it says so)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    priority_value: dict[Priority, float] = Field(default_factory=_priority_values)
    sla_risk: float = Field(
        default=1.0, ge=0, description="Extra value, times the priority value, at SLA breach."
    )
    aging_per_minute: float = Field(default=0.03, gt=0)
    fit: float = Field(default=2.0, ge=0, description="Cost of a COp with proficiency 0.")
    assignment_bonus: float = Field(
        default=50.0,
        gt=0,
        description="Value of any assignment, so that serving more cases beats a better fit.",
    )

    def priority_values(self) -> FloatArray:
        """Priority values indexed by ``PRIORITY_RANK``."""
        values = np.zeros(len(PRIORITY_RANK), dtype=np.float64)
        for priority, rank in PRIORITY_RANK.items():
            values[rank] = self.priority_value[priority]
        return values


def urgency(decision: DecisionRound, weights: CostWeights) -> FloatArray:
    """Value of serving each waiting case now, before skill fit."""
    waited = np.maximum(decision.now - decision.waiting_since, 0.0)
    span = np.maximum(decision.deadline - decision.waiting_since, 1.0)
    risk = np.clip(waited / span, 0.0, 1.0)
    at_risk = decision.now <= decision.deadline
    base = weights.priority_values()[decision.priority]
    sla = np.where(at_risk, weights.sla_risk * risk * risk, 0.0)
    aged: FloatArray = base * (1.0 + sla) + weights.aging_per_minute * waited / 60.0
    return aged


def fit_cost(fit: FloatArray, weights: CostWeights) -> FloatArray:
    """Cost of giving a case to a COp of this fit (mean proficiency on its skills)."""
    cost: FloatArray = weights.fit * (1.0 - fit)
    return cost
