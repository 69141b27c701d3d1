"""The planner interface: given the state, propose the next step (tool call, reply, escalate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ConversationState, Proposal
from resolution_agent.agent.templates import Templates


@dataclass(frozen=True, slots=True)
class PlanningContext:
    policies: Policies
    templates: Templates
    now: datetime
    grounding_threshold: float = 0.35


class Planner(Protocol):
    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        """The next step. Proposals are only proposals: the action guard decides what runs."""
        ...
