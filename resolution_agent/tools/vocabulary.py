"""Typed ids and closed vocabularies shared by the tools, the mock bank and the agent."""

from __future__ import annotations

from typing import Literal, NewType

CustomerId = NewType("CustomerId", str)
AccountId = NewType("AccountId", str)
CardId = NewType("CardId", str)
TransactionId = NewType("TransactionId", str)
PaymentId = NewType("PaymentId", str)
DirectDebitId = NewType("DirectDebitId", str)
DisputeId = NewType("DisputeId", str)

IdentityLevel = Literal["none", "app_authenticated", "step_up"]
IDENTITY_RANK: dict[IdentityLevel, int] = {"none": 0, "app_authenticated": 1, "step_up": 2}

CustomerStatus = Literal["active", "closed"]
AccountType = Literal["current", "savings", "joint"]
CardStatus = Literal["active", "frozen", "cancelled", "pending_delivery"]
CardType = Literal["physical", "virtual"]
TransactionStatus = Literal["pending", "settled", "declined", "reversed"]
PaymentStatus = Literal["scheduled", "sent", "failed", "cancelled"]
DirectDebitStatus = Literal["active", "cancelled"]
DisputeStatus = Literal["open", "under_review", "resolved_refunded", "resolved_declined"]
CancelReason = Literal["lost", "stolen", "damaged", "compromised"]
DisputeReason = Literal[
    "unrecognised", "duplicate", "not_received", "refund_not_received", "wrong_amount"
]
ToolEffect = Literal["read", "write"]
FailureKind = Literal[
    "not_found", "invalid", "conflict", "forbidden", "unavailable", "timeout", "bad_response"
]
#: What a tool call is known to have done: succeeded, failed (the bank did not act), or unknown
#: (a write whose answer never came back: the bank may have acted).
ToolOutcome = Literal["ok", "failed", "unknown"]

#: The kinds of record a customer owns, as the agent keeps their ids for ownership checks.
Collection = Literal["customers", "accounts", "cards", "transactions", "payments", "direct_debits"]

#: Which collection an id argument refers to, by argument name. Used for ownership checks.
ID_ARGUMENT_COLLECTION: dict[str, Collection] = {
    "customer_id": "customers",
    "account_id": "accounts",
    "card_id": "cards",
    "transaction_id": "transactions",
    "payment_id": "payments",
    "direct_debit_id": "direct_debits",
}
