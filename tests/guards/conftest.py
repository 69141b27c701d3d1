"""Fixtures of the guard tests: the real policies and templates, states built by hand, and the
offline agent fixtures of ``tests/agent`` (the in-process mock bank, no network).

Guards are pure functions of (state, proposal), so most tests build the state they need and
call the guard; the graph-level tests drive a real agent and read the bank and the audit log.
"""

from __future__ import annotations

from typing import Any

import pytest

from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import (
    ActionRecord,
    ConversationState,
    GuardDecision,
    IntentPrediction,
    PendingAction,
    ToolCall,
    TurnScope,
    Understanding,
)
from resolution_agent.agent.templates import Templates
from resolution_agent.tools.models import ToolResult
from tests.agent.conftest import (  # noqa: F401  (fixtures shared with the agent tests)
    default_seed,
    make_settings,
    new_bank,
    no_network,
    open_agent,
    retriever,
)


@pytest.fixture(scope="session")
def policies() -> Policies:
    return load_policies(PROJECT_ROOT / "policies")


@pytest.fixture(scope="session")
def templates() -> Templates:
    return Templates(PROJECT_ROOT / "prompts")


def make_state(**changes: Any) -> ConversationState:
    """cus_1001 on turn 2 of a lost-card conversation, app-authenticated, owning card_1001a."""
    values: dict[str, Any] = {
        "conversation_id": "conv-guards",
        "customer_id": "cus_1001",
        "turn": 2,
        "owned": {"cards": ["card_1001a"], "accounts": ["acc_1001a"]},
        "identity": "app_authenticated",
        "active_intent": "lost_or_stolen_card",
    }
    turn_fields = {k: changes.pop(k) for k in list(changes) if k in TurnScope.model_fields}
    values.update(changes, this_turn=TurnScope(**turn_fields))
    return ConversationState(**values)


def answered(confirmation: str | None, intent: str = "lost_or_stolen_card") -> Understanding:
    """What understanding made of the customer's latest message."""
    return Understanding(
        prediction=IntentPrediction(intent=intent, confidence=0.9),
        confirmation=confirmation,
        continuation=confirmation is not None,
    )


def asked(call: ToolCall, turn: int = 1) -> PendingAction:
    """The agent asked about ``call`` in ``turn``."""
    return PendingAction(call=call, kind="confirmation", asked_turn=turn)


def ran(tool: str, args: dict[str, Any], data: Any, *, ok: bool = True) -> ActionRecord:
    """A tool call that ran earlier in the conversation, with what the bank answered."""
    return ActionRecord(
        call=ToolCall(tool=tool, args=args),
        turn=1,
        result=ToolResult(tool=tool, ok=ok, data=data),
    )


def confirm_decision(call: ToolCall, turn: int = 2) -> GuardDecision:
    return GuardDecision(
        verdict="confirm", rule_id="CONFIRM-REQUIRED", reason="", turn=turn, call=call
    )
