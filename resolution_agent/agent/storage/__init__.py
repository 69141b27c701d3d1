"""Where the agent keeps what outlives a turn: checkpoints, cases, the audit log,
channel-message de-duplication, outbound deliveries, and the per-conversation locks.

One setting picks the backend (:func:`open_storage`): ``RESOLVE_DATABASE_URL`` puts everything
in PostgreSQL, shared by any number of workers; unset, SQLite files under ``RESOLVE_DATA_DIR``
(or memory) serve one process. Both backends implement the same interfaces
(:class:`agent.audit.AuditLog`, :class:`agent.desk.cases.CaseStore` and those in
:mod:`agent.storage.base`) and migrate their schema on open.
"""

from resolution_agent.agent.storage._open import Storage, check_backend_installed, open_storage
from resolution_agent.agent.storage.base import (
    ChannelMessages,
    Claim,
    ConversationLocks,
    Delivery,
    MessageState,
    OutboundDeliveries,
    UnknownRecordError,
)
from resolution_agent.agent.storage.locks import LocalConversationLocks, PostgresConversationLocks

__all__ = [
    "ChannelMessages",
    "Claim",
    "ConversationLocks",
    "Delivery",
    "LocalConversationLocks",
    "MessageState",
    "OutboundDeliveries",
    "PostgresConversationLocks",
    "Storage",
    "UnknownRecordError",
    "check_backend_installed",
    "open_storage",
]
