"""Shadow mode end to end through the API: the agent's reply waits on a case as a draft, the
customer hears a colleague will answer, a COp sends the draft (as it is, edited or replaced);
a write the agent would make waits as a proposal a COp approves or rejects; the agreement by
intent is reported by the API and ``resolve shadow-report``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.cli import app
from resolution_agent.agent.desk.shadow import DRAFT_RULE, SENT_RULE, agreement, shadow_table
from resolution_agent.agent.guards.action import SHADOW_APPROVAL
from tests.agent.conftest import bank_of, card_status
from tests.desk.cases import CLOCK

ARRIVAL = "when will my new card arrive?"
RENT = "please cancel my rent payment to Harbour Lettings"
LOST = "I can't find my card anywhere, I think I left it on the bus this morning"
HOLDING = "A colleague from our team is looking at it and will reply here shortly."
SCAM = "someone rang pretending to be from the bank and told me to move my money to a safe account"


def shadow(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, clock=CLOCK, reply_detector="off", shadow_mode=True)


async def test_the_reply_waits_on_a_case_as_a_draft_and_the_customer_is_told_a_cop_will_answer(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        reply = await agent.handle_message("conv-new", "cus_1001", ARRIVAL)
        case = await agent.get_case("conv-new")
        draft = await agent.draft_reply("conv-new")
        conversation = await agent.get_conversation("conv-new")
        events = await agent.audit_events("conv-new")

    assert HOLDING in reply.text and reply.status == "awaiting_customer"
    assert [a.tool for a in reply.actions] == ["list_cards"]  # reads run: the draft says facts
    assert (case.status, case.queue) == ("queued", "cards")
    assert draft.source == "agent" and draft.text is not None
    assert draft.text.startswith("I can't see a card on its way to you")
    assert conversation.transcript[-1].text == reply.text  # the customer never saw the draft
    held = [e for e in events if e.rule_id == DRAFT_RULE]
    assert [e.detail["intent"] for e in held] == ["card_delivery_estimate"]


async def test_a_write_waits_as_a_proposal_until_a_cop_approves_it(tmp_path: Path) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        bank = bank_of(agent)
        reply = await agent.handle_message("conv-lost", "cus_1001", LOST)
        still_active = card_status(bank, "card_1001a")
        [proposal] = await agent.list_proposals("conv-lost")
        done = await agent.approve_proposal("conv-lost", proposal.id, "cop_amira")
        report = await agent.shadow_report()

    assert still_active == "active"  # nothing ran before a person said so
    assert reply.status == "handed_off" and reply.handoff is not None
    assert (reply.handoff.queue, [r.rule_id for r in reply.handoff.reasons]) == (
        "cards",
        ["ESC-APPROVAL"],
    )
    assert "freeze_card" not in [a.tool for a in reply.actions]
    assert (proposal.call.tool, proposal.rule_id, proposal.proposer) == (
        "freeze_card",
        SHADOW_APPROVAL,
        "agent",
    )
    assert (done.status, done.decided_by) == ("executed", "cop_amira")
    assert card_status(bank, "card_1001a") == "frozen"
    [row] = report.intents
    assert (row.intent, row.proposed, row.approved, row.rejected) == (
        "lost_or_stolen_card",
        1,
        1,
        0,
    )
    assert row.approval_rate == 1.0 and report.actions_waiting == 0


async def test_rejected_and_undecided_shadow_proposals_are_reported_and_nothing_runs(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        bank = bank_of(agent)
        for conversation_id in ("conv-no", "conv-later"):
            await agent.handle_message(conversation_id, "cus_1001", LOST)
        [proposal] = await agent.list_proposals("conv-no")
        await agent.reject_proposal("conv-no", proposal.id, "cop_amira", "customer found it")
        report = await agent.shadow_report()
        table = shadow_table(report)

    assert card_status(bank, "card_1001a") == "active"
    [row] = report.intents
    assert (row.proposed, row.approved, row.rejected, row.approval_rate) == (2, 0, 1, 0.0)
    assert report.actions_waiting == 1
    assert "actions waiting for a COp: 1" in table


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
            await agent.handle_message(conversation_id, customer_id, ARRIVAL)
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
        "card_delivery_estimate",
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
        await agent.handle_message("conv-a", "cus_1001", ARRIVAL)
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
    assert "card_delivery_estimate" in table.output and "100%" in table.output
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.output)
    assert found["agreement_rate"] == 1.0 and found["intents"][0]["unchanged"] == 1


def test_agreement_reads_words_not_spacing_or_case() -> None:
    draft = "I've frozen your card ending 4821."
    assert agreement(draft, "  i've FROZEN your card\nending 4821. ") == ("unchanged", 1.0)
    said, ratio = agreement(draft, draft + " Anything else I can help with?")
    assert said == "edited" and 0.5 <= ratio < 1
    assert agreement(draft, "Hello, Sam here from the cards team.")[0] == "replaced"


async def test_the_customers_yes_to_a_question_the_cop_sent_makes_the_call_a_proposal(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(shadow(tmp_path)) as agent:
        bank = bank_of(agent)
        await agent.handle_message("conv-rent", "cus_1001", RENT)
        question = await agent.draft_reply("conv-rent")
        assert question.text is not None and "cancel the payment of £950.00" in question.text
        await agent.claim_case("conv-rent", "cop_amira")
        await agent.cop_reply("conv-rent", "cop_amira", question.text)
        answered = await agent.handle_message("conv-rent", "cus_1001", "yes please")
        scheduled = bank.state.payments["pay_1001_01"].status
        [proposal] = await agent.list_proposals("conv-rent")
        await agent.approve_proposal("conv-rent", proposal.id, "cop_amira")

    assert "cancel_payment" not in [a.tool for a in answered.actions]
    assert answered.status == "handed_off" and scheduled == "scheduled"
    assert (proposal.call.tool, proposal.call.args) == (
        "cancel_payment",
        {"payment_id": "pay_1001_01"},
    )
    assert bank.state.payments["pay_1001_01"].status == "cancelled"
