"""Policy files are validated at start-up: an error names the file, the key and what is
allowed, and the agent does not start (a guard on a half-read policy is worse than none)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.errors import DataFileError


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "policies", folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def error_of(folder: Path) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_policies(folder)
    return caught.value


def test_the_shipped_policies_load() -> None:
    policies = load_policies(PROJECT_ROOT / "policies")

    assert policies.tools["cancel_card"].confirm
    assert policies.tools["unblock_pin"].identity == "step_up"


def test_a_bad_value_names_file_key_and_allowed_values(policy_dir: Path) -> None:
    edit(policy_dir / "tools.yaml", "identity: step_up", "identity: superuser")

    error = error_of(policy_dir)

    assert error.path == policy_dir / "tools.yaml"
    assert error.key == "tools.unblock_pin.identity"
    assert "'superuser' is not allowed" in str(error)
    assert "'none', 'app_authenticated' or 'step_up'" in str(error)


def test_an_unknown_key_names_the_keys_that_are_allowed(policy_dir: Path) -> None:
    edit(policy_dir / "tools.yaml", "    confirm: true\n", "    confrim: true\n")

    error = error_of(policy_dir)

    assert error.key is not None and error.key.endswith(".confrim")
    assert "unknown key 'confrim'" in str(error)
    assert "allowed keys: identity, confirm, intents, max_amount_pence" in str(error)


def test_a_misspelt_top_level_key_is_reported_as_unknown_not_missing(policy_dir: Path) -> None:
    edit(policy_dir / "output.yaml", "help_centre_host:", "help_center_host:")

    error = error_of(policy_dir)

    assert (error.path.name, error.key) == ("output.yaml", "help_center_host")
    assert "help_centre_host" in str(error)


def test_a_union_value_lists_every_allowed_value(policy_dir: Path) -> None:
    edit(policy_dir / "escalation.yaml", "queue: fincrime", "queue: fincrimes")

    error = error_of(policy_dir)

    assert error.key == "signal_rules.0.queue"
    assert "'fincrime'" in str(error) and "'topic'" in str(error)


def test_a_rule_given_twice_is_an_error_not_a_silent_override(policy_dir: Path) -> None:
    path = policy_dir / "tools.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  cancel_card: {identity: none}\n")

    error = error_of(policy_dir)

    assert "'cancel_card' is given twice" in str(error)


def test_a_policy_for_an_undeclared_tool_lists_the_declared_ones(policy_dir: Path) -> None:
    path = policy_dir / "tools.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  transfer_money: {identity: step_up}\n")

    error = error_of(policy_dir)

    assert error.key == "tools"
    assert "transfer_money" in str(error) and "declared:" in str(error)


def test_a_tool_limited_to_an_unknown_intent_is_an_error(policy_dir: Path) -> None:
    edit(
        policy_dir / "tools.yaml",
        "intents: [pin_blocked]",
        "intents: [pin_blokced]",
    )

    error = error_of(policy_dir)

    assert error.key == "tools.unblock_pin.intents"


async def test_start_up_stops_on_a_bad_policy_file(
    policy_dir: Path, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    edit(policy_dir / "tools.yaml", "confirm: true", "confirm: maybe")
    for name in ("prompts", "fixtures"):
        (tmp_path / name).symlink_to(PROJECT_ROOT / name)
    agent = ResolutionAgent(make_settings(project_root=tmp_path))

    with pytest.raises(DataFileError) as caught:
        await agent.__aenter__()

    assert caught.value.path == policy_dir / "tools.yaml"
    assert caught.value.key == "tools.unfreeze_card.confirm"


UNFREEZE_LABEL = 'customer_label: "unfreezing your card"'


def test_an_intent_without_a_customer_label_does_not_load(policy_dir: Path) -> None:
    edit(policy_dir / "intents.yaml", f"    {UNFREEZE_LABEL}\n", "")

    error = error_of(policy_dir)

    assert error.path == policy_dir / "intents.yaml"
    assert error.key == "intents.unfreeze_card.customer_label"
    assert "required" in error.problem.lower()


def test_an_empty_cop_label_does_not_load(policy_dir: Path) -> None:
    edit(policy_dir / "intents.yaml", 'cop_label: "wants the card unfrozen"', 'cop_label: " "')

    error = error_of(policy_dir)

    assert error.key == "intents.unfreeze_card.cop_label"
    assert "is empty" in str(error)


@pytest.mark.parametrize(
    "wording",
    [
        "Customer's frozen card has turned up and they want it unfrozen",
        "customer asks to unfreeze their card",
        "unfreezing your card (our own intent)",
        "unfreezing your card.",
    ],
)
def test_developer_wording_in_a_label_does_not_load(policy_dir: Path, wording: str) -> None:
    edit(policy_dir / "intents.yaml", UNFREEZE_LABEL, f'customer_label: "{wording}"')

    error = error_of(policy_dir)

    assert (error.path, error.key) == (
        policy_dir / "intents.yaml",
        "intents.unfreeze_card.customer_label",
    )
    assert "reads as a note for developers" in str(error)


def test_a_label_copied_from_the_description_does_not_load(policy_dir: Path) -> None:
    edit(
        policy_dir / "intents.yaml",
        'cop_label: "card payment declined"',
        'cop_label: "a card payment was declined"',
    )

    error = error_of(policy_dir)

    assert error.key == "intents.declined_card_payment.cop_label"
    assert "is the developers' description" in str(error)
