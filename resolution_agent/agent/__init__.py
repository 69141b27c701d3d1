"""The resolution agent: a LangGraph conversation graph behind an async API.

from resolution_agent.agent import ResolutionAgent, Settings

async with ResolutionAgent(Settings()) as agent:
    reply = await agent.handle_message("conv-1", "cus_1001", "I've lost my card")

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution_agent.agent.lazy import lazy_names

if TYPE_CHECKING:
    from resolution_agent.agent.api import ActionTaken, Conversation, Reply, ResolutionAgent
    from resolution_agent.agent.errors import (
        AgentClosedError,
        ConversationOwnershipError,
        InvalidRequestError,
        ResolveError,
        UnknownConversationError,
        UnknownCustomerError,
    )
    from resolution_agent.agent.handoff_model import HandoffSummary
    from resolution_agent.agent.settings import Settings
    from resolution_agent.agent.state import Citation

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "ActionTaken": ("resolution_agent.agent.api", "ActionTaken"),
    "Conversation": ("resolution_agent.agent.api", "Conversation"),
    "Reply": ("resolution_agent.agent.api", "Reply"),
    "ResolutionAgent": ("resolution_agent.agent.api", "ResolutionAgent"),
    "AgentClosedError": ("resolution_agent.agent.errors", "AgentClosedError"),
    "ConversationOwnershipError": ("resolution_agent.agent.errors", "ConversationOwnershipError"),
    "InvalidRequestError": ("resolution_agent.agent.errors", "InvalidRequestError"),
    "ResolveError": ("resolution_agent.agent.errors", "ResolveError"),
    "UnknownConversationError": ("resolution_agent.agent.errors", "UnknownConversationError"),
    "UnknownCustomerError": ("resolution_agent.agent.errors", "UnknownCustomerError"),
    "HandoffSummary": ("resolution_agent.agent.handoff_model", "HandoffSummary"),
    "Settings": ("resolution_agent.agent.settings", "Settings"),
    "Citation": ("resolution_agent.agent.state", "Citation"),
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
