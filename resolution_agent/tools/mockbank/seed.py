"""The one loader of ``fixtures/bank/``: a named seed becomes a validated :class:`BankState`.

A seed is a folder with one YAML list per collection (``customers.yaml`` ...) and an optional
``meta.yaml`` holding the bank's clock. Scenarios patch a fresh copy of it (records added or
merged by id), so patches are validated with the same models and foreign-key checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resolution_agent.tools.errors import DataFileError
from resolution_agent.tools.mockbank.records import (
    RECORD_TYPES,
    AccountRecord,
    CardRecord,
    CustomerRecord,
    DirectDebitRecord,
    DisputeRecord,
    PaymentRecord,
    Record,
    TransactionRecord,
)

DEFAULT_CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


class BankState(BaseModel):
    """Every collection of the bank, by id. Mutated only by the mock bank's handlers."""

    model_config = ConfigDict(validate_assignment=False)

    clock: datetime = DEFAULT_CLOCK
    customers: dict[str, CustomerRecord] = Field(default_factory=dict)
    accounts: dict[str, AccountRecord] = Field(default_factory=dict)
    cards: dict[str, CardRecord] = Field(default_factory=dict)
    transactions: dict[str, TransactionRecord] = Field(default_factory=dict)
    payments: dict[str, PaymentRecord] = Field(default_factory=dict)
    direct_debits: dict[str, DirectDebitRecord] = Field(default_factory=dict)
    disputes: dict[str, DisputeRecord] = Field(default_factory=dict)

    def collection(self, name: str) -> dict[str, Record]:
        if name not in RECORD_TYPES:
            raise KeyError(name)
        value: dict[str, Record] = getattr(self, name)
        return value

    def to_json(self) -> dict[str, Any]:
        """The whole state as plain JSON, by collection and id (what scenarios inspect)."""
        return self.model_dump(mode="json")


def seed_dir(fixtures_root: Path, name: str) -> Path:
    folder = fixtures_root / "bank" / name
    if not folder.is_dir():
        known = sorted(p.name for p in (fixtures_root / "bank").glob("*") if p.is_dir())
        raise DataFileError(folder, f"no bank seed named {name!r}; known seeds: {known}")
    return folder


def load_seed(fixtures_root: Path, name: str = "default") -> BankState:
    """Read and validate the seed ``fixtures/bank/<name>/``."""
    folder = seed_dir(fixtures_root, name)
    state = BankState()
    meta_path = folder / "meta.yaml"
    if meta_path.exists():
        meta = _read_yaml(meta_path)
        if not isinstance(meta, dict):
            raise DataFileError(meta_path, "expected a mapping with a 'clock' key")
        try:
            state.clock = datetime.fromisoformat(str(meta.get("clock", DEFAULT_CLOCK.isoformat())))
        except ValueError as exc:
            raise DataFileError(meta_path, f"clock is not ISO 8601: {exc}", key="clock") from exc
    for collection in RECORD_TYPES:
        path = folder / f"{collection}.yaml"
        if not path.exists():
            continue
        rows = _read_yaml(path)
        if not isinstance(rows, list):
            raise DataFileError(path, "expected a YAML list of records")
        _merge_rows(state, collection, rows, source=path)
    check_references(state, source=folder)
    return state


def apply_patch(
    state: BankState, patch: Mapping[str, Sequence[Mapping[str, Any]]], *, source: str
) -> None:
    """Add records, or merge given fields into existing ones, by id; then re-check references.

    The patch is applied to a copy first, so a patch that fails leaves ``state`` untouched.
    """
    trial = state.model_copy(deep=True)
    for collection, rows in patch.items():
        if collection not in RECORD_TYPES:
            raise DataFileError(
                source,
                f"unknown collection {collection!r}; known: {sorted(RECORD_TYPES)}",
                key=f"bank_patch.{collection}",
            )
        _merge_rows(trial, collection, list(rows), source=source)
    check_references(trial, source=source)
    for name in RECORD_TYPES:
        setattr(state, name, getattr(trial, name))


