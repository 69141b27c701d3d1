"""Every tool the planner may call, declared once.

A declaration holds the argument model (the one source of the JSON schema), a description for
the model, the result model the client validates responses against, the HTTP route behind it
and whether it changes anything. The OpenAI and Anthropic tool schemas are generated from it;
who may call a tool and when (identity level, confirmation, limits) is policy, declared in
``policies/tools.yaml`` and checked against this registry at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tools.errors import UnknownToolError
from tools.models import (
    AccountList,
    Card,
    CardCancellation,
    CardDelivery,
    CardList,
    CustomerView,
    DirectDebit,
    DirectDebitList,
    Dispute,
    Payment,
    PaymentList,
    Transaction,
    TransactionList,
    VerificationResult,
    VerificationStarted,
)
from tools.vocabulary import (
    CancelReason,
    DisputeReason,
    PaymentStatus,
    ToolEffect,
    TransactionStatus,
)

BankId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
]


class ToolArgs(BaseModel):
    """Base of every argument model: unknown or malformed arguments are rejected, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomerArgs(ToolArgs):
    customer_id: BankId = Field(description="The customer's id, e.g. cus_1001.")


class AccountArgs(ToolArgs):
    account_id: BankId = Field(description="One of the customer's account ids.")


class CardArgs(ToolArgs):
    card_id: BankId = Field(description="One of the customer's card ids.")


class CancelCardArgs(CardArgs):
    reason: CancelReason = Field(description="Why the card is cancelled.")
    replace: bool = Field(default=True, description="Order a replacement card.")


class ListTransactionsArgs(AccountArgs):
    merchant: str | None = Field(
        default=None, max_length=80, description="Case-insensitive substring of the merchant."
    )
    status: TransactionStatus | None = Field(default=None, description="Only this status.")
    since: date | None = Field(default=None, description="Created on or after this date.")
    until: date | None = Field(default=None, description="Created on or before this date.")
    min_amount: int | None = Field(
        default=None, ge=0, description="Minimum absolute amount in pence."
    )
    max_amount: int | None = Field(
        default=None, ge=0, description="Maximum absolute amount in pence."
    )


class TransactionArgs(ToolArgs):
    transaction_id: BankId = Field(description="One of the customer's transaction ids.")


class RaiseDisputeArgs(TransactionArgs):
    reason: DisputeReason = Field(description="Why the customer disputes the transaction.")


class ListPaymentsArgs(AccountArgs):
    status: PaymentStatus | None = Field(default=None, description="Only this status.")


class PaymentArgs(ToolArgs):
    payment_id: BankId = Field(description="One of the customer's payment ids.")


class DirectDebitArgs(ToolArgs):
    direct_debit_id: BankId = Field(description="One of the customer's direct debit ids.")


class CheckVerificationArgs(CustomerArgs):
    code: str = Field(description="The one-time code the customer received.", pattern=r"^\d{4,8}$")


HttpMethod = Literal["GET", "POST"]


class ModelSchemas:
    """Provider tool schemas from ``name``, ``description`` and ``args_model``: one source.

    Shared by every declared tool and by planner-only pseudo-tools (such as the LLM planner's
    hand-off), so there is exactly one way a schema is made.
    """

    __slots__ = ()
    name: str
    description: str
    args_model: type[BaseModel]

    def json_schema(self) -> dict[str, Any]:
        """The arguments' JSON schema, without pydantic's titles (noise for a model)."""
        schema: dict[str, Any] = _strip_titles(self.args_model.model_json_schema())
        return schema

    def openai_schema(self) -> dict[str, Any]:
        """Chat Completions ``tools`` entry."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.json_schema(),
            },
        }

    def anthropic_schema(self) -> dict[str, Any]:
        """Messages API ``tools`` entry."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.json_schema(),
        }


@dataclass(frozen=True, slots=True)
class ToolSpec(ModelSchemas):
    """One tool: its name, what it is for, its arguments, its result and its route."""

    name: str
    description: str
    args_model: type[ToolArgs]
    result_model: type[BaseModel]
    method: HttpMethod
    path: str
    effect: ToolEffect

    def path_params(self) -> list[str]:
        """Argument names that are placed in the URL path."""
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_titles(v) for k, v in node.items() if k != "title"}
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def _spec(
    name: str,
    description: str,
    args: type[ToolArgs],
    result: type[BaseModel],
    method: HttpMethod,
    path: str,
    effect: ToolEffect,
) -> ToolSpec:
    return ToolSpec(name, description, args, result, method, path, effect)


