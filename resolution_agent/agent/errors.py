"""Errors raised by the agent's public API; all derive from :class:`tools.errors.ResolveError`.

ResolveError (tools.errors)
├── ConfigurationError / DataFileError / BankError / UnknownToolError   (tools.errors)
├── AgentClosedError          the agent is used outside ``async with`` or after closing
├── UnknownCustomerError      the bank has no such customer
├── UnknownConversationError  no conversation with that id has been stored
├── ConversationOwnershipError a conversation id is reused for another customer
└── InvalidRequestError       an API argument is malformed (not the message text: bad
                              message text gets a reply, never an exception)
"""

from __future__ import annotations

from resolution_agent.tools.errors import (
    BankError,
    ConfigurationError,
    DataFileError,
    ResolveError,
    UnknownToolError,
)


class AgentClosedError(ResolveError):
    """Use the agent as ``async with ResolutionAgent(settings) as agent:``."""


class UnknownCustomerError(ResolveError):
    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(
            f"customer {customer_id!r} is not known to the bank; check the id the channel sends"
        )


class UnknownConversationError(ResolveError):
    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(
            f"no conversation {conversation_id!r} is stored under this RESOLVE_DATA_DIR; "
            "check the id, or the data dir the agent was started with"
        )


class ConversationOwnershipError(ResolveError):
    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(
            f"conversation {conversation_id!r} belongs to another customer; "
            "use a new conversation id for this customer"
        )


class CaseConflictError(ResolveError):
    """The case is not in a state that allows this (claimed by someone else, already closed)."""


class InvalidRequestError(ResolveError):
    """An argument of an API call is malformed; the message says which and what is allowed."""


__all__ = [
    "AgentClosedError",
    "BankError",
    "CaseConflictError",
    "ConfigurationError",
    "ConversationOwnershipError",
    "DataFileError",
    "InvalidRequestError",
    "ResolveError",
    "UnknownConversationError",
    "UnknownCustomerError",
    "UnknownToolError",
]
