"""The LLM planner's handoff narrative through the real graph: kept when faithful, else dropped.

The scripted model freezes a card for real (mock bank, guards) and then hands over with a
narrative; the narrative reaches the COp (Markdown, HTML, JSON, the case store) only when
every action, amount and date in it is a fact of the summary.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.api import Reply
from resolution_agent.agent.console import render_handoff_html, render_handoff_json
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.testing import ScriptedModel, call, tool_response
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

LOST = "I've lost my card, I think I left it on the bus"
REASON = "The customer wants to talk to someone about a replacement."
Scripted = Callable[..., ScriptedModel]


@pytest.fixture
async def agent_on(tmp_path: Path) -> AsyncIterator[Callable[[ScriptedModel], ResolutionAgent]]:
    settings = Settings(data_dir=tmp_path, checkpointer="memory", clock=DEFAULT_CLOCK)
    opened: list[ResolutionAgent] = []

    def make(model: ScriptedModel) -> ResolutionAgent:
        planner = LLMPlanner(model, config=LLMPlannerConfig(fast_path=False), retry=None)
        agent = ResolutionAgent(settings, planner=planner)
        opened.append(agent)
        return agent

    yield make
    for agent in opened:
        await agent.__aexit__(None, None, None)


def freeze_then_hand_over(scripted: Scripted, narrative: str) -> ScriptedModel:
    return scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("freeze_card", card_id="card_1001a")),
            tool_response(call("escalate_to_human", reason=REASON, narrative=narrative)),
        ]
    )


async def lose_card(agent: ResolutionAgent) -> tuple[Reply, list[MutableMapping[str, Any]]]:
    """The customer's message, and what was logged (captured after start-up configured logs)."""
    async with agent:
        with capture_logs() as logs:
            reply = await agent.handle_message("c-1", "cus_1001", LOST)
        case = await agent.get_case("c-1")
    assert reply.status == "handed_off"
    assert [(a.tool, a.outcome) for a in reply.actions] == [
        ("list_cards", "succeeded"),
        ("freeze_card", "succeeded"),
    ]
    assert case.summary == reply.handoff
    return reply, logs


async def test_a_faithful_narrative_is_shown_in_markdown_html_and_json(
    scripted: Scripted, agent_on: Callable[[ScriptedModel], ResolutionAgent]
) -> None:
    narrative = (
        "Froze the card ending 4821 today after the customer left it on the <b>bus</b>. "
        "They would like to talk about a replacement."
    )
    agent = agent_on(freeze_then_hand_over(scripted, narrative))

    reply, logs = await lose_card(agent)

    summary = reply.handoff
    assert summary is not None
    assert summary.narrative == narrative
    assert not [e for e in logs if e["event"] == "handoff_narrative_dropped"]
    assert f"_Agent's note (model-written, checked against the facts below):_ {narrative}" in (
        summary.markdown
    )
    html = render_handoff_html(summary, Templates(agent.settings.prompts_dir))
    assert '<p class="narrative">' in html
    assert "left it on the &lt;b&gt;bus&lt;/b&gt;" in html
    assert json.loads(render_handoff_json(summary))["narrative"] == narrative


@pytest.mark.parametrize(
    ("narrative", "problem"),
    [
        ("Froze the card ending 4821 and refunded the customer.", "'refunded'"),
        ("Froze the card ending 4821; £45.20 went at Tesco.", "£45.20"),
        ("Froze the card ending 4821; it was lost on 3 November.", "2026-11-03"),
        ("Cancelled the card ending 4821 and ordered a new one.", "'Cancelled'"),
    ],
)
async def test_a_narrative_inventing_a_refund_amount_date_or_action_is_dropped_and_logged(
    scripted: Scripted,
    agent_on: Callable[[ScriptedModel], ResolutionAgent],
    narrative: str,
    problem: str,
) -> None:
    agent = agent_on(freeze_then_hand_over(scripted, narrative))

    reply, logs = await lose_card(agent)

    summary = reply.handoff
    assert summary is not None
    assert summary.narrative is None
    assert "Agent's note" not in summary.markdown
    assert narrative not in render_handoff_html(summary, Templates(agent.settings.prompts_dir))
    assert json.loads(render_handoff_json(summary))["narrative"] is None
    dropped = [e for e in logs if e["event"] == "handoff_narrative_dropped"]
    assert len(dropped) == 1
    assert dropped[0]["conversation_id"] == "c-1"
    assert any(problem in p for p in dropped[0]["problems"]), dropped[0]["problems"]
    # The structured facts are untouched by the dropped narrative.
    assert [r.rule_id for r in summary.reasons] == ["ESC-LLM-HANDOFF"]
    assert [(a.tool, a.outcome) for a in summary.actions][-1] == ("freeze_card", "succeeded")


async def test_a_handoff_without_a_narrative_has_none(
    scripted: Scripted, agent_on: Callable[[ScriptedModel], ResolutionAgent]
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("freeze_card", card_id="card_1001a")),
            tool_response(call("escalate_to_human", reason=REASON)),
        ]
    )

    reply, _ = await lose_card(agent_on(model))

    assert reply.handoff is not None
    assert reply.handoff.narrative is None
    assert reply.handoff.markdown.startswith("## ")
    assert "Agent's note" not in reply.handoff.markdown
