"""With a model configured, an unsure classifier's likeliest intents go to the model first.

The model is asked one structured-output question (a forced ``choose_intent`` call whose enum
is the options the clarifying question would offer, and ``none``); its pick becomes the
intent, and anything else it does (a non-candidate, text, bad JSON, an error, a slow answer)
leaves the clarifying question as it was. The classifier is a fake that gives every message
the same unsure prediction, so the options are pinned; the model is strict and scripted.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.models import (
    ModelRequest,
    ModelResponse,
    ModelServerError,
    StreamEvent,
)
from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.planning.llm._choose import CHOOSE_TOOL_NAME
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.agent.testing import (
    ScriptedModel,
    ScriptStep,
    call,
    text_response,
    tool_response,
)

Scripted = Callable[..., ScriptedModel]
WHERE = "I can't find my card anywhere"
QUESTION = "Just to check I've understood"
# Three close guesses, so without a model the agent asks which one it is.
UNSURE = IntentPrediction(
    intent="card_arrival",
    confidence=0.45,
    alternatives=[
        IntentScore(intent="lost_or_stolen_card", score=0.40),
        IntentScore(intent="complaint", score=0.10),
        IntentScore(intent="out_of_scope", score=0.03),
    ],
    source="test",
)
CANDIDATES = ["card_arrival", "lost_or_stolen_card", "complaint"]
# After a pick the offline procedure runs (fast path), so the pick is the only model call.
PICK_ONLY = LLMPlannerConfig(fast_path_confidence=0.3)


class Unsure:
    """A classifier unsure of every message, in the same way."""

    async def classify(self, text: str) -> IntentPrediction:
        return UNSURE


def pick(intent: str, input_tokens: int = 180, output_tokens: int = 9) -> ModelResponse:
    return tool_response(
        call(CHOOSE_TOOL_NAME, intent=intent),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
    )


@pytest.fixture(scope="module")
def retriever() -> LexicalRetriever:
    return LexicalRetriever(load_articles(PROJECT_ROOT / "fixtures" / "help"))


@pytest.fixture
def agent_on(settings: Settings, retriever: LexicalRetriever) -> Callable[[LLMPlanner], Any]:
    @asynccontextmanager
    async def opened(planner: LLMPlanner) -> AsyncIterator[ResolutionAgent]:
        agent = ResolutionAgent(settings, planner=planner, retriever=retriever, classifier=Unsure())
        async with agent:
            yield agent

    return opened


async def test_an_unsure_message_is_picked_by_the_model_without_a_clarifying_question(
    scripted: Scripted, agent_on: Any
) -> None:
    model = scripted([pick("lost_or_stolen_card")])  # strict: any other call fails the test
    planner = LLMPlanner(model, config=PICK_ONLY, retry=None)
    async with agent_on(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", WHERE)
        conversation = await agent.get_conversation("c-1")
        bank = agent.mock_bank
        assert bank is not None
        assert bank.state.cards["card_1001a"].status == "frozen"  # the lost-card procedure

    assert not reply.text.startswith(QUESTION)
    assert reply.intent == conversation.first_intent == "lost_or_stolen_card"
    turn = conversation.state.this_turn
    assert turn.understanding is not None and turn.decision is not None
    assert turn.understanding.prediction.source == "model"
    assert turn.understanding.prediction.confidence == 0.40  # the classifier's own score
    assert turn.decision.rule_id == "DEC-MODEL-PICK"
    [request] = model.requests
    assert request.tool_choice == CHOOSE_TOOL_NAME
    assert [t.name for t in request.tools] == [CHOOSE_TOOL_NAME]
    assert request.tools[0].parameters["properties"]["intent"]["enum"] == [*CANDIDATES, "none"]
    assert [m.model_dump() for m in request.messages] == [{"role": "user", "text": WHERE}]
    assert request.meta is not None and request.meta.call == 1
    usage = planner.turn_usage("c-1", 1)
    assert (usage.calls, usage.input_tokens, usage.output_tokens) == (1, 180, 9)
    assert reply.usage is not None and reply.usage.calls == 1


class Slow:
    """A model that answers the pick only after a second: twenty times its time limit."""

    name = "test:slow"

    async def complete(self, request: ModelRequest) -> ModelResponse:
        await asyncio.sleep(1.0)
        return pick("lost_or_stolen_card")

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        raise AssertionError("the pick is never streamed")

    async def aclose(self) -> None:
        return None


@pytest.mark.parametrize(
    "answer",
    [
        pick("card_linking"),  # a real intent, but not one of the options
        pick("lost_or_stolen_card, probably"),
        pick("none"),
        tool_response(call(CHOOSE_TOOL_NAME, '{"intent": "lost_or_stolen_card"')),  # cut short
        tool_response(call(CHOOSE_TOOL_NAME, intent="lost_or_stolen_card", why="bus")),
        tool_response(call(CHOOSE_TOOL_NAME, intent=["lost_or_stolen_card"])),
        tool_response(
            call(CHOOSE_TOOL_NAME, intent="lost_or_stolen_card"),
            call(CHOOSE_TOOL_NAME, intent="card_arrival"),
        ),
        tool_response(call("freeze_card", card_id="card_1001a")),
        text_response(json.dumps({"intent": "lost_or_stolen_card"})),
        ModelServerError("overloaded", status=529),
    ],
    ids=[
        "not-an-option",
        "not-an-id",
        "none",
        "bad-json",
        "extra-field",
        "wrong-type",
        "two-calls",
        "another-tool",
        "text",
        "provider-error",
    ],
)
async def test_an_answer_that_is_not_a_pick_leaves_the_clarifying_question(
    scripted: Scripted, agent_on: Any, answer: ScriptStep
) -> None:
    model = scripted([answer])
    planner = LLMPlanner(model, config=PICK_ONLY, retry=None)
    async with agent_on(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", WHERE)
        conversation = await agent.get_conversation("c-1")
        bank = agent.mock_bank
        assert bank is not None
        assert bank.state.cards["card_1001a"].status == "active"

    assert reply.text.startswith(QUESTION)
    assert reply.status == "awaiting_customer"
    decision = conversation.state.this_turn.decision
    assert decision is not None and decision.rule_id == "DEC-CLARIFY"
    usage = planner.turn_usage("c-1", 1)
    assert usage.calls + usage.failed_calls == 1


async def test_a_pick_slower_than_its_time_limit_leaves_the_clarifying_question(
    agent_on: Any,
) -> None:
    planner = LLMPlanner(
        Slow(), config=PICK_ONLY.model_copy(update={"choice_timeout_s": 0.05}), retry=None
    )
    async with agent_on(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", WHERE)

    assert reply.text.startswith(QUESTION)
    usage = planner.turn_usage("c-1", 1)
    assert (usage.calls, usage.failed_calls) == (0, 1)
    assert 50 <= usage.model_ms < 1000


async def test_the_pick_counts_in_the_turns_model_call_budget(
    scripted: Scripted, agent_on: Any
) -> None:
    model = scripted([pick("card_arrival")])  # planning would be a second call: none is made
    config = LLMPlannerConfig(fast_path=False, max_calls_per_turn=1)
    planner = LLMPlanner(model, config=config, retry=None)
    async with agent_on(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", WHERE)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.reasons[0].rule_id == "ESC-LLM-BUDGET-CALLS"
    assert planner.turn_usage("c-1", 1).calls == 1


async def test_a_pick_of_an_intent_a_person_handles_is_handed_off(
    scripted: Scripted, agent_on: Any
) -> None:
    model = scripted([pick("complaint")])
    planner = LLMPlanner(model, config=PICK_ONLY, retry=None)
    async with agent_on(planner) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", WHERE)

    assert reply.status == "handed_off"
    assert reply.intent == "complaint"
    assert reply.handoff is not None
    assert reply.handoff.reasons[0].rule_id == "ESC-INTENT-COMPLAINT"


async def test_a_risk_signal_hands_off_before_the_model_is_asked(
    scripted: Scripted, agent_on: Any
) -> None:
    model = scripted([])  # strict: asking the model fails the test
    planner = LLMPlanner(model, config=PICK_ONLY, retry=None)
    async with agent_on(planner) as agent:
        reply = await agent.handle_message(
            "c-1", "cus_1001", "I think this is a scam, I can't find my card anywhere"
        )

    assert reply.status == "handed_off"
    assert model.requests == []


async def test_without_a_model_the_clarifying_question_is_asked(
    settings: Settings, retriever: LexicalRetriever
) -> None:
    async with ResolutionAgent(settings, retriever=retriever, classifier=Unsure()) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", WHERE)

    assert reply.text.startswith(QUESTION)
    assert reply.usage is None
