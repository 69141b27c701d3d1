"""Shadow mode end to end through the API: the agent's reply waits on a case as a draft, the
customer hears a colleague will answer, a COp sends the draft (as it is, edited or replaced),
and the agreement by intent is reported by the API and ``resolve shadow-report``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.cli import app
from resolution_agent.agent.desk.shadow import DRAFT_RULE, SENT_RULE, agreement
from tests.desk.cases import CLOCK

LOST = "I can't find my card anywhere, I think I left it on the bus this morning"
HOLDING = "A colleague from our team is looking at it and will reply here shortly."
SCAM = "someone rang pretending to be from the bank and told me to move my money to a safe account"


def shadow(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, clock=CLOCK, reply_detector="off", shadow_mode=True)


async def test_the_reply_waits_on_a_case_as_a_draft_and_the_customer_is_told_a_cop_will_answer(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        reply = await agent.handle_message("conv-lost", "cus_1001", LOST)
        case = await agent.get_case("conv-lost")
        draft = await agent.draft_reply("conv-lost")
        conversation = await agent.get_conversation("conv-lost")
        events = await agent.audit_events("conv-lost")

    assert HOLDING in reply.text and reply.status == "awaiting_customer"
    assert (case.status, case.queue) == ("queued", "cards")
    assert draft.source == "agent" and draft.text is not None
    assert draft.text.startswith("I've frozen your card ending 4821")
    assert conversation.transcript[-1].text == reply.text  # the customer never saw the draft
    held = [e for e in events if e.rule_id == DRAFT_RULE]
    assert [e.detail["intent"] for e in held] == ["lost_or_stolen_card"]


async def test_a_hand_off_is_sent_as_in_live_running_and_not_held(tmp_path: Path) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        reply = await agent.handle_message("conv-scam", "cus_1008", SCAM)
        events = await agent.audit_events("conv-scam")
        draft = await agent.draft_reply("conv-scam")

    assert reply.status == "handed_off" and "fraud and scams team" in reply.text
    assert DRAFT_RULE not in [e.rule_id for e in events]
    assert draft.source == "template"  # no agent draft waits: the COp gets the reviewed one


async def test_cops_sending_unchanged_edited_and_replaced_drafts_are_reported_by_intent(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        for conversation_id, customer_id in (
            ("conv-a", "cus_1001"),
            ("conv-b", "cus_1009"),
            ("conv-c", "cus_1016"),
            ("conv-d", "cus_1002"),
        ):
            await agent.handle_message(conversation_id, customer_id, LOST)
        sent: dict[str, Callable[[str], str]] = {
            "conv-a": lambda d: d,
            "conv-b": lambda d: d + " I'm sorry about the trouble.",
            "conv-c": lambda d: "Hello, this is Sam from the cards team; I'll be in touch.",
        }
        for conversation_id, write in sent.items():
            draft = await agent.draft_reply(conversation_id)
            assert draft.text is not None
            await agent.claim_case(conversation_id, "cop_sam")
            await agent.cop_reply(conversation_id, "cop_sam", write(draft.text))
        after = await agent.draft_reply("conv-a")
        report = await agent.shadow_report()
        events = await agent.audit_events("conv-c")

    [row] = report.intents
    assert (row.intent, row.sent, row.unchanged, row.edited, row.replaced) == (
        "lost_or_stolen_card",
        3,
        1,
        1,
        1,
    )
    assert row.agreement_rate == pytest.approx(1 / 3)
    assert report.waiting == 1  # conv-d's draft has not been sent
    assert after.source == "template"  # once sent, the draft is no longer offered
    [sent_event] = [e for e in events if e.rule_id == SENT_RULE]
    assert sent_event.detail["agreement"] == "replaced"
    assert "text" not in sent_event.detail  # the comparison, not a second copy of the words


async def _one_draft_sent_unchanged(data_dir: Path) -> None:
    async with ResolutionAgent(shadow(data_dir)) as agent:
        await agent.handle_message("conv-a", "cus_1001", LOST)
        draft = await agent.draft_reply("conv-a")
        assert draft.text is not None
        await agent.claim_case("conv-a", "cop_sam")
        await agent.cop_reply("conv-a", "cop_sam", draft.text)


def test_resolve_shadow_report_prints_the_table_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_one_draft_sent_unchanged(tmp_path))
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RESOLVE_REPLY_DETECTOR", "off")

    table = CliRunner().invoke(app, ["shadow-report"])
    as_json = CliRunner().invoke(app, ["shadow-report", "--json"])

    assert table.exit_code == 0, table.output
    assert "lost_or_stolen_card" in table.output and "100%" in table.output
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.output)
    assert found["agreement_rate"] == 1.0 and found["intents"][0]["unchanged"] == 1


def test_agreement_reads_words_not_spacing_or_case() -> None:
    draft = "I've frozen your card ending 4821."
    assert agreement(draft, "  i've FROZEN your card\nending 4821. ") == ("unchanged", 1.0)
    said, ratio = agreement(draft, draft + " Anything else I can help with?")
    assert said == "edited" and 0.5 <= ratio < 1
    assert agreement(draft, "Hello, Sam here from the cards team.")[0] == "replaced"


async def test_the_customers_yes_to_a_question_the_cop_sent_confirms_the_pending_call(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        await agent.handle_message("conv-lost", "cus_1001", LOST)
        question = await agent.draft_reply("conv-lost")
        assert question.text is not None and "cancel the card ending 4821" in question.text
        await agent.claim_case("conv-lost", "cop_sam")
        await agent.cop_reply("conv-lost", "cop_sam", question.text)
        answered = await agent.handle_message("conv-lost", "cus_1001", "yes please")
        done = await agent.draft_reply("conv-lost")

    assert [a.tool for a in answered.actions] == ["cancel_card"]
    assert HOLDING in answered.text
    assert done.source == "agent" and done.text is not None
    assert done.text.startswith("I've cancelled your card ending 4821")
