"""The customer-words set (``fixtures/customer_words/``): loadable, sized, and satisfiable.

The set measures the agent before any tuning, so its scenarios must fail only for what the
agent does, never for a scenario that could not pass: every id an expectation names exists in
the scenario's bank and belongs to its customer, and every intent and article is a real one.
It is kept out of the default suite that the CI gate runs, and these tests hold that line.
"""

from __future__ import annotations

from collections import Counter

import pytest

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.evals.loader import Scenario, load_suite
from resolution_agent.evals.runner import prepare_banks
from resolution_agent.tools.mockbank.seed import BankState

FIXTURES = PROJECT_ROOT / "fixtures"
SET = FIXTURES / "customer_words"
TAG = "customer_words"
#: One per scenario: the kind of understanding it tests, so failures can be counted by kind.
KINDS = {
    "confusable_intent",
    "multi_intent",
    "dialogue_act",
    "qualifier",
    "person_must_act",
    "greeting_thanks",
    "other_people",
    "everyday",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
    "fresh12",
}
#: Ids a scenario may expect that the conversation itself creates (the first new dispute).
CREATED = {"disputes.dsp_0006"}


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return load_suite([SET])


@pytest.fixture(scope="module")
def banks(scenarios: list[Scenario]) -> dict[str, BankState]:
    return prepare_banks(FIXTURES, scenarios)


def test_the_set_holds_at_least_120_conversations_and_40_multi_turn(
    scenarios: list[Scenario],
) -> None:
    multi_turn = [s for s in scenarios if len(s.customer_messages) > 1]
    assert len(scenarios) >= 120
    assert len(multi_turn) >= 40
    assert all("multi_turn" in s.tags for s in multi_turn)


def test_every_scenario_carries_the_set_tag_and_exactly_one_kind(
    scenarios: list[Scenario],
) -> None:
    kinds: Counter[str] = Counter()
    for scenario in scenarios:
        assert TAG in scenario.tags, scenario.id
        (kind,) = KINDS.intersection(scenario.tags)
        kinds[kind] += 1
    assert set(kinds) == KINDS


def test_the_default_suite_leaves_the_set_out_and_shares_no_id_with_it(
    scenarios: list[Scenario],
) -> None:
    default = load_suite([FIXTURES / "scenarios"])
    assert not [s.id for s in default if TAG in s.tags]
    assert not {s.id for s in default} & {s.id for s in scenarios}
    assert load_suite([FIXTURES / "scenarios", SET], tags=[TAG]) == scenarios


def test_intents_and_articles_named_are_real(scenarios: list[Scenario]) -> None:
    intents = set(load_policies(PROJECT_ROOT / "policies").intents)
    articles = {a.id for a in load_articles(FIXTURES / "help")}
    for scenario in scenarios:
        assert scenario.expect.intent in intents | {None}, scenario.id
        assert set(scenario.expect.cites) <= articles, scenario.id


def test_every_customer_exists_and_is_active(
    scenarios: list[Scenario], banks: dict[str, BankState]
) -> None:
    for scenario in scenarios:
        customer = banks[scenario.id].customers[scenario.customer]
        assert customer.status == "active", scenario.id


def test_expected_tool_arguments_belong_to_the_scenarios_customer(
    scenarios: list[Scenario], banks: dict[str, BankState]
) -> None:
    for scenario in scenarios:
        bank = banks[scenario.id]
        for call in scenario.expect.tools_called:
            for key, value in call.args.items():
                if key.endswith("_id"):
                    assert _owner(bank, key, str(value)) == scenario.customer, (
                        scenario.id,
                        call.name,
                        key,
                    )


def test_state_expectations_name_records_that_exist(
    scenarios: list[Scenario], banks: dict[str, BankState]
) -> None:
    for scenario in scenarios:
        data = banks[scenario.id].to_json()
        for path in scenario.expect.state:
            collection, record, _field = path.split(".", 2)
            if f"{collection}.{record}" in CREATED:
                continue
            assert record in data[collection], (scenario.id, path)


def _owner(bank: BankState, key: str, value: str) -> str:
    """The customer a tool argument's record belongs to (KeyError when it does not exist)."""
    if key == "customer_id":
        return bank.customers[value].id
    if key == "card_id":
        return bank.cards[value].customer_id
    if key == "account_id":
        return bank.accounts[value].customer_id
    account = {
        "transaction_id": lambda: bank.transactions[value].account_id,
        "payment_id": lambda: bank.payments[value].account_id,
        "direct_debit_id": lambda: bank.direct_debits[value].account_id,
    }[key]()
    return bank.accounts[account].customer_id
