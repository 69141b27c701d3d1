"""The seed loader: the default seed is complete, and broken seeds fail with file and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from resolution_agent.tools.errors import ConfigurationError, DataFileError
from resolution_agent.tools.mockbank import BankState, apply_patch, load_seed

# scenario.md, "Bank state collections": the closed values a scenario may rely on.
CONTRACT_VALUES: list[tuple[str, str, set[str]]] = [
    ("customers", "status", {"active", "closed"}),
    ("accounts", "type", {"current", "savings", "joint"}),
    ("cards", "status", {"active", "frozen", "cancelled", "pending_delivery"}),
    ("cards", "type", {"physical", "virtual"}),
    ("transactions", "status", {"pending", "settled", "declined", "reversed"}),
    ("payments", "status", {"scheduled", "sent", "failed", "cancelled"}),
    ("direct_debits", "status", {"active", "cancelled"}),
]

CONTRACT_FIELDS: dict[str, set[str]] = {
    "customers": {"id", "name", "email", "phone", "status", "flags", "verification_code"},
    "accounts": {"id", "customer_id", "type", "balance", "currency"},
    "cards": {"id", "customer_id", "account_id", "last4", "status", "type", "pin_blocked"},
    "transactions": {
        "id",
        "account_id",
        "card_id",
        "amount",
        "currency",
        "merchant",
        "status",
        "decline_reason",
        "created_at",
    },
    "payments": {
        "id",
        "account_id",
        "amount",
        "payee_name",
        "status",
        "scheduled_for",
        "failure_reason",
    },
    "direct_debits": {"id", "account_id", "merchant", "amount", "status"},
    "disputes": {"id", "transaction_id", "reason", "status"},
}

VALID_CUSTOMERS = """\
- id: cus_1
  name: Ada Lovelace
  verification_code: '123456'
"""
VALID_ACCOUNTS = """\
- id: acc_1
  customer_id: cus_1
  type: current
  balance: 1000
"""
VALID_CARDS = """\
- id: card_1
  customer_id: cus_1
  account_id: acc_1
  last4: '1234'