TOOLS: tuple[ToolSpec, ...] = (
    _spec(
        "get_customer",
        "Look up the customer's profile: name, status and support flags.",
        CustomerArgs,
        CustomerView,
        "GET",
        "/customers/{customer_id}",
        "read",
    ),
    _spec(
        "list_accounts",
        "List the customer's accounts with balances.",
        CustomerArgs,
        AccountList,
        "GET",
        "/customers/{customer_id}/accounts",
        "read",
    ),
    _spec(
        "list_cards",
        "List the customer's cards with status and last four digits.",
        CustomerArgs,
        CardList,
        "GET",
        "/customers/{customer_id}/cards",
        "read",
    ),
    _spec(
        "freeze_card",
        "Freeze a card so no new payments can be made. Reversible.",
        CardArgs,
        Card,
        "POST",
        "/cards/{card_id}/freeze",
        "write",
    ),
    _spec(
        "unfreeze_card",
        "Unfreeze a frozen card so it can be used again.",
        CardArgs,
        Card,
        "POST",
        "/cards/{card_id}/unfreeze",
        "write",
    ),
    _spec(
        "cancel_card",
        "Cancel a card permanently, optionally ordering a replacement.",
        CancelCardArgs,
        CardCancellation,
        "POST",
        "/cards/{card_id}/cancel",
        "write",
    ),
    _spec(
        "get_card_delivery",
        "Delivery status of a card that has been ordered.",
        CardArgs,
        CardDelivery,
        "GET",
        "/cards/{card_id}/delivery",
        "read",
    ),
    _spec(
        "unblock_pin",
        "Unblock a card's PIN after too many wrong attempts.",
        CardArgs,
        Card,
        "POST",
        "/cards/{card_id}/pin/unblock",
        "write",
    ),
    _spec(
        "list_transactions",
        "List an account's transactions, newest first, with filters.",
        ListTransactionsArgs,
        TransactionList,
        "GET",
        "/accounts/{account_id}/transactions",
        "read",
    ),
    _spec(
        "get_transaction",
        "Get one transaction with its status and decline reason.",
        TransactionArgs,
        Transaction,
        "GET",
        "/transactions/{transaction_id}",
        "read",
    ),
    _spec(
        "raise_dispute",
        "Raise a dispute (chargeback claim) on a card transaction.",
        RaiseDisputeArgs,
        Dispute,
        "POST",
        "/transactions/{transaction_id}/disputes",
        "write",
    ),
    _spec(
        "list_payments",
        "List an account's outgoing bank transfers, scheduled and past.",
        ListPaymentsArgs,
        PaymentList,
        "GET",
        "/accounts/{account_id}/payments",
        "read",
    ),
    _spec(
        "cancel_payment",
        "Cancel a scheduled bank transfer before it is sent.",
        PaymentArgs,
        Payment,
        "POST",
        "/payments/{payment_id}/cancel",
        "write",
    ),
    _spec(
        "list_direct_debits",
        "List an account's direct debits.",
        AccountArgs,
        DirectDebitList,
        "GET",
        "/accounts/{account_id}/direct-debits",
        "read",
    ),
    _spec(
        "cancel_direct_debit",
        "Cancel a direct debit so no further collections are made.",
        DirectDebitArgs,
        DirectDebit,
        "POST",
        "/direct-debits/{direct_debit_id}/cancel",
        "write",
    ),
    _spec(
        "start_verification",
        "Send the customer a one-time code to verify their identity.",
        CustomerArgs,
        VerificationStarted,
        "POST",
        "/customers/{customer_id}/verification",
        "write",
    ),
    _spec(
        "check_verification",
        "Check the one-time code the customer typed.",
        CheckVerificationArgs,
        VerificationResult,
        "POST",
        "/customers/{customer_id}/verification/check",
        "write",
    ),
)

TOOLS_BY_NAME: dict[str, ToolSpec] = {spec.name: spec for spec in TOOLS}


def get_tool(name: str) -> ToolSpec:
    """The declaration of ``name``; :class:`UnknownToolError` lists the known names."""
    try:
        return TOOLS_BY_NAME[name]
    except KeyError:
        raise UnknownToolError(name, list(TOOLS_BY_NAME)) from None
