"""Bank records as the banking API returns them, and the typed result of a tool call.

These are the wire models shared by the mock bank (which serves them) and the client (which
validates every response against them, so a garbage answer becomes a typed failure instead of
a crash further down).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from resolution_agent.tools.vocabulary import (
    AccountType,
    CardStatus,
    CardType,
    CustomerStatus,
    DirectDebitStatus,
    DisputeReason,
    DisputeStatus,
    FailureKind,
    PaymentStatus,
    ToolOutcome,
    TransactionStatus,
)

_M = TypeVar("_M", bound=BaseModel)


class _Wire(BaseModel):
    """Wire records tolerate extra fields so the bank can add data without breaking us."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class CustomerView(_Wire):
    id: str
    name: str
    status: CustomerStatus
    flags: list[str] = Field(default_factory=list)


class Account(_Wire):
    id: str
    customer_id: str
    type: AccountType
    name: str = ""
    balance: int
    currency: str = "GBP"
    account_number_last4: str = ""


class CardDeliveryInfo(_Wire):
    status: str
    ordered_on: date | None = None
    dispatched_on: date | None = None
    expected_by: date | None = None
    carrier: str | None = None


class Card(_Wire):
    id: str
    customer_id: str
    account_id: str
    last4: str
    status: CardStatus
    type: CardType
    pin_blocked: bool = False
    expiry: str | None = None


class Dispute(_Wire):
    id: str
    transaction_id: str
    reason: DisputeReason
    status: DisputeStatus
    opened_on: date | None = None


class Transaction(_Wire):
    id: str
    account_id: str
    card_id: str | None = None
    amount: int
    currency: str = "GBP"
    original_amount: int | None = None
    original_currency: str | None = None
    merchant: str
    status: TransactionStatus
    decline_reason: str | None = None
    created_at: datetime
    category: str | None = None
    # Disputes raised on it, oldest first: one still open means none is raised again, and one
    # the bank declined is a person's to reopen, so the planner must see them with the payment.
    disputes: list[Dispute] = Field(default_factory=list)


class Payment(_Wire):
    id: str
    account_id: str
    amount: int
    payee_name: str
    payee_reference: str | None = None
    status: PaymentStatus
    scheduled_for: date | None = None
    failure_reason: str | None = None
    sent_at: datetime | None = None
    scheme: str | None = None


class DirectDebit(_Wire):
    id: str
    account_id: str
    merchant: str
    amount: int
    status: DirectDebitStatus
    reference: str | None = None
    last_collected_on: date | None = None
    frequency: str | None = None


class AccountList(_Wire):
    accounts: list[Account]


class CardList(_Wire):
    cards: list[Card]


class CardDelivery(_Wire):
    card_id: str
    card_status: CardStatus
    delivery: CardDeliveryInfo | None = None


class CardCancellation(_Wire):
    card: Card
    replacement: Card | None = None


class TransactionList(_Wire):
    transactions: list[Transaction]


class PaymentList(_Wire):
    payments: list[Payment]


class DirectDebitList(_Wire):
    direct_debits: list[DirectDebit]


class VerificationStarted(_Wire):
    customer_id: str
    channel: str
    expires_in_s: int


class VerificationResult(_Wire):
    customer_id: str
    verified: bool
    attempts_left: int


class ToolFailure(BaseModel):
    """Why a tool call did not succeed, in terms the planner can act on."""

    model_config = ConfigDict(frozen=True)

    kind: FailureKind
    message: str
    status_code: int | None = None
    retryable: bool = False
    # A write whose answer was lost on every attempt (timeout, connection dropped after
    # sending, unreadable answer): the bank may have acted, so nobody may say it failed.
    outcome_unknown: bool = False


class ToolResult(BaseModel):
    """The outcome of one tool call: data validated against the tool's result model, or a failure.

    ``data`` holds the JSON form of the validated result so that it survives checkpointing;
    :meth:`parsed` turns it back into the typed model.
    """

    model_config = ConfigDict(frozen=True)

    tool: str
    ok: bool
    data: dict[str, JsonValue] | None = None
    failure: ToolFailure | None = None
    attempts: int = 1
    idempotency_key: str | None = None
    elapsed_ms: float = 0.0

    @property
    def outcome(self) -> ToolOutcome:
        """``unknown`` when the bank may have acted without our hearing of it; never retry
        such a call blind, and never tell anyone it failed."""
        if self.ok:
            return "ok"
        return "unknown" if self.failure is not None and self.failure.outcome_unknown else "failed"

    def parsed(self, model: type[_M]) -> _M:
        """The result as its typed model; raises ``ValueError`` for a failed call."""
        if not self.ok or self.data is None:
            raise ValueError(f"{self.tool} did not succeed: {self.failure}")
        return model.model_validate(self.data)


__all__ = [
    "Account",
    "AccountList",
    "Card",
    "CardCancellation",
    "CardDelivery",
    "CardDeliveryInfo",
    "CardList",
    "CustomerView",
    "DirectDebit",
    "DirectDebitList",
    "Dispute",
    "Payment",
    "PaymentList",
    "ToolFailure",
    "ToolResult",
    "Transaction",
    "TransactionList",
    "VerificationResult",
    "VerificationStarted",
]
