"""The resolution agent: a LangGraph conversation graph behind an async API.

from agent import ResolutionAgent, Settings

async with ResolutionAgent(Settings()) as agent:
    reply = await agent.handle_message("conv-1", "cus_1001", "I've lost my card")

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.lazy import lazy_names

if TYPE_CHECKING:
    from agent.api import ActionTaken, Conversation, Reply, ResolutionAgent
    from agent.errors import (
        AgentClosedError,
        ConversationOwnershipError,
        InvalidRequestError,
        ResolveError,
        UnknownConversationError,
        UnknownCustomerError,
    )
    from agent.handoff_model import HandoffSummary
    from agent.settings import Settings
    from agent.state import Citation

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "ActionTaken": ("agent.api", "ActionTaken"),
    "Conversation": ("agent.api", "Conversation"),
    "Reply": ("agent.api", "Reply"),
    "ResolutionAgent": ("agent.api", "ResolutionAgent"),
    "AgentClosedError": ("agent.errors", "AgentClosedError"),
    "ConversationOwnershipError": ("agent.errors", "ConversationOwnershipError"),
    "InvalidRequestError": ("agent.errors", "InvalidRequestError"),
    "ResolveError": ("agent.errors", "ResolveError"),
    "UnknownConversationError": ("agent.errors", "UnknownConversationError"),
    "UnknownCustomerError": ("agent.errors", "UnknownCustomerError"),
    "HandoffSummary": ("agent.handoff_model", "HandoffSummary"),
    "Settings": ("agent.settings", "Settings"),
    "Citation": ("agent.state", "Citation"),
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())


__all__ = [
    "ActionTaken",
    "AgentClosedError",
    "Citation",
    "Conversation",
    "ConversationOwnershipError",
    "HandoffSummary",
    "InvalidRequestError",
    "Reply",
    "ResolutionAgent",
    "ResolveError",
    "Settings",
    "UnknownConversationError",
    "UnknownCustomerError",
]
