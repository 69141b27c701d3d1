"""The pick among likely intents on the real SDK clients, answered with recorded bodies.

The request must carry the answer's schema (an enum of the candidates and ``none``) and force
the ``choose_intent`` call in each provider's own way; the recorded answer must come back as
the pick, counted in the turn's usage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import respx

from resolution_agent.agent.models import Model
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm import LLMPlanner
from resolution_agent.agent.planning.llm._choose import choice_model
from tests.llm.states import customer_state
from tests.llm.wire import ANTHROPIC_URL, OPENAI_URL, body, recorded

TEXT = "I can't find my card anywhere"
CANDIDATES = ("card_arrival", "lost_or_stolen_card", "card_swallowed")
SCHEMA = {
    "additionalProperties": False,
    "properties": {
        "intent": {
            "description": choice_model(CANDIDATES).model_fields["intent"].description,
            "enum": ["card_arrival", "lost_or_stolen_card", "card_swallowed", "none"],
            "type": "string",
        }
    },
    "required": ["intent"],
    "type": "object",
}


async def _pick(model: Model, ctx: PlanningContext) -> tuple[str | None, LLMPlanner]:
    planner = LLMPlanner(model, retry=None)
    state = customer_state(TEXT, intent="card_arrival", confidence=0.45)
    return await planner.choose_intent(state, CANDIDATES, ctx), planner


def _tool(sent: dict[str, Any], key: str) -> dict[str, Any]:
    [tool] = sent["tools"]
    assert isinstance(tool, dict)
    return tool if key == "anthropic" else tool["function"]


@pytest.mark.parametrize(
    ("spec", "url", "tokens"),
    [
        ("openai:gpt-4.1-mini", OPENAI_URL, (236, 8)),
        ("anthropic:claude-sonnet-4-6", ANTHROPIC_URL, (655, 41)),
    ],
)
async def test_the_request_forces_the_schema_and_the_recorded_answer_is_the_pick(
    router: respx.Router,
    wire_model: Callable[[str], Model],
    ctx: PlanningContext,
    spec: str,
    url: str,
    tokens: tuple[int, int],
) -> None:
    provider = spec.partition(":")[0]
    route = router.post(url).respond(json=recorded(f"{provider}/choose_intent.json"))

    chosen, planner = await _pick(wire_model(spec), ctx)

    assert chosen == "lost_or_stolen_card"
    sent = body(route.calls.last.request)
    tool = _tool(sent, provider)
    assert tool["name"] == "choose_intent"
    if provider == "openai":
        assert tool["parameters"] == SCHEMA
        assert sent["tool_choice"] == {"type": "function", "function": {"name": "choose_intent"}}
        assert sent["messages"][1] == {"role": "user", "content": TEXT}
        assert sent["max_completion_tokens"] == 64
        system = sent["messages"][0]["content"]
    else:
        assert tool["input_schema"] == SCHEMA
        assert sent["tool_choice"] == {"type": "tool", "name": "choose_intent"}
        assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": TEXT}]}]
        assert sent["max_tokens"] == 64
        system = sent["system"]
    assert "temperature" not in sent  # anthropic 2.x takes none; the enum narrows enough
    for intent in CANDIDATES:
        label = ctx.policies.intent(intent).customer_label
        assert f"- {intent}: " in system and f'"{label}"' in system
    usage = planner.turn_usage("conv-1", 1)
    assert (usage.calls, usage.input_tokens, usage.output_tokens) == (1, *tokens)


async def test_a_recorded_answer_outside_the_candidates_is_no_pick(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    answer = recorded("openai/choose_intent.json")
    function = answer["choices"][0]["message"]["tool_calls"][0]["function"]
    function["arguments"] = '{"intent":"card_linking"}'
    router.post(OPENAI_URL).respond(json=answer)

    chosen, planner = await _pick(wire_model("openai:gpt-4.1-mini"), ctx)

    assert chosen is None
    assert planner.turn_usage("conv-1", 1).calls == 1


async def test_a_provider_error_is_no_pick(
    router: respx.Router, wire_model: Callable[[str], Model], ctx: PlanningContext
) -> None:
    router.post(ANTHROPIC_URL).respond(529, json=recorded("anthropic/overloaded.json"))

    chosen, planner = await _pick(wire_model("anthropic:claude-sonnet-4-6"), ctx)

    assert chosen is None
    usage = planner.turn_usage("conv-1", 1)
    assert (usage.calls, usage.failed_calls) == (0, 1)
