"""Kestrel's resolution agent, as one installable package.

The folders inside are the project's concerns (see the README's layout table):
``agent`` (the conversation graph and its API), ``tools`` (what the planner may call, the
bank client and the mock bank), ``evals`` (the offline suites), and the data the code reads
through one loader each: ``policies``, ``prompts`` and ``fixtures``. One namespaced top-level
package keeps those common names from colliding with other distributions.

    from resolution_agent import ResolutionAgent, Settings

The public names load on first use (PEP 562), so ``resolve --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution_agent.agent.lazy import lazy_names

if TYPE_CHECKING:
    from resolution_agent.agent import (
        ActionTaken,
        AgentClosedError,
        Citation,
        Conversation,
        ConversationOwnershipError,
        HandoffSummary,
        InvalidRequestError,
        Reply,
        ResolutionAgent,
        ResolveError,
        Settings,
        UnknownConversationError,
        UnknownCustomerError,
    )

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


__getattr__, __dir__ = lazy_names(
    __name__, {name: ("resolution_agent.agent", name) for name in __all__}, globals()
)
