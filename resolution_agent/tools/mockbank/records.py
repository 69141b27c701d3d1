"""The mock bank's own records: the full rows of its store, private fields included.

The wire models in :mod:`tools.models` are what the API shows; these are what the bank keeps
(verification codes, full account numbers). Seeds may carry extra fields: they are kept.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.tools.models import CardDeliveryInfo
from resolution_agent.tools.vocabulary import (
    AccountType,
    CardStatus,
    CardType,
    CustomerStatus,
    DirectDebitStatus,
    DisputeReason,
    DisputeStatus,
    PaymentStatus,
    TransactionStatus,
)


class Record(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(min_length=1)


class CustomerRecord(Record):
    name: str
    email: str | None = None
    phone: str | None = None
    status: CustomerStatus = "active"
    flags: list[str] = Field(default_factory=list)
    verification_code: str = "000000"


class AccountRecord(Record):
    customer_id: str
    type: AccountType = "current"
    balance: int = 0
    currency: str = "GBP"
    name: str = ""
    sort_code: str | None = None
    account_number: str | None = None


class CardRecord(Record):
    customer_id: str
    account_id: str | None = None
    last4: str = Field(pattern=r"^\d{4}$")
    status: CardStatus = "active"
    type: CardType = "physical"
    pin_blocked: bool = False
    expiry: str | None = None
    delivery: CardDeliveryInfo | None = None


class TransactionRecord(Record):
    account_id: str
    card_id: str | None = None
    amount: int
    currency: str = "GBP"
    original_amount: int | None = None
    original_currency: str | None = None
    merchant: str
    status: TransactionStatus = "settled"
    decline_reason: str | None = None
    created_at: datetime
    category: str | None = None


class PaymentRecord(Record):
    account_id: str
    amount: int
    payee_name: str
    payee_reference: str | None = None
    status: PaymentStatus = "scheduled"
    scheduled_for: date | None = None
    failure_reason: str | None = None
    sent_at: datetime | None = None
    scheme: str | None = None


class DirectDebitRecord(Record):
    account_id: str
    merchant: str
    amount: int
    status: DirectDebitStatus = "active"
    reference: str | None = None
    last_collected_on: date | None = None
    frequency: str | None = None


class DisputeRecord(Record):
    transaction_id: str
    reason: DisputeReason
    status: DisputeStatus = "open"
    opened_on: date | None = None


RECORD_TYPES: dict[str, type[Record]] = {
    "customers": CustomerRecord,
    "accounts": AccountRecord,
    "cards": CardRecord,
    "transactions": TransactionRecord,
    "payments": PaymentRecord,
    "direct_debits": DirectDebitRecord,
    "disputes": DisputeRecord,
}
