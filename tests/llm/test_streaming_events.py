"""Streaming a turn: model text deltas and graph events, as ``agent.stream`` will yield them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig, agent_events
from resolution_agent.agent.planning.llm.streaming import (
    HandedOffEvent,
    TextDeltaEvent,
    ToolFinishedEvent,
    ToolHeldEvent,
    ToolStartedEvent,
)
from resolution_agent.agent.testing import ScriptedModel, call, text_response, tool_response

STREAMING = LLMPlannerConfig(fast_path=False, stream_text=True)
LOST = "I've lost my card, I think I left it on the bus"


async def _stream(agent: Any, conversation_id: str, text: str) -> list[Any]:
    # What agent.stream(...) will do inside the API: the same input as handle_message, through
    # astream with the "updates" and "custom" modes.
    graph, _ = agent._require()
    chunks = graph.astream(
        {
            "incoming": text,
            "inbound_identity": "app_authenticated",
            "conversation_id": conversation_id,
            "customer_id": "cus_1001",
        },
        {"configurable": {"thread_id": conversation_id}},
        stream_mode=["updates", "custom"],
    )
    return [event async for event in agent_events(chunks)]


async def test_a_turn_streams_tool_events_then_the_reply_text(
    scripted: Callable[..., ScriptedModel], open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("freeze_card", card_id="card_1001a")),
            text_response("I've frozen your card ending 4821."),
        ]
    )
    async with open_agent(LLMPlanner(model, config=STREAMING)) as agent:
        events = await _stream(agent, "c-1", LOST)

    kinds = [type(e) for e in events]
    assert kinds[:4] == [ToolStartedEvent, ToolFinishedEvent, ToolStartedEvent, ToolFinishedEvent]
    assert [e.tool for e in events[:4]] == ["list_cards"] * 2 + ["freeze_card"] * 2
    deltas = [e.text for e in events if isinstance(e, TextDeltaEvent)]
    assert "".join(deltas) == "I've frozen your card ending 4821."
    assert len(deltas) > 1


async def test_held_and_handed_off_turns_stream_those_events(
    scripted: Callable[..., ScriptedModel], open_agent: Any
) -> None:
    model = scripted([tool_response(call("freeze_card", card_id="card_1002a"))])
    async with open_agent(LLMPlanner(model, config=STREAMING)) as agent:
        events = await _stream(agent, "c-1", LOST)

    assert events == [
        ToolHeldEvent(tool="freeze_card", verdict="block", rule_id="OWN-RECORD"),
        HandedOffEvent(queue="cards", priority="normal", rule_id="ESC-GUARD-BLOCK"),
    ]


async def test_without_a_stream_consumer_the_planner_still_answers(
    scripted: Callable[..., ScriptedModel], open_agent: Any
) -> None:
    model = scripted([text_response("We use the Visa rate.")])
    async with open_agent(LLMPlanner(model, config=STREAMING)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    assert reply.text == "We use the Visa rate."


async def test_the_preview_never_shows_what_the_output_guard_would_stop(
    scripted: Callable[..., ScriptedModel], open_agent: Any
) -> None:
    # The finding: the streamed preview showed a full card number while the final reply was
    # replaced. The preview is screened as it grows (agent.guards.output.PreviewScreen).
    model = scripted(
        [text_response("Sure. Your card number is 4539 1488 0343 6467, keep it safe.")]
    )
    async with open_agent(LLMPlanner(model, config=STREAMING)) as agent:
        events = await _stream(agent, "c-1", "what is my card number?")

    shown = "".join(e.text for e in events if isinstance(e, TextDeltaEvent))
    assert shown.startswith("Sure.")
    for piece in ("4539", "1488", "0343", "6467", "keep it safe"):
        assert piece not in shown