"""


def write_seed(root: Path, files: dict[str, str], name: str = "tiny") -> Path:
    """Write ``fixtures/bank/<name>/<collection>.yaml`` under ``root``; returns the root."""
    folder = root / "bank" / name
    folder.mkdir(parents=True)
    for collection, text in files.items():
        (folder / f"{collection}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def valid_files(**overrides: str) -> dict[str, str]:
    files = {"customers": VALID_CUSTOMERS, "accounts": VALID_ACCOUNTS, "cards": VALID_CARDS}
    files.update(overrides)
    return files


# ---- the default seed -----------------------------------------------------------------------


def test_default_seed_loads_with_at_least_twenty_customers(state: BankState) -> None:
    assert len(state.customers) >= 20


@pytest.mark.parametrize(("collection", "field", "values"), CONTRACT_VALUES)
def test_default_seed_holds_every_contract_value_of_each_collection(
    state: BankState, collection: str, field: str, values: set[str]
) -> None:
    present = {getattr(record, field) for record in state.collection(collection).values()}
    assert values <= present, f"{collection}.{field} lacks {sorted(values - present)}"


@pytest.mark.parametrize("collection", sorted(CONTRACT_FIELDS))
def test_default_seed_records_carry_every_contract_field(state: BankState, collection: str) -> None:
    records = state.to_json()[collection]
    assert records, f"{collection} is empty"
    for record_id, record in records.items():
        assert record["id"] == record_id
        assert CONTRACT_FIELDS[collection] <= set(record), record_id


def test_default_seed_sets_the_bank_clock_from_meta(state: BankState) -> None:
    assert state.clock.isoformat() == "2026-11-27T10:00:00+00:00"


def test_default_seed_keeps_extra_fields_of_records(state: BankState) -> None:
    assert state.to_json()["customers"]["cus_1001"]["postcode"] == "LS6 2AB"


def test_a_seed_is_a_fresh_object_on_every_load(fixtures_root: Path) -> None:
    first = load_seed(fixtures_root)
    first.cards.pop("card_1001a")
    assert "card_1001a" in load_seed(fixtures_root).cards


# ---- broken seeds ---------------------------------------------------------------------------


def test_unknown_seed_name_raises_data_file_error_naming_known_seeds(fixtures_root: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        load_seed(fixtures_root, "no_such_seed")
    message = str(caught.value)
    assert "no_such_seed" in message
    assert "default" in message
    assert isinstance(caught.value, ConfigurationError)


def test_a_minimal_tmp_seed_loads(tmp_path: Path) -> None:
    state = load_seed(write_seed(tmp_path, valid_files()), "tiny")
    assert set(state.customers) == {"cus_1"}
    assert state.cards["card_1"].account_id == "acc_1"


def test_malformed_yaml_raises_data_file_error_naming_the_file(tmp_path: Path) -> None:
    root = write_seed(tmp_path, valid_files(accounts="- id: acc_1\n  customer_id: [cus_1\n"))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.path.name == "accounts.yaml"
    assert "accounts.yaml" in str(caught.value)
    assert "YAML" in str(caught.value)


def test_a_collection_file_that_is_not_a_list_raises_data_file_error(tmp_path: Path) -> None:
    root = write_seed(tmp_path, valid_files(cards="id: card_1\n"))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.path.name == "cards.yaml"


def test_a_record_without_id_is_named_by_its_index(tmp_path: Path) -> None:
    root = write_seed(tmp_path, valid_files(cards=VALID_CARDS + "- customer_id: cus_1\n"))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.path.name == "cards.yaml"
    assert caught.value.key == "cards[1]"
    assert "cards[1]" in str(caught.value)


def test_missing_required_field_raises_data_file_error_naming_file_and_key(
    tmp_path: Path,
) -> None:
    root = write_seed(tmp_path, valid_files(customers="- id: cus_1\n  status: active\n"))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.path.name == "customers.yaml"
    assert caught.value.key == "customers.cus_1.name"
    assert "customers.yaml" in str(caught.value)
    assert "customers.cus_1.name" in str(caught.value)


def test_out_of_vocabulary_value_raises_data_file_error_naming_the_key(tmp_path: Path) -> None:
    root = write_seed(tmp_path, valid_files(cards=VALID_CARDS.replace("'1234'", "'12a4'")))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.key == "cards.card_1.last4"


@pytest.mark.parametrize(
    ("collection", "text", "key"),
    [
        (
            "accounts",
            "- {id: acc_1, customer_id: cus_1}\n- {id: acc_2, customer_id: cus_ghost}\n",
            "accounts.acc_2.customer_id",
        ),
        (
            "cards",
            "- {id: card_1, customer_id: cus_1, account_id: acc_ghost, last4: '1234'}\n",
            "cards.card_1.account_id",
        ),
        (
            "transactions",
            "- {id: txn_1, account_id: acc_1, card_id: card_ghost, amount: -100,"
            " merchant: Tesco, created_at: '2026-11-01T10:00:00+00:00'}\n",
            "transactions.txn_1.card_id",
        ),
        (
            "payments",
            "- {id: pay_1, account_id: acc_ghost, amount: 100, payee_name: Bob}\n",
            "payments.pay_1.account_id",
        ),
        (
            "direct_debits",
            "- {id: dd_1, account_id: acc_ghost, merchant: EE, amount: 100}\n",
            "direct_debits.dd_1.account_id",
        ),
        (
            "disputes",
            "- {id: dsp_1, transaction_id: txn_ghost, reason: duplicate}\n",
            "disputes.dsp_1.transaction_id",
        ),
    ],
)
def test_dangling_foreign_key_raises_data_file_error_naming_folder_and_key(
    tmp_path: Path, collection: str, text: str, key: str
) -> None:
    root = write_seed(tmp_path, valid_files(**{collection: text}))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.key == key
    assert caught.value.path == root / "bank" / "tiny"
    assert key in str(caught.value)
    assert str(root / "bank" / "tiny") in str(caught.value)


def test_card_on_another_customers_account_is_rejected(tmp_path: Path) -> None:
    customers = VALID_CUSTOMERS + "- {id: cus_2, name: Bob}\n"
    accounts = VALID_ACCOUNTS + "- {id: acc_2, customer_id: cus_2}\n"
    cards = "- {id: card_1, customer_id: cus_1, account_id: acc_2, last4: '1234'}\n"
    root = write_seed(tmp_path, {"customers": customers, "accounts": accounts, "cards": cards})
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.key == "cards.card_1.account_id"


def test_clock_that_is_not_iso_8601_raises_data_file_error(tmp_path: Path) -> None:
    root = write_seed(tmp_path, valid_files(meta="clock: next tuesday\n"))
    with pytest.raises(DataFileError) as caught:
        load_seed(root, "tiny")
    assert caught.value.path.name == "meta.yaml"
    assert caught.value.key == "clock"


# ---- patches --------------------------------------------------------------------------------


def test_apply_patch_merges_given_fields_into_an_existing_record(state: BankState) -> None:
    before = state.cards["card_1001a"]
    apply_patch(
        state,
        {"cards": [{"id": "card_1001a", "status": "frozen", "pin_blocked": True}]},
        source="scenario.yaml",
    )
    after = state.cards["card_1001a"]
    assert (after.status, after.pin_blocked) == ("frozen", True)
    assert (after.last4, after.customer_id, after.account_id, after.expiry) == (
        before.last4,
        before.customer_id,
        before.account_id,
        before.expiry,
    )


def test_apply_patch_adds_new_records(state: BankState) -> None:
    cards_before = len(state.cards)
    apply_patch(
        state,
        {
            "cards": [{"id": "card_new", "customer_id": "cus_1001", "last4": "0042"}],
            "disputes": [
                {"id": "dsp_new", "transaction_id": "txn_1001_001", "reason": "duplicate"}
            ],
        },
        source="scenario.yaml",
    )
    assert len(state.cards) == cards_before + 1
    card = state.cards["card_new"]
    assert (card.status, card.type, card.pin_blocked) == ("active", "physical", False)
    assert card.account_id == "acc_1001a"  # defaulted to the customer's first account
    assert state.disputes["dsp_new"].status == "open"


def test_apply_patch_with_unknown_collection_raises_data_file_error(state: BankState) -> None:
    with pytest.raises(DataFileError) as caught:
        apply_patch(state, {"loans": [{"id": "loan_1"}]}, source="scenario.yaml")
    assert caught.value.key == "bank_patch.loans"
    assert "scenario.yaml" in str(caught.value)
    assert "cards" in str(caught.value)  # lists the known collections


def test_apply_patch_with_dangling_reference_raises_data_file_error(state: BankState) -> None:
    with pytest.raises(DataFileError) as caught:
        apply_patch(
            state,
            {"cards": [{"id": "card_new", "customer_id": "cus_ghost", "last4": "0042"}]},
            source="scenario.yaml",
        )
    assert caught.value.key == "cards.card_new.customer_id"
    assert caught.value.path == Path("scenario.yaml")


def test_apply_patch_with_invalid_value_names_the_record_and_field(state: BankState) -> None:
    with pytest.raises(DataFileError) as caught:
        apply_patch(
            state, {"cards": [{"id": "card_1001a", "status": "melted"}]}, source="scenario.yaml"
        )
    assert caught.value.key == "cards.card_1001a.status"
