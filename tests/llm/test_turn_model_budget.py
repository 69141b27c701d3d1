"""A customer message may take only so much model time (issue 17, the hostile-model probe).

Before ``turn_model_budget_s`` a turn was bounded only by calls x deadline (8 x 60 s): a
model answering just under its deadline held the customer for minutes. Now a spent budget
stops the model and the turn falls back exactly as for an unavailable model. Time is a fake
clock the scripted model moves, or, for a call cut off in flight, a budget of 50 ms against
a model that takes a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from resolution_agent.agent import Settings
from resolution_agent.agent.models import ModelRequest, ModelResponse, StreamEvent
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.testing import ScriptedModel, call, text_response, tool_response
from tests.llm.states import NothingFound

Scripted = Callable[..., ScriptedModel]
LOST = "I've lost my card, I think I left it on the bus"


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def slow(clock: FakeClock, seconds: float, answer: ModelResponse) -> Callable[..., ModelResponse]:
    """A scripted step that takes ``seconds`` of the fake clock to answer."""

    def step(request: ModelRequest) -> ModelResponse:
        clock.now += seconds
        return answer

    return step


class Sluggish:
    """A model that answers only after a second: twenty times the budget its test gives it."""

    name = "test:sluggish"

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, request: ModelRequest) -> ModelResponse:
        self.calls += 1
        await asyncio.sleep(1.0)
        return text_response("We use the Visa rate.")

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        raise AssertionError("these tests do not stream")

    async def aclose(self) -> None:
        return None


def test_the_budget_is_a_setting_read_into_the_planner_config() -> None:
    assert Settings().llm_turn_model_budget_s == 90.0
    configured = LLMPlannerConfig.from_settings(Settings(llm_turn_model_budget_s=12.5))

    assert configured.turn_model_budget_s == 12.5
    assert LLMPlannerConfig().turn_model_budget_s == 90.0


async def test_a_spent_budget_hands_the_turn_to_the_offline_planner(
    scripted: Scripted, open_agent: Any
) -> None:
    clock = FakeClock()
    model = scripted(
        [
            slow(clock, 50, tool_response(call("list_cards", customer_id="cus_1001"))),
            slow(clock, 50, tool_response(call("list_accounts", customer_id="cus_1001"))),
        ]
    )  # strict: a third call would fail the test
    planner = LLMPlanner(model, config=LLMPlannerConfig(fast_path=False), clock=clock)
    async with open_agent(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", LOST)
        bank = agent.mock_bank
        assert bank is not None

        assert bank.state.cards["card_1001a"].status == "frozen"  # the offline lost-card flow

    assert len(model.requests) == 2
    usage = planner.turn_usage("c-1", 1)
    assert (usage.calls, usage.fallbacks, usage.model_ms) == (2, 1, 100_000)
    assert "freeze_card" in [a.tool for a in reply.actions]


async def test_a_call_still_running_when_the_budget_ends_is_cut_off_and_handed_off(
    open_agent: Any,
) -> None:
    model = Sluggish()
    config = LLMPlannerConfig(fast_path=False, turn_model_budget_s=0.05)
    planner = LLMPlanner(model, config=config, retry=None)
    async with open_agent(planner, NothingFound()) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "what exchange rate do you use?")

    assert model.calls == 1
    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.reasons[0].rule_id == "ESC-LLM-BUDGET-TIME"
    usage = planner.turn_usage("c-1", 1)
    assert (usage.calls, usage.failed_calls) == (0, 1)
    assert 50 <= usage.model_ms < 1000
