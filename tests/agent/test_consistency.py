"""Start-up refuses data files that name what does not exist, saying which file and key."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.consistency import (
    ArticleCitation,
    check_consistency,
    check_startup,
    help_centre,
)
from resolution_agent.agent.errors import ConfigurationError, DataFileError
from resolution_agent.agent.helpcentre import Article, load_articles
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.templates import Templates

POLICIES = PROJECT_ROOT / "policies"
PROMPTS = PROJECT_ROOT / "prompts"
HELP = PROJECT_ROOT / "fixtures" / "help"


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / folder.name))


def check(
    policies_dir: Path = POLICIES,
    prompts_dir: Path = PROMPTS,
    articles: list[Article] | None = None,
    citations: list[ArticleCitation] | None = None,
) -> None:
    check_consistency(
        load_policies(policies_dir),
        Templates(prompts_dir),
        load_articles(HELP) if articles is None else articles,
        policies_dir=policies_dir,
        prompts_dir=prompts_dir,
        citations=citations,
    )


def test_shipped_policies_prompts_and_help_centre_are_consistent() -> None:
    check_startup(Settings(), load_policies(POLICIES), Templates(PROMPTS))


def test_unknown_procedure_names_the_intent_and_the_known_procedures(tmp_path: Path) -> None:
    policies_dir = copy_of(POLICIES, tmp_path)
    intents = policies_dir / "intents.yaml"
    text = intents.read_text(encoding="utf-8")
    # The first intent run by this procedure is card_arrival.
    intents.write_text(text.replace("procedure: card_delivery\n", "procedure: card_delivry\n", 1))

    with pytest.raises(DataFileError, match="unknown procedure 'card_delivry'") as raised:
        check(policies_dir=policies_dir)

    assert raised.value.path == intents
    assert raised.value.key == "intents.card_arrival.procedure"
    assert "card_delivery" in raised.value.problem  # what may be written instead


def test_a_stale_procedure_name_in_understanding_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "resolution_agent.agent.consistency.RECORD_PER_INTENT", frozenset({"card_payment_stat"})
    )

    with pytest.raises(ConfigurationError, match="card_payment_stat") as raised:
        check(policies_dir=copy_of(POLICIES, tmp_path))

    assert "card_payment_status" in str(raised.value)  # what may be written instead


def test_a_stale_intent_name_in_the_signals_tie_break_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "resolution_agent.agent.consistency.SIGNAL_INTENTS", {"scam": "scam_reported"}
    )

    with pytest.raises(ConfigurationError, match="scam_reported"):
        check(policies_dir=copy_of(POLICIES, tmp_path))


def test_a_detected_signal_without_a_rule_is_named(tmp_path: Path) -> None:
    policies_dir = copy_of(POLICIES, tmp_path)
    escalation = policies_dir / "escalation.yaml"
    text = escalation.read_text(encoding="utf-8")
    start = text.index("  - id: ESC-STAFF-ONLY-RECALL")
    end = text.index("  - id:", start + 1)
    escalation.write_text(text[:start] + text[end:], encoding="utf-8")

    with pytest.raises(DataFileError, match="payment_recall") as raised:
        check(policies_dir=policies_dir)

    assert raised.value.path == escalation
    assert raised.value.key == "signal_rules"


def _without_confirm_part(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    template.write_text(text[text.index("{% block done %}") :], encoding="utf-8")


@pytest.mark.parametrize(
    "remove", [_without_confirm_part, Path.unlink], ids=["part-missing", "file-missing"]
)
def test_confirmed_tool_without_its_question_names_tool_and_template(
    tmp_path: Path, remove: Callable[[Path], None]
) -> None:
    prompts_dir = copy_of(PROMPTS, tmp_path)
    remove(prompts_dir / "tools" / "cancel_card.j2")

    with pytest.raises(
        DataFileError, match=r"block confirm of .*tools/cancel_card\.j2, is missing"
    ) as raised:
        check(prompts_dir=prompts_dir)

    assert raised.value.path == Path("policies/tools.yaml")
    assert raised.value.key == "tools.cancel_card.confirm"
    assert "set confirm: false" in raised.value.problem


def test_article_cited_by_a_procedure_but_missing_from_the_help_centre_is_named() -> None:
    articles = [a for a in load_articles(HELP) if a.id != "pin-blocked"]

    with pytest.raises(DataFileError, match="'pin-blocked', which does not exist") as raised:
        check(articles=articles)

    assert raised.value.path == Path("agent/planning/procedures.py")
    assert raised.value.key is not None
    assert raised.value.key.startswith("pin_unblock.cite (line ")


def test_help_centre_link_to_a_missing_article_in_a_template_is_named(tmp_path: Path) -> None:
    prompts_dir = copy_of(PROMPTS, tmp_path)
    template = prompts_dir / "replies" / "greeting.j2"
    template.write_text(
        template.read_text(encoding="utf-8")
        + "\nSee https://help.kestrelbank.co.uk/a/lost-or-stolen-cards\n"
    )

    with pytest.raises(DataFileError, match="'lost-or-stolen-cards'") as raised:
        check(prompts_dir=prompts_dir)

    assert raised.value.path == template
    assert raised.value.key is not None
    assert raised.value.key.startswith("line ")


def test_links_to_existing_articles_pass(tmp_path: Path) -> None:
    prompts_dir = copy_of(PROMPTS, tmp_path)
    template = prompts_dir / "replies" / "greeting.j2"
    template.write_text("See https://help.kestrelbank.co.uk/a/lost-or-stolen-card\n")

    check(prompts_dir=prompts_dir)


def test_help_centre_is_parsed_again_after_an_article_changes(tmp_path: Path) -> None:
    folder = copy_of(HELP, tmp_path)
    assert help_centre(folder) == load_articles(folder)
    (folder / "pin-blocked.md").unlink()

    assert "pin-blocked" not in {a.id for a in help_centre(folder)}


async def test_agent_start_fails_on_an_unknown_procedure(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    copy_of(POLICIES, root)
    (root / "prompts").symlink_to(PROMPTS)
    (root / "fixtures").symlink_to(PROJECT_ROOT / "fixtures")
    intents = root / "policies" / "intents.yaml"
    text = intents.read_text(encoding="utf-8")
    intents.write_text(text.replace("procedure: pin_unblock\n", "procedure: unblock_pin\n"))
    settings = Settings(project_root=root, data_dir=tmp_path / "data", model=None)

    with pytest.raises(DataFileError, match=r"intents\.yaml.*unknown procedure 'unblock_pin'"):
        async with ResolutionAgent(settings):
            pass
