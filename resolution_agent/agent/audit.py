"""The audit trail: every guard decision, tool call and reply incident, appended durably.

Append-only, one event per row, keyed by conversation. Arguments are stored (ids and enum
values, never free text from the customer), so a reviewer can replay why each action did or
did not run. :class:`AuditLog` is the interface; :mod:`agent.storage` opens the backend
(SQLite ``<data_dir>/audit.sqlite``, memory, or the PostgreSQL table ``audit``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, JsonValue

#: ``tool_intent`` is appended (and committed) before a write is sent to the bank; the
#: ``tool_call`` with the same idempotency key says how it ended (ok, failed or unknown). An
#: intent with no ``tool_call`` is a write whose outcome nobody recorded (a crash between).
EventKind = Literal["guard", "tool_intent", "tool_call", "output", "escalation", "input"]


class AuditEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    conversation_id: str
    turn: int
    at: datetime
    kind: EventKind
    rule_id: str
    detail: dict[str, JsonValue]


class AuditLog(Protocol):
    """Append-only audit events, read back per conversation in the order they were appended."""

    async def append(self, event: AuditEvent) -> None: ...

    async def events(self, conversation_id: str) -> list[AuditEvent]: ...
