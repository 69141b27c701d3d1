"""The scenario loader: exactly the spec's keys, and errors that name file, scenario and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.runner import prepare_banks
from resolution_agent.tools.errors import DataFileError
from tests.evals.conftest import DATA, write_yaml

MINIMAL = """
id: {id}
customer: cus_1001
turns: ["hello"]
expect: {{outcome: resolved}}
"""


def test_suite_reads_one_or_many_scenarios_per_file_in_any_folder() -> None:
    scenarios = load_suite([DATA])
    ids = [s.id for s in scenarios]
    assert len(ids) == len(set(ids)) == 7
    assert "pin-unblock-step-up" in ids  # a file holding a single mapping
    assert all(s.source.is_file() for s in scenarios)


def test_bank_defaults_to_the_default_seed_and_agent_turns_are_not_sent() -> None:
    scenario = next(s for s in load_suite([DATA]) if s.id == "lost-card-freeze-a")
    assert scenario.bank == "default"
    assert scenario.session.identity == "app_authenticated"
    assert len(scenario.turns) == 2
    assert scenario.customer_messages == ["I've lost my card"]


def test_tag_filter_keeps_scenarios_with_any_given_tag() -> None:
    ids = {s.id for s in load_suite([DATA], tags=["escalation", "step_up"])}
    assert ids == {"scam-safe-account", "pin-unblock-step-up"}


def test_unknown_top_level_key_names_file_scenario_and_key(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "typo.yaml", MINIMAL.format(id="typo-1") + "expected: {}\n")
    with pytest.raises(DataFileError) as caught:
        load_suite([tmp_path])
    message = str(caught.value)
    assert str(path) in message and "'typo-1'" in message and "expected" in message
    assert caught.value.key == "expected"


def test_unknown_nested_key_is_reported_with_its_full_path(tmp_path: Path) -> None:
    write_yaml(
        tmp_path,
        "nested.yaml",
        """
        - id: nested-1
          customer: cus_1001
          turns: ["I've lost my card"]
          expect:
            tools_called:
              - {name: freeze_card, arg: {card_id: card_1001a}}
        """,
    )
    with pytest.raises(DataFileError, match="unknown key 'arg'") as caught:
        load_suite([tmp_path])
    assert caught.value.key == "expect.tools_called[0].arg"
    assert "'nested-1'" in str(caught.value)


@pytest.mark.parametrize(
    ("turns", "problem"),
    [
        ("[42]", "a turn is a string"),
        ("[{customer: hi, agent: hello}]", "exactly one"),
        ("[{customr: hi}]", "unknown key 'customr'"),
        ("[{agent: only the agent speaks}]", "at least one customer message"),
    ],
)
def test_bad_turn_is_rejected(tmp_path: Path, turns: str, problem: str) -> None:
    text = f"id: turns-1\ncustomer: cus_1001\nturns: {turns}\nexpect: {{}}\n"
    write_yaml(tmp_path, "turns.yaml", text)
    with pytest.raises(DataFileError, match=problem) as caught:
        load_suite([tmp_path])
    assert "'turns-1'" in str(caught.value)


def test_unknown_tool_name_is_an_error_not_a_silent_pass(tmp_path: Path) -> None:
    text = MINIMAL.format(id="tool-typo").replace(
        "{outcome: resolved}", "{tools_not_called: [cancle_card]}"
    )
    write_yaml(tmp_path, "tool.yaml", text)
    with pytest.raises(DataFileError, match="unknown tool 'cancle_card'"):
        load_suite([tmp_path])


def test_duplicate_ids_across_files_are_an_error(tmp_path: Path) -> None:
    write_yaml(tmp_path, "a.yaml", MINIMAL.format(id="same"))
    second = write_yaml(tmp_path / "sub", "b.yml", MINIMAL.format(id="same"))
    with pytest.raises(DataFileError, match="duplicate scenario id 'same'") as caught:
        load_suite([tmp_path])
    assert caught.value.path == second


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "broken.yaml", "id: [unclosed\n")
    with pytest.raises(DataFileError, match="not valid YAML") as caught:
        load_suite([tmp_path])
    assert caught.value.path == path


def test_missing_required_key_and_missing_path_are_errors(tmp_path: Path) -> None:
    write_yaml(tmp_path, "nocustomer.yaml", "id: x\nturns: [hi]\nexpect: {}\n")
    with pytest.raises(DataFileError, match="missing required key 'customer'"):
        load_suite([tmp_path])
    with pytest.raises(DataFileError, match="no such file"):
        load_suite([tmp_path / "absent"])


def test_bad_bank_patch_is_a_data_error_naming_the_scenario(tmp_path: Path) -> None:
    write_yaml(
        tmp_path,
        "patch.yaml",
        MINIMAL.format(id="patch-1")
        + "bank_patch:\n  cards:\n    - {id: card_1001a, status: lost}\n",
    )
    scenarios = load_suite([tmp_path])
    with pytest.raises(DataFileError, match="'patch-1'") as caught:
        prepare_banks(Settings().fixtures_dir, scenarios)
    assert caught.value.key == "bank_patch.cards.card_1001a.status"


def test_unknown_seed_is_a_data_error(tmp_path: Path) -> None:
    write_yaml(tmp_path, "seed.yaml", MINIMAL.format(id="seed-1") + "bank: nowhere\n")
    with pytest.raises(DataFileError, match="no bank seed named 'nowhere'"):
        prepare_banks(Settings().fixtures_dir, load_suite([tmp_path]))
