"""Tool declarations match the contract, generate both vendors' schemas, and match the routes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError

from resolution_agent.tools.declarations import TOOLS, TOOLS_BY_NAME, ToolArgs, ToolSpec, get_tool
from resolution_agent.tools.errors import ResolveError, UnknownToolError

# ../shared/spec/contract.md, "Tools (names and arguments)".
CONTRACT_ARGS: dict[str, set[str]] = {
    "get_customer": {"customer_id"},
    "list_accounts": {"customer_id"},
    "list_cards": {"customer_id"},
    "freeze_card": {"card_id"},
    "unfreeze_card": {"card_id"},
    "cancel_card": {"card_id", "reason", "replace"},
    "get_card_delivery": {"card_id"},
    "unblock_pin": {"card_id"},
    "list_transactions": {
        "account_id",
        "merchant",
        "status",
        "since",
        "until",
        "min_amount",
        "max_amount",
    },
    "get_transaction": {"transaction_id"},
    "raise_dispute": {"transaction_id", "reason"},
    "list_payments": {"account_id", "status"},
    "cancel_payment": {"payment_id"},
    "list_direct_debits": {"account_id"},
    "cancel_direct_debit": {"direct_debit_id"},
    "start_verification": {"customer_id"},
    "check_verification": {"customer_id", "code"},
}
CONTRACT_OPTIONAL: dict[str, set[str]] = {
    "list_transactions": {"merchant", "status", "since", "until", "min_amount", "max_amount"},
    "list_payments": {"status"},
}
CONTRACT_ENUMS: dict[tuple[str, str], set[str]] = {
    ("cancel_card", "reason"): {"lost", "stolen", "damaged", "compromised"},
    ("raise_dispute", "reason"): {
        "unrecognised",
        "duplicate",
        "not_received",
        "refund_not_received",
        "wrong_amount",
    },
}

# One valid argument set per tool, so "rejects X" tests reject X and nothing else.
VALID_ARGS: dict[str, dict[str, Any]] = {
    "get_customer": {"customer_id": "cus_1001"},
    "list_accounts": {"customer_id": "cus_1001"},
    "list_cards": {"customer_id": "cus_1001"},
    "freeze_card": {"card_id": "card_1001a"},
    "unfreeze_card": {"card_id": "card_1001a"},
    "cancel_card": {"card_id": "card_1001a", "reason": "lost", "replace": True},
    "get_card_delivery": {"card_id": "card_1004a"},
    "unblock_pin": {"card_id": "card_1003a"},
    "list_transactions": {"account_id": "acc_1001a", "status": "settled", "min_amount": 100},
    "get_transaction": {"transaction_id": "txn_1001_001"},
    "raise_dispute": {"transaction_id": "txn_1001_001", "reason": "duplicate"},
    "list_payments": {"account_id": "acc_1001a", "status": "scheduled"},
    "cancel_payment": {"payment_id": "pay_1001_01"},
    "list_direct_debits": {"account_id": "acc_1001a"},
    "cancel_direct_debit": {"direct_debit_id": "dd_1001_01"},
    "start_verification": {"customer_id": "cus_1001"},
    "check_verification": {"customer_id": "cus_1001", "code": "482913"},
}

CONTRACT_TOOLS = sorted(CONTRACT_ARGS)


def keys_anywhere(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in keys_anywhere(value)}
    if isinstance(node, list):
        return {k for value in node for k in keys_anywhere(value)}
    return set()


def api_routes(app: FastAPI) -> list[APIRoute]:
    return [route for route in app.routes if isinstance(route, APIRoute)]


def test_every_contract_tool_is_declared() -> None:
    assert set(CONTRACT_ARGS) <= set(TOOLS_BY_NAME)


def test_tool_names_are_unique() -> None:
    names = [spec.name for spec in TOOLS]
    assert len(names) == len(set(names)) == len(TOOLS_BY_NAME)


@pytest.mark.parametrize("name", CONTRACT_TOOLS)
def test_each_tool_takes_exactly_the_contracts_argument_names(name: str) -> None:
    assert set(get_tool(name).args_model.model_fields) == CONTRACT_ARGS[name]


@pytest.mark.parametrize("name", CONTRACT_TOOLS)
def test_only_the_contracts_optional_arguments_may_be_left_out(name: str) -> None:
    schema = get_tool(name).json_schema()
    required = set(schema.get("required", []))
    optional = CONTRACT_OPTIONAL.get(name, set())
    assert not required & optional
    assert CONTRACT_ARGS[name] - optional - {"replace"} <= required


@pytest.mark.parametrize(("tool", "field"), sorted(CONTRACT_ENUMS))
def test_closed_arguments_accept_exactly_the_contracts_values(tool: str, field: str) -> None:
    prop = get_tool(tool).json_schema()["properties"][field]
    assert set(prop["enum"]) == CONTRACT_ENUMS[(tool, field)]


@pytest.mark.parametrize("spec", TOOLS, ids=lambda spec: spec.name)
def test_the_schema_comes_from_the_args_model(spec: ToolSpec) -> None:
    assert spec.description
    parameters = spec.json_schema()
    assert parameters["type"] == "object"
    assert set(parameters["properties"]) == set(spec.args_model.model_fields)
    required = {n for n, f in spec.args_model.model_fields.items() if f.is_required()}
    assert set(parameters.get("required", [])) == required
    assert parameters.get("additionalProperties") is False


@pytest.mark.parametrize("spec", TOOLS, ids=lambda spec: spec.name)
def test_generated_schemas_carry_no_title_keys(spec: ToolSpec) -> None:
    assert "title" not in keys_anywhere(spec.json_schema())
    assert "title" in keys_anywhere(spec.args_model.model_json_schema())  # really stripped


@pytest.mark.parametrize("spec", TOOLS, ids=lambda spec: spec.name)
def test_every_argument_is_described_for_the_model(spec: ToolSpec) -> None:
    for name, prop in spec.json_schema()["properties"].items():
        assert prop.get("description"), f"{spec.name}.{name} has no description"


@pytest.mark.parametrize("name", CONTRACT_TOOLS)
def test_args_models_accept_valid_arguments(name: str) -> None:
    args = get_tool(name).args_model.model_validate(VALID_ARGS[name])
    assert isinstance(args, ToolArgs)


@pytest.mark.parametrize("name", CONTRACT_TOOLS)
def test_args_models_reject_extra_keys(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        get_tool(name).args_model.model_validate({**VALID_ARGS[name], "customer_note": "hi"})
    assert caught.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("freeze_card", {"card_id": "../customers/cus_1002"}),
        ("freeze_card", {"card_id": ""}),
        ("cancel_card", {"card_id": "card_1001a", "reason": "misplaced"}),
        ("raise_dispute", {"transaction_id": "txn_1001_001", "reason": "regret"}),
        ("check_verification", {"customer_id": "cus_1001", "code": "12ab"}),
        ("check_verification", {"customer_id": "cus_1001", "code": "123"}),
        ("list_transactions", {"account_id": "acc_1001a", "min_amount": -1}),
        ("list_transactions", {"account_id": "acc_1001a", "status": "bounced"}),
        ("list_payments", {"account_id": "acc_1001a", "status": "lost"}),
        ("get_customer", {}),
    ],
)
def test_args_models_reject_malformed_arguments(name: str, args: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        get_tool(name).args_model.model_validate(args)


def test_args_models_are_immutable() -> None:
    args = get_tool("freeze_card").args_model.model_validate({"card_id": "card_1001a"})
    with pytest.raises(ValidationError):
        args.card_id = "card_1002a"  # type: ignore[attr-defined]


def test_get_tool_of_an_unknown_name_raises_unknown_tool_error_listing_known_names() -> None:
    with pytest.raises(UnknownToolError) as caught:
        get_tool("nope")
    assert caught.value.name == "nope"
    assert isinstance(caught.value, ResolveError)
    message = str(caught.value)
    assert "'nope'" in message
    for name in TOOLS_BY_NAME:
        assert name in message


@pytest.mark.parametrize("spec", TOOLS, ids=lambda spec: spec.name)
def test_every_declared_route_exists_in_the_mock_bank(app: FastAPI, spec: ToolSpec) -> None:
    matching = [
        route
        for route in api_routes(app)
        if route.path == spec.path and spec.method in (route.methods or set())
    ]
    assert len(matching) == 1, f"{spec.method} {spec.path} is not served"
    assert matching[0].name == spec.name


def test_every_non_admin_route_of_the_mock_bank_is_declared(app: FastAPI) -> None:
    served = {
        (method, route.path)
        for route in api_routes(app)
        if not route.path.startswith("/_admin")
        for method in (route.methods or set())
    }
    declared = {(spec.method, spec.path) for spec in TOOLS}
    assert served == declared


@pytest.mark.parametrize("spec", TOOLS, ids=lambda spec: spec.name)
def test_path_parameters_are_arguments_of_the_tool(spec: ToolSpec) -> None:
    assert spec.path_params()
    assert set(spec.path_params()) <= set(spec.args_model.model_fields)


@pytest.mark.parametrize("spec", TOOLS, ids=lambda spec: spec.name)
def test_reads_are_gets_and_writes_are_posts(spec: ToolSpec) -> None:
    assert (spec.effect, spec.method) in {("read", "GET"), ("write", "POST")}