def customer_copy(state: BankState, template: str, number: int) -> dict[str, list[dict[str, Any]]]:
    """A patch (for :func:`apply_patch`) adding a copy of customer ``template`` and all it owns.

    The copy's ids are the template's with its number replaced by ``number`` (``cus_1001`` ->
    ``cus_5007``, ``txn_1001_004`` -> ``txn_5007_004``), so load tests and benchmarks can give
    each conversation a customer of its own whose outcome does not depend on the others.
    Disputes are not copied.
    """
    old, new = template.removeprefix("cus_"), str(number)
    accounts = {a.id for a in state.accounts.values() if a.customer_id == template}
    owned: dict[str, list[Record]] = {
        "customers": [r for r in state.customers.values() if r.id == template],
        "accounts": [r for r in state.accounts.values() if r.id in accounts],
        "cards": [r for r in state.cards.values() if r.customer_id == template],
        "transactions": [r for r in state.transactions.values() if r.account_id in accounts],
        "payments": [r for r in state.payments.values() if r.account_id in accounts],
        "direct_debits": [r for r in state.direct_debits.values() if r.account_id in accounts],
    }
    if not owned["customers"]:
        raise KeyError(template)
    patch: dict[str, list[dict[str, Any]]] = {}
    for collection, records in owned.items():
        rows = []
        for record in records:
            row = record.model_dump(mode="json")
            for name in ("id", "customer_id", "account_id", "card_id"):
                if isinstance(row.get(name), str):
                    row[name] = row[name].replace(old, new)
            rows.append(row)
        patch[collection] = rows
    return patch


def _merge_rows(state: BankState, collection: str, rows: list[Any], *, source: Path | str) -> None:
    model = RECORD_TYPES[collection]
    store = state.collection(collection)
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping) or "id" not in row:
            raise DataFileError(
                source, "each record must be a mapping with an 'id'", key=f"{collection}[{index}]"
            )
        existing = store.get(str(row["id"]))
        merged = {**existing.model_dump(), **row} if existing is not None else dict(row)
        if collection == "cards" and merged.get("account_id") is None:
            merged["account_id"] = _first_account(state, str(merged.get("customer_id", "")))
        try:
            store[str(row["id"])] = model.model_validate(merged)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise DataFileError(
                source, first["msg"], key=f"{collection}.{row['id']}.{field}"
            ) from exc


def _first_account(state: BankState, customer_id: str) -> str | None:
    for account in state.accounts.values():
        if account.customer_id == customer_id:
            return account.id
    return None


def check_references(state: BankState, *, source: Path | str) -> None:
    """Every foreign key resolves; a card sits on an account of its own customer."""

    def fail(collection: str, record_id: str, field: str, value: object) -> None:
        raise DataFileError(
            source, f"{field} {value!r} does not exist", key=f"{collection}.{record_id}.{field}"
        )

    for acc in state.accounts.values():
        if acc.customer_id not in state.customers:
            fail("accounts", acc.id, "customer_id", acc.customer_id)
    for card in state.cards.values():
        if card.customer_id not in state.customers:
            fail("cards", card.id, "customer_id", card.customer_id)
        if card.account_id is not None:
            account = state.accounts.get(card.account_id)
            if account is None:
                fail("cards", card.id, "account_id", card.account_id)
            elif account.customer_id != card.customer_id:
                raise DataFileError(
                    source,
                    "card's account belongs to another customer",
                    key=f"cards.{card.id}.account_id",
                )
    for txn in state.transactions.values():
        if txn.account_id not in state.accounts:
            fail("transactions", txn.id, "account_id", txn.account_id)
        if txn.card_id is not None and txn.card_id not in state.cards:
            fail("transactions", txn.id, "card_id", txn.card_id)
    for pay in state.payments.values():
        if pay.account_id not in state.accounts:
            fail("payments", pay.id, "account_id", pay.account_id)
    for dd in state.direct_debits.values():
        if dd.account_id not in state.accounts:
            fail("direct_debits", dd.id, "account_id", dd.account_id)
    for dsp in state.disputes.values():
        if dsp.transaction_id not in state.transactions:
            fail("disputes", dsp.id, "transaction_id", dsp.transaction_id)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"not valid YAML: {exc}") from exc
    except OSError as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc


__all__ = [
    "AccountRecord",
    "BankState",
    "CardRecord",
    "CustomerRecord",
    "DirectDebitRecord",
    "DisputeRecord",
    "PaymentRecord",
    "TransactionRecord",
    "apply_patch",
    "check_references",
    "customer_copy",
    "load_seed",
]
