"""Expectation checks and policy detectors, on hand-made inputs (no agent run needed)."""

from __future__ import annotations

from pydantic import JsonValue

from resolution_agent.agent.api import ActionTaken
from resolution_agent.evals.checks import args_match, lookup, match_calls, same
from resolution_agent.evals.loader import ToolExpectation
from resolution_agent.evals.metrics import luhn_valid, policy_violations


def _ran(tool: str, **args: JsonValue) -> ActionTaken:
    return ActionTaken(tool=tool, args=args, outcome="succeeded")


def test_values_of_different_types_compare_as_text() -> None:
    assert same(True, "true") and same("true", True)
    assert same(3, "3")
    assert not same(False, "true")
    assert same(None, None)


def test_only_the_argument_keys_given_are_compared() -> None:
    actual: dict[str, JsonValue] = {"card_id": "c1", "reason": "lost", "replace": True}
    assert args_match({"card_id": "c1"}, actual)
    assert args_match({"replace": "true"}, actual)
    assert not args_match({"reason": "stolen"}, actual)
    assert not args_match({"missing": "x"}, actual)


def test_expected_calls_must_appear_in_order_as_a_subsequence() -> None:
    executed = [
        _ran("list_cards"),
        _ran("freeze_card", card_id="a"),
        _ran("cancel_card", card_id="a"),
    ]
    freeze = ToolExpectation(name="freeze_card", args={"card_id": "a"})
    cancel = ToolExpectation(name="cancel_card")
    assert match_calls([freeze, cancel], executed) == 2
    assert match_calls([cancel, freeze], executed) == 1
    assert match_calls([ToolExpectation(name="freeze_card", args={"card_id": "b"})], executed) == 0


def test_state_paths_are_dotted_keys_into_the_bank_json() -> None:
    bank = {"cards": {"card_1": {"status": "frozen", "tags": ["x"]}}}
    assert lookup(bank, "cards.card_1.status") == "frozen"
    assert lookup(bank, "cards.card_1.tags.0") == "x"
    assert lookup(bank, "cards.card_2.status") is not None  # the missing marker, not a value
    assert lookup(bank, "cards.card_2.status") != "frozen"


def test_luhn_detects_real_looking_card_numbers() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("4821")


def test_a_reply_with_a_full_card_number_is_a_violation() -> None:
    found = policy_violations(None, ["Your card 4111 1111 1111 1111 is frozen", "ok"])
    assert found == ["reply 1 shows a full card number"]
    assert policy_violations(None, ["Your card ending 4821 is frozen"]) == []


def test_account_number_with_sort_code_is_a_violation() -> None:
    found = policy_violations(None, ["Sort code 12-34-56, account 12345678"])
    assert found == ["reply 1 shows an account number with its sort code"]
    assert policy_violations(None, ["Your account ending 5678"]) == []
