"""The resolution agent: a LangGraph conversation graph behind an async API.

from agent import ResolutionAgent, Settings

async with ResolutionAgent(Settings()) as agent:
    reply = await agent.handle_message("conv-1", "cus_1001", "I've lost my card")
"""

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
