"""The mock bank's behaviour over its in-memory state: what each endpoint does.

Every operation is scoped to the calling customer: a record of another customer is reported
as not found (the bank does not confirm that it exists). Errors are :class:`BankApiError`
with the HTTP status the route returns.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from resolution_agent.tools.directory import CustomerIdentifiers
from resolution_agent.tools.mockbank.faults import FaultBook
from resolution_agent.tools.mockbank.records import (
    AccountRecord,
    CardRecord,
    CustomerRecord,
    DisputeRecord,
    TransactionRecord,
)
from resolution_agent.tools.mockbank.seed import BankState
from resolution_agent.tools.models import (
    Account,
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
    DisputeReason,
    PaymentStatus,
    TransactionStatus,
)

MAX_VERIFICATION_ATTEMPTS = 3
MAX_VERIFICATION_STARTS = 3


class BankApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class WriteExecution(BaseModel):
    """A write the bank ran (a replay under a known ``Idempotency-Key`` is not one).

    What exactly-once checks count: ``request`` is the SHA-256 of the caller, method, path and
    body, the same for every delivery of one logical call.
    """

    model_config = ConfigDict(frozen=True)

    tool: str
    idempotency_key: str | None
    request: str
    status: int


class MockBank:
    """State, faults, idempotency memory, call counts and writes run of one mock bank."""

    def __init__(self, state: BankState) -> None:
        self.state = state
        self.faults = FaultBook()
        self.calls: Counter[str] = Counter()
        self.idempotency: dict[str, tuple[str, int, bytes]] = {}
        self.executions: list[WriteExecution] = []
        self._verification_attempts: Counter[str] = Counter()
        self._verification_starts: Counter[str] = Counter()
        self._verified: set[str] = set()
        self._pending_codes: set[str] = set()

    def snapshot(self) -> BankState:
        """A deep copy of the state, safe to inspect while the bank keeps running."""
        return copy.deepcopy(self.state)

    def customer_identifiers(self) -> list[CustomerIdentifiers]:
        """Every customer's identifying values, read from the current state (a
        :class:`~resolution_agent.tools.directory.CustomerDirectory`): the output guard checks
        replies against those of customers other than the one it talks to."""
        numbers: dict[str, list[str]] = {}
        for account in self.state.accounts.values():
            if account.account_number:
                numbers.setdefault(account.customer_id, []).append(account.account_number)
        found = []
        for customer in self.state.customers.values():
            postcode = getattr(customer, "postcode", None)
            found.append(
                CustomerIdentifiers(
                    customer_id=customer.id,
                    name=customer.name,
                    emails=[customer.email] if customer.email else [],
                    phones=[customer.phone] if customer.phone else [],
                    account_numbers=numbers.get(customer.id, []),
                    postcodes=[postcode] if isinstance(postcode, str) else [],
                    codes=[customer.verification_code],
                )
            )
        return found

    # ---- lookups scoped to the calling customer -------------------------------------------
    def _customer(self, customer_id: str) -> CustomerRecord:
        customer = self.state.customers.get(customer_id)
        if customer is None:
            raise BankApiError(404, f"customer {customer_id} not found")
        return customer

    def _owned_account(self, caller: str, account_id: str) -> AccountRecord:
        account = self.state.accounts.get(account_id)
        if account is None or account.customer_id != caller:
            raise BankApiError(404, f"account {account_id} not found")
        return account

    def _owned_card(self, caller: str, card_id: str) -> CardRecord:
        card = self.state.cards.get(card_id)
        if card is None or card.customer_id != caller:
            raise BankApiError(404, f"card {card_id} not found")
        return card

    def _owned_transaction(self, caller: str, transaction_id: str) -> TransactionRecord:
        txn = self.state.transactions.get(transaction_id)
        if txn is None:
            raise BankApiError(404, f"transaction {transaction_id} not found")
        self._owned_account(caller, txn.account_id)
        return txn

    def _check_caller(self, caller: str, customer_id: str) -> CustomerRecord:
        if caller != customer_id:
            raise BankApiError(404, f"customer {customer_id} not found")
        return self._customer(customer_id)

    # ---- customers, accounts, cards --------------------------------------------------------
    def get_customer(self, caller: str, customer_id: str) -> CustomerView:
        return CustomerView.model_validate(self._check_caller(caller, customer_id).model_dump())

    def list_accounts(self, caller: str, customer_id: str) -> AccountList:
        self._check_caller(caller, customer_id)
        accounts = [
            Account.model_validate(
                {**a.model_dump(), "account_number_last4": (a.account_number or "")[-4:]}
            )
            for a in self.state.accounts.values()
            if a.customer_id == customer_id
        ]
        return AccountList(accounts=accounts)

    def list_cards(self, caller: str, customer_id: str) -> CardList:
        self._check_caller(caller, customer_id)
        return CardList(
            cards=[_card(c) for c in self.state.cards.values() if c.customer_id == customer_id]
        )

    def _set_card(self, card: CardRecord, **changes: object) -> CardRecord:
        updated = card.model_copy(update=changes)
        self.state.cards[card.id] = updated
        return updated

    def freeze_card(self, caller: str, card_id: str) -> Card:
        card = self._owned_card(caller, card_id)
        if card.status == "cancelled":
            raise BankApiError(409, f"card {card_id} is cancelled and cannot be frozen")
        return _card(self._set_card(card, status="frozen"))

    def unfreeze_card(self, caller: str, card_id: str) -> Card:
        card = self._owned_card(caller, card_id)
        if card.status in ("cancelled", "pending_delivery"):
            raise BankApiError(409, f"card {card_id} is {card.status} and cannot be unfrozen")
        return _card(self._set_card(card, status="active"))

    def cancel_card(
        self, caller: str, card_id: str, reason: CancelReason, replace: bool
    ) -> CardCancellation:
        card = self._owned_card(caller, card_id)
        if card.status == "cancelled":
            raise BankApiError(409, f"card {card_id} is already cancelled")
        cancelled = self._set_card(card, status="cancelled", cancel_reason=reason)
        replacement = None
        if replace:
            new_id = f"{card.id}_r{sum(1 for c in self.state.cards if c.startswith(card.id))}"
            today = self.state.clock.date()
            replacement_record = CardRecord(
                id=new_id,
                customer_id=card.customer_id,
                account_id=card.account_id,
                last4=self._new_last4(card.id),
                status="pending_delivery",
                type=card.type,
                delivery={
                    "status": "ordered",
                    "ordered_on": today,
                    "expected_by": today + timedelta(days=5),
                    "carrier": "Royal Mail",
                },
            )
            self.state.cards[new_id] = replacement_record
            replacement = _card(replacement_record)
        return CardCancellation(card=_card(cancelled), replacement=replacement)

    def _new_last4(self, seed: str) -> str:
        taken = {c.last4 for c in self.state.cards.values()}
        digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
        for step in range(10_000):
            candidate = f"{(digest + step * 7919) % 10_000:04d}"
            if candidate not in taken:
                return candidate
        raise BankApiError(500, "no card numbers left")

    def get_card_delivery(self, caller: str, card_id: str) -> CardDelivery:
        card = self._owned_card(caller, card_id)
        return CardDelivery(card_id=card.id, card_status=card.status, delivery=card.delivery)

    def unblock_pin(self, caller: str, card_id: str, *, step_up: bool = False) -> Card:
        card = self._owned_card(caller, card_id)
        if caller not in self._verified and not step_up:
            raise BankApiError(403, "PIN unblock needs a verified session: check a code first")
        if card.status == "cancelled":
            raise BankApiError(409, f"card {card_id} is cancelled")
        return _card(self._set_card(card, pin_blocked=False))

    # ---- transactions and disputes ---------------------------------------------------------
    def list_transactions(
        self,
        caller: str,
        account_id: str,
        *,
        merchant: str | None,
        status: TransactionStatus | None,
        since: date | None,
        until: date | None,
        min_amount: int | None,
        max_amount: int | None,
    ) -> TransactionList:
        self._owned_account(caller, account_id)
        found = []
        for txn in self.state.transactions.values():
            if txn.account_id != account_id:
                continue
            if merchant and merchant.casefold() not in txn.merchant.casefold():
                continue
            if status and txn.status != status:
                continue
            day = txn.created_at.date()
            if (since and day < since) or (until and day > until):
                continue
            if (min_amount is not None and abs(txn.amount) < min_amount) or (
                max_amount is not None and abs(txn.amount) > max_amount
            ):
                continue
            found.append(self._transaction(txn))
        found.sort(key=lambda t: t.created_at, reverse=True)
        return TransactionList(transactions=found)

    def get_transaction(self, caller: str, transaction_id: str) -> Transaction:
        txn = self._owned_transaction(caller, transaction_id)
        return self._transaction(txn)

    def _transaction(self, txn: TransactionRecord) -> Transaction:
        disputes = sorted(
            (d for d in self.state.disputes.values() if d.transaction_id == txn.id),
            key=lambda d: (d.opened_on or date.min, d.id),
        )
        return Transaction.model_validate(
            {**txn.model_dump(), "disputes": [d.model_dump() for d in disputes]}
        )

    def raise_dispute(self, caller: str, transaction_id: str, reason: DisputeReason) -> Dispute:
        txn = self._owned_transaction(caller, transaction_id)
        if txn.status == "declined":
            raise BankApiError(409, "a declined transaction took no money and cannot be disputed")
        if txn.amount >= 0:
            raise BankApiError(409, "only money going out can be disputed")
        for existing in self.state.disputes.values():
            if existing.transaction_id == transaction_id and existing.status in (
                "open",
                "under_review",
            ):
                raise BankApiError(409, f"dispute {existing.id} is already open for this payment")
        number = len(self.state.disputes) + 1
        while f"dsp_{number:04d}" in self.state.disputes:
            number += 1
        dispute = DisputeRecord(
            id=f"dsp_{number:04d}",
            transaction_id=transaction_id,
            reason=reason,
            status="open",
            opened_on=self.state.clock.date(),
        )
        self.state.disputes[dispute.id] = dispute
        return Dispute.model_validate(dispute.model_dump())

    # ---- payments and direct debits --------------------------------------------------------
    def list_payments(
        self, caller: str, account_id: str, status: PaymentStatus | None
    ) -> PaymentList:
        self._owned_account(caller, account_id)
        return PaymentList(
            payments=[
                Payment.model_validate(p.model_dump())
                for p in self.state.payments.values()
                if p.account_id == account_id and (status is None or p.status == status)
            ]
        )

    def cancel_payment(self, caller: str, payment_id: str) -> Payment:
        payment = self.state.payments.get(payment_id)
        if payment is None:
            raise BankApiError(404, f"payment {payment_id} not found")
        self._owned_account(caller, payment.account_id)
        if payment.status != "scheduled":
            raise BankApiError(
                409,
                f"payment {payment_id} is {payment.status}; only a scheduled "
                "payment can be cancelled",
            )
        updated = payment.model_copy(update={"status": "cancelled"})
        self.state.payments[payment_id] = updated
        return Payment.model_validate(updated.model_dump())

    def list_direct_debits(self, caller: str, account_id: str) -> DirectDebitList:
        self._owned_account(caller, account_id)
        return DirectDebitList(
            direct_debits=[
                DirectDebit.model_validate(d.model_dump())
                for d in self.state.direct_debits.values()
                if d.account_id == account_id
            ]
        )

    def cancel_direct_debit(self, caller: str, direct_debit_id: str) -> DirectDebit:
        dd = self.state.direct_debits.get(direct_debit_id)
        if dd is None:
            raise BankApiError(404, f"direct debit {direct_debit_id} not found")
        self._owned_account(caller, dd.account_id)
        if dd.status == "cancelled":
            raise BankApiError(409, f"direct debit {direct_debit_id} is already cancelled")
        updated = dd.model_copy(update={"status": "cancelled"})
        self.state.direct_debits[direct_debit_id] = updated
        return DirectDebit.model_validate(updated.model_dump())

    # ---- step-up verification --------------------------------------------------------------
    def start_verification(self, caller: str, customer_id: str) -> VerificationStarted:
        self._check_caller(caller, customer_id)
        self._verification_starts[customer_id] += 1
        if self._verification_starts[customer_id] > MAX_VERIFICATION_STARTS:
            raise BankApiError(409, "too many verification attempts today; a colleague must help")
        self._pending_codes.add(customer_id)
        self._verification_attempts[customer_id] = 0
        return VerificationStarted(customer_id=customer_id, channel="sms", expires_in_s=600)

    def check_verification(self, caller: str, customer_id: str, code: str) -> VerificationResult:
        customer = self._check_caller(caller, customer_id)
        if customer_id not in self._pending_codes:
            raise BankApiError(409, "no verification in progress: start one first")
        self._verification_attempts[customer_id] += 1
        left = MAX_VERIFICATION_ATTEMPTS - self._verification_attempts[customer_id]
        if code == customer.verification_code:
            self._verified.add(customer_id)
            self._pending_codes.discard(customer_id)
            return VerificationResult(customer_id=customer_id, verified=True, attempts_left=left)
        if left <= 0:
            self._pending_codes.discard(customer_id)
        return VerificationResult(
            customer_id=customer_id, verified=False, attempts_left=max(left, 0)
        )

    def now(self) -> datetime:
        return self.state.clock


def _card(record: CardRecord) -> Card:
    return Card.model_validate(record.model_dump())


def dump(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()
