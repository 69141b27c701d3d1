"""Every tool the planner may call, declared once.

A declaration holds the argument model (the one source of the JSON schema), a description for
the model, the result model the client validates responses against, the HTTP route behind it,
whether it changes anything, and the facts the guards need about it (which records it reveals
as the customer's, which claims its success backs, whether it backs a refund promise, which
result fields hold outside text). Every list of tool names elsewhere is derived from these
declarations, so adding a tool is one edit here (plus its policy and its template). The model
adapters derive their tool schemas from ``json_schema()``; who may call a tool and when
(identity level, confirmation, limits) is policy, declared in ``policies/tools.yaml`` and
checked against this registry at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from resolution_agent.tools.errors import UnknownToolError
from resolution_agent.tools.models import (
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
from resolution_agent.tools.vocabulary import (
    CancelReason,
    Collection,
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
    """The argument schema from ``args_model``: one source, in no provider's format.

    Shared by every declared tool and by planner-only pseudo-tools (such as the LLM planner's
    hand-off), so there is exactly one way a schema is made; the model adapters put
    ``name``, ``description`` and this schema into their own wire formats.
    """

    __slots__ = ()
    name: str
    description: str
    args_model: type[BaseModel]

    def json_schema(self) -> dict[str, Any]:
        """The arguments' JSON schema, without pydantic's titles (noise for a model)."""
        schema: dict[str, Any] = _strip_titles(self.args_model.model_json_schema())
        return schema


@dataclass(frozen=True, slots=True)
class Reveals:
    """Records in a result that the bank returned *for this customer*, so become theirs.

    ``field`` is the result field holding a record (or a list of records) with an ``id``;
    ``None`` means the result is itself such a record. The ids land in ``collection`` of the
    conversation's owned ids, the only ids the action guard lets a tool act on.
    """

    field: str | None
    collection: Collection


@dataclass(frozen=True, slots=True)
class Claim:
    """A word that says the tool's work was done, which a text may use only once it succeeded.

    ``label`` names the claim in a problem report; tools that back the same claim share one
    :class:`Claim`, so "cancelled" means one pattern whichever tool did the cancelling.
    ``pattern`` is a case-insensitive regular expression.
    """

    label: str
    pattern: str


@dataclass(frozen=True, slots=True)
class TypedByCustomer:
    """An argument whose value only the customer may supply, never the planner.

    A one-time code proves that the person in the chat holds the customer's phone; a code the
    model wrote proves nothing (it may have guessed it, or read it somewhere). So the value
    must be one the customer typed in this conversation after ``after`` last succeeded (the
    call that sent the code): the action guard's ``ARG-NOT-TYPED`` rule.
    """

    argument: str
    after: str


@dataclass(frozen=True, slots=True)
class ToolSpec(ModelSchemas):
    """One tool: its name, what it is for, its arguments, its result and its route, and the
    facts the guards need about it, so no guard keeps its own list of tool names.

    - ``reveals``: result fields whose records the customer owns (ownership checks).
    - ``claims``: words a reply or handoff narrative may use only after the tool succeeded.
    - ``backs_refund_promise``: its success makes "you'll get your money back" a fair thing to
      say (the output guard's ``OUT-UNBACKED-PROMISE``).
    - ``free_text``: result fields holding text from outside the bank (merchant and payee
      names, references), which the input guard screens as untrusted and
      ``agent.guards.third_party`` stores as plain names.
    - ``typed_by_customer``: an argument only the customer may supply (a one-time code).
    - ``asked_as``: how a customer asks for the action in words ("scrap that card and post me
      a replacement" asks for ``cancel_card``), a case-insensitive regular expression; asking
      for it again straight after saying no to it takes the no back
      (``agent.understanding.confirm``). Empty: only the tool's verb.
    """

    name: str
    description: str
    args_model: type[ToolArgs]
    result_model: type[BaseModel]
    method: HttpMethod
    path: str
    effect: ToolEffect
    reveals: tuple[Reveals, ...] = ()
    claims: tuple[Claim, ...] = ()
    backs_refund_promise: bool = False
    free_text: tuple[str, ...] = ()
    typed_by_customer: TypedByCustomer | None = None
    asked_as: str = ""

    @property
    def template(self) -> str:
        """The tool's prompt template: its ``confirm`` part asks the customer to confirm a
        call, its ``done`` part tells them the call succeeded, its ``unconfirmed`` part names
        the call when its outcome is unknown (a write tool may have any of them)."""
        return f"tools/{self.name}.j2"

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
    *,
    reveals: tuple[Reveals, ...] = (),
    claims: tuple[Claim, ...] = (),
    backs_refund_promise: bool = False,
    free_text: tuple[str, ...] = (),
    typed_by_customer: TypedByCustomer | None = None,
    asked_as: str = "",
) -> ToolSpec:
    return ToolSpec(
        name,
        description,
        args,
        result,
        method,
        path,
        effect,
        reveals=reveals,
        claims=claims,
        backs_refund_promise=backs_refund_promise,
        free_text=free_text,
        typed_by_customer=typed_by_customer,
        asked_as=asked_as,
    )


# Claims backed by more than one tool, declared once so every tool means the same words.
_CANCELLED = Claim("cancelled", r"\b(?:cancell?ed|stopped)\b")


TOOLS: tuple[ToolSpec, ...] = (
    _spec(
        "get_customer",
        "Look up the customer's profile: name, status and support flags.",
        CustomerArgs,
        CustomerView,
        "GET",
        "/customers/{customer_id}",
        "read",
        free_text=("name",),
    ),
    _spec(
        "list_accounts",
        "List the customer's accounts with balances.",
        CustomerArgs,
        AccountList,
        "GET",
        "/customers/{customer_id}/accounts",
        "read",
        reveals=(Reveals("accounts", "accounts"),),
        free_text=("name",),
    ),
    _spec(
        "list_cards",
        "List the customer's cards with status and last four digits.",
        CustomerArgs,
        CardList,
        "GET",
        "/customers/{customer_id}/cards",
        "read",
        reveals=(Reveals("cards", "cards"),),
    ),
    _spec(
        "freeze_card",
        "Freeze a card so no new payments can be made. Reversible.",
        CardArgs,
        Card,
        "POST",
        "/cards/{card_id}/freeze",
        "write",
        claims=(Claim("froze", r"\b(?:froze|frozen|freezed)\b"),),
    ),
    _spec(
        "unfreeze_card",
        "Unfreeze a frozen card so it can be used again.",
        CardArgs,
        Card,
        "POST",
        "/cards/{card_id}/unfreeze",
        "write",
        claims=(Claim("unfroze", r"\b(?:unfroze|unfrozen|unfreezed)\b"),),
    ),
    _spec(
        "cancel_card",
        "Cancel a card permanently, optionally ordering a replacement.",
        CancelCardArgs,
        CardCancellation,
        "POST",
        "/cards/{card_id}/cancel",
        "write",
        reveals=(Reveals("replacement", "cards"),),
        claims=(
            _CANCELLED,
            Claim("replaced", r"\b(?:replaced|reissued|re-issued|ordered a (?:new|replacement))\b"),
        ),
        asked_as=r"\b(?:cancel\w*|scrap|bin|kill|get rid of|replace|(?:send|post|order|get) "
        r"(?:me |us )?(?:a |the )?(?:new|replacement)(?: card| one)?)\b",
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
        claims=(Claim("unblocked", r"\bunblocked\b"),),
    ),
    _spec(
        "list_transactions",
        "List an account's transactions, newest first, with filters.",
        ListTransactionsArgs,
        TransactionList,
        "GET",
        "/accounts/{account_id}/transactions",
        "read",
        reveals=(Reveals("transactions", "transactions"),),
        free_text=("merchant",),
    ),
    _spec(
        "get_transaction",
        "Get one transaction with its status and decline reason.",
        TransactionArgs,
        Transaction,
        "GET",
        "/transactions/{transaction_id}",
        "read",
        reveals=(Reveals(None, "transactions"),),
        free_text=("merchant",),
    ),
    _spec(
        "raise_dispute",
        "Raise a dispute (chargeback claim) on a card transaction.",
        RaiseDisputeArgs,
        Dispute,
        "POST",
        "/transactions/{transaction_id}/disputes",
        "write",
        claims=(
            Claim(
                "disputed",
                r"\b(?:disputed|charged? ?back|raised (?:a |the )?(?:dispute|claim|chargeback)|"
                r"(?:dispute|claim|chargeback) (?:was |has been |is )?"
                r"(?:raised|opened|filed|lodged))\b",
            ),
        ),
        backs_refund_promise=True,
        asked_as=r"\b(?:dispute|charge ?back|claim (?:it|the money) back|raise (?:it|a claim))\b",
    ),
    _spec(
        "list_payments",
        "List an account's outgoing bank transfers, scheduled and past.",
        ListPaymentsArgs,
        PaymentList,
        "GET",
        "/accounts/{account_id}/payments",
        "read",
        reveals=(Reveals("payments", "payments"),),
        free_text=("payee_name", "payee_reference"),
    ),
    _spec(
        "cancel_payment",
        "Cancel a scheduled bank transfer before it is sent.",
        PaymentArgs,
        Payment,
        "POST",
        "/payments/{payment_id}/cancel",
        "write",
        claims=(_CANCELLED,),
        backs_refund_promise=True,
        free_text=("payee_name", "payee_reference"),
        asked_as=r"\b(?:cancel\w*|stop|scrap|pull|don'?t send)\b",
    ),
    _spec(
        "list_direct_debits",
        "List an account's direct debits.",
        AccountArgs,
        DirectDebitList,
        "GET",
        "/accounts/{account_id}/direct-debits",
        "read",
        reveals=(Reveals("direct_debits", "direct_debits"),),
        free_text=("merchant", "reference"),
    ),
    _spec(
        "cancel_direct_debit",
        "Cancel a direct debit so no further collections are made.",
        DirectDebitArgs,
        DirectDebit,
        "POST",
        "/direct-debits/{direct_debit_id}/cancel",
        "write",
        claims=(_CANCELLED,),
        backs_refund_promise=True,
        free_text=("merchant", "reference"),
        asked_as=r"\b(?:cancel\w*|stop|scrap|end|get rid of)\b",
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
        claims=(Claim("verified", r"\b(?:verified|passed (?:the )?(?:step-up|verification))\b"),),
        typed_by_customer=TypedByCustomer("code", after="start_verification"),
    ),
)

TOOLS_BY_NAME: dict[str, ToolSpec] = {spec.name: spec for spec in TOOLS}


def get_tool(name: str) -> ToolSpec:
    """The declaration of ``name``; :class:`UnknownToolError` lists the known names."""
    try:
        return TOOLS_BY_NAME[name]
    except KeyError:
        raise UnknownToolError(name, list(TOOLS_BY_NAME)) from None
