"""Errors raised by the agent's public API; all derive from :class:`tools.errors.ResolveError`.

ResolveError (tools.errors)
├── ConfigurationError / DataFileError / BankError / UnknownToolError   (tools.errors)
├── AgentClosedError          the agent is used outside ``async with`` or after closing
├── UnknownCustomerError      the bank has no such customer
├── UnknownConversationError  no conversation with that id has been stored
├── ConversationOwnershipError a conversation id is reused for another customer
├── CaseConflictError         the case's state forbids this (claimed by another, closed)
│   └── ProposalConflictError a proposed action cannot be decided so (decided already,
│                             four-eyes, the action guard refuses it now)
├── StorageError              stored data (a SQLite file, the database) cannot be read or
│   │                         written: names the file and what to run
│   └── DamagedConversationError one conversation's state cannot be read (it is handed off)
└── InvalidRequestError       an API argument is malformed (not the message text: bad
    │                         message text gets a reply, never an exception)
    └── UnknownProposalError  no proposed action with that id on that case
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

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


class ProposalConflictError(CaseConflictError):
    """A proposed action cannot be approved or rejected now: it was decided already, the COp
    proposed it themselves under four-eyes, or the action guard refuses it (``rule_id``)."""

    def __init__(self, message: str, *, rule_id: str = "") -> None:
        self.rule_id = rule_id
        super().__init__(message)


class StorageError(ResolveError):
    """Stored data cannot be used: a damaged or unreadable file, a database that fails.

    The message names the file (or the database) and what to run; ``path`` is the file, when
    there is one. A damaged *conversation* is not this error: it is handed off
    (``ESC-DAMAGED-CONVERSATION``) and the customer's message kept.
    """

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        self.path = path
        super().__init__(message)


class DamagedConversationError(StorageError):
    """One conversation's stored state cannot be read; only reading it raises this.

    Its next customer message sets the damaged state aside and hands the conversation off
    (``ESC-DAMAGED-CONVERSATION``) with the message kept; other conversations are unaffected.
    """

    def __init__(self, conversation_id: str, problem: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(
            f"conversation {conversation_id!r} is damaged: its stored state cannot be read "
            f"({problem}); the customer's next message hands it off to a COp "
            "(ESC-DAMAGED-CONVERSATION) with the damaged state set aside"
        )


def storage_failure(exc: BaseException) -> BaseException | None:
    """The database error behind ``exc`` (SQLite's or psycopg's), or None when there is none.

    Follows explicit causes (``raise ... from``), never an error merely raised while handling
    one. psycopg is an optional extra, so its errors are recognised by module, not imported.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error) or any(
            c.__module__.split(".")[0] in ("psycopg", "psycopg_pool") for c in type(current).__mro__
        ):
            return current
        current = current.__cause__
    return None


class InvalidRequestError(ResolveError):
    """An argument of an API call is malformed; the message says which and what is allowed."""


class UnknownProposalError(InvalidRequestError, LookupError):
    def __init__(self, conversation_id: str, proposal_id: str) -> None:
        self.conversation_id = conversation_id
        self.proposal_id = proposal_id
        super().__init__(
            f"case {conversation_id!r} has no proposed action {proposal_id!r}; "
            "list the case's proposals for their ids"
        )


__all__ = [
    "AgentClosedError",
    "BankError",
    "CaseConflictError",
    "ConfigurationError",
    "ConversationOwnershipError",
    "DamagedConversationError",
    "DataFileError",
    "InvalidRequestError",
    "ProposalConflictError",
    "ResolveError",
    "StorageError",
    "UnknownConversationError",
    "UnknownCustomerError",
    "UnknownProposalError",
    "UnknownToolError",
]
