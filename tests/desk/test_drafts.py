"""Drafted first replies: the reviewed template offline, the model's when one is configured,
and every draft through the agent's output guard (a blocked one is not offered, and why)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.desk.drafts import DraftReply
from resolution_agent.agent.errors import CaseConflictError, UnknownConversationError
from resolution_agent.agent.models import ModelRequest, ModelResponse, ModelUnavailableError
from resolution_agent.agent.planning.llm import LLMPlanner
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.testing import ScriptedModel, text_response
from tests.desk.cases import (
    BEREAVEMENT_OPEN,
    COMPLAINT_CLOSED,
    SCAM_OPEN,
    desk_with_history,
    settings,
)

MODEL_DRAFT = (
    "Hello, this is our fraud and scams team at Kestrel. We have your case and have read your "
    "conversation, so there is no need to repeat anything. Please don't move any money."
)
REFUND_DRAFT = "Hello, we'll refund the money you lost today, no need to worry."


async def test_offline_a_case_gets_its_queue_template_signed_by_the_team(tmp_path: Path) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
        scam = await agent.draft_reply(SCAM_OPEN)
        bereavement = await agent.draft_reply(BEREAVEMENT_OPEN)

    assert (scam.source, scam.template, scam.withheld) == (
        "template",
        "drafts/queues/fincrime.j2",
        [],
    )
    assert scam.text is not None
    assert scam.text.startswith("Hello, this is our fraud and scams team at Kestrel.")
    assert "safe account" in scam.text
    assert bereavement.template == "drafts/queues/vulnerable_customers.j2"
    assert bereavement.text is not None and "our specialist support team" in bereavement.text


async def test_a_closed_or_unknown_case_has_no_draft(tmp_path: Path) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
        with pytest.raises(CaseConflictError, match="is closed: there is no reply to draft"):
            await agent.draft_reply(COMPLAINT_CLOSED)
        with pytest.raises(UnknownConversationError):
            await agent.draft_reply("conv-nobody")


async def _draft_with(tmp_path: Path, model: ScriptedModel) -> DraftReply:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
    # the same desk, opened again with a model configured (as after a deploy that adds one)
    async with ResolutionAgent(settings(tmp_path), planner=LLMPlanner(model, retry=None)) as agent:
        return await agent.draft_reply(SCAM_OPEN)


async def test_with_a_model_configured_the_model_writes_the_draft(
    tmp_path: Path, scripted: Callable[..., ScriptedModel]
) -> None:
    seen: list[str] = []

    def answer(request: ModelRequest) -> ModelResponse:
        seen.append(request.model_dump_json())
        return text_response(MODEL_DRAFT)

    model = scripted([answer])
    draft = await _draft_with(tmp_path, model)
    assert draft.source == "model"
    assert draft.text == MODEL_DRAFT
    assert "fraud and scams team" in seen[0]  # the system prompt names the team
    assert "safe account" in seen[0]  # the summary is what the model reads


async def test_a_model_draft_the_output_guard_blocks_is_withheld_and_the_template_offered(
    tmp_path: Path, scripted: Callable[..., ScriptedModel]
) -> None:
    draft = await _draft_with(tmp_path, scripted([text_response(REFUND_DRAFT)]))
    assert draft.source == "template"
    [withheld] = draft.withheld
    assert (withheld.source, withheld.rule_id) == ("model", "OUT-UNBACKED-PROMISE")
    assert "promises money back" in withheld.reason


async def test_a_model_that_fails_leaves_the_template_draft(
    tmp_path: Path, scripted: Callable[..., ScriptedModel]
) -> None:
    draft = await _draft_with(tmp_path, scripted([ModelUnavailableError("down")]))
    assert draft.source == "template"
    assert [w.rule_id for w in draft.withheld] == ["DRAFT-MODEL-FAILED"]


async def test_a_template_the_guard_blocks_is_not_offered_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "project"  # the project with one reviewed template gone wrong
    shutil.copytree(PROJECT_ROOT / "prompts", root / "prompts")
    for folder in ("policies", "fixtures"):
        (root / folder).symlink_to(PROJECT_ROOT / folder)
    (root / "prompts" / "drafts" / "queues" / "fincrime.j2").write_text(
        "Hello, we'll refund everything you lost today."
    )
    changed = settings(tmp_path / "data").model_copy(update={"project_root": root})
    async with ResolutionAgent(changed) as agent:
        await desk_with_history(agent)
        draft = await agent.draft_reply(SCAM_OPEN)

    assert (draft.text, draft.source) == (None, None)
    assert [(w.source, w.rule_id) for w in draft.withheld] == [("template", "OUT-UNBACKED-PROMISE")]
