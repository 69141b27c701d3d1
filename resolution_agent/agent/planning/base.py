"""The planner interface: given the state, propose the next step (tool call, reply, escalate).

A planner on a model may also fill :class:`IntentChooser`: picking among the classifier's
likeliest intents before the customer is asked which one they mean.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    out_of_scope_grounding: float = 0.5


class Planner(Protocol):
    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        """The next step. Proposals are only proposals: the action guard decides what runs."""
        ...


class IntentChooser(Protocol):
    async def choose_intent(
        self, state: ConversationState, candidates: Sequence[str], ctx: PlanningContext
    ) -> str | None:
        """The one of ``candidates`` the customer's message is about, or None: ask them.

        Never raises for a failing or unusable model: that is no pick.
        """
        ...
