"""Retries, retry-after, the scripted model's strictness and the reply's citations, in isolation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolution_agent.agent.models import (
    ModelConnectionError,
    ModelRateLimitedError,
    ModelRequest,
    ModelRequestError,
    ModelResponse,
    ModelRetryPolicy,
    ModelServerError,
    ModelUnavailableError,
    RetryingModel,
    StreamDone,
    TextDelta,
    TokenUsage,
    UserMessage,
    collect,
    retry_after_seconds,
)
from resolution_agent.agent.planning.llm import PriceTable, Usage
from resolution_agent.agent.planning.llm._interpret import Handoff, Invalid, Unusable, interpret
from resolution_agent.agent.planning.llm._reply import build_reply
from resolution_agent.agent.state import ToolCall
from resolution_agent.agent.testing import (
    ScriptedModel,
    UnexpectedModelCall,
    call,
    text_response,
    tool_response,
)
from tests.llm.states import customer_state, passage

REQUEST = ModelRequest(system="s", messages=[UserMessage(text="hi")])


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "Fri, 27 Nov 2026 10:00:30 GMT"}, 30.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_headers(headers: dict[str, str], seconds: float | None) -> None:
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert retry_after_seconds(headers, now=now) == seconds


async def test_transient_failures_are_retried_with_jittered_backoff_within_bounds() -> None:
    inner = ScriptedModel(
        [ModelConnectionError("reset"), ModelServerError("502", status=502), text_response("ok")]
    )
    sleeps = Sleeps()
    policy = ModelRetryPolicy(attempts=3, backoff_base_s=1.0, backoff_max_s=4.0)

    response = await RetryingModel(inner, policy, sleep=sleeps).complete(REQUEST)

    assert response.text == "ok"
    assert len(sleeps.waits) == 2
    assert all(0 <= w <= 4.0 for w in sleeps.waits)
    inner.assert_done()


async def test_retries_used_up_raise_model_unavailable() -> None:
    inner = ScriptedModel([ModelServerError("500", status=500)] * 2)
    model = RetryingModel(inner, ModelRetryPolicy(attempts=2, backoff_base_s=0), sleep=Sleeps())

    with pytest.raises(ModelUnavailableError, match="scripted:model unavailable"):
        await model.complete(REQUEST)
    inner.assert_done()


async def test_a_refused_request_is_not_retried() -> None:
    inner = ScriptedModel([ModelRequestError("401 bad key", status=401)])
    sleeps = Sleeps()

    with pytest.raises(ModelUnavailableError):
        await RetryingModel(inner, ModelRetryPolicy(attempts=3), sleep=sleeps).complete(REQUEST)
    assert sleeps.waits == []
    inner.assert_done()


async def test_a_retry_after_beyond_our_patience_gives_up_at_once() -> None:
    inner = ScriptedModel([ModelRateLimitedError("429", retry_after=90)])
    sleeps = Sleeps()
    policy = ModelRetryPolicy(attempts=5, max_retry_after_s=20)

    with pytest.raises(ModelUnavailableError):
        await RetryingModel(inner, policy, sleep=sleeps).complete(REQUEST)
    assert sleeps.waits == []


async def test_scripted_model_streams_its_text_and_ends_with_the_response() -> None:
    model = ScriptedModel([text_response("Your card is frozen.")])

    events = [e async for e in model.stream(REQUEST)]

    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Your card is frozen."
    assert isinstance(events[-1], StreamDone)
    model.assert_done()


async def test_scripted_model_fails_on_a_call_beyond_the_script() -> None:
    model = ScriptedModel([])

    with pytest.raises(UnexpectedModelCall):
        await collect(model.stream(REQUEST))
    with pytest.raises(UnexpectedModelCall, match="1 unexpected call"):
        model.assert_done()


def test_scripted_model_reports_unused_steps() -> None:
    with pytest.raises(AssertionError, match="1 scripted step"):
        ScriptedModel([text_response("never asked")]).assert_done()


def test_reply_cites_retrieved_passages_once_in_order_and_strips_markers() -> None:
    state = customer_state("q", passages=[passage("card-not-arrived"), passage("lost-card")])

    reply = build_reply(
        "Cards take 5 days [card-not-arrived]. Freeze it first [lost-card] [card-not-arrived]!",
        state,
    )

    assert reply.text == "Cards take 5 days. Freeze it first!"
    assert [c.article_id for c in reply.citations] == ["card-not-arrived", "lost-card"]
    assert reply.status == "resolved"


def test_reply_ending_with_a_question_waits_for_the_customer() -> None:
    reply = build_reply("Which card is it?", customer_state("q"))

    assert reply.status == "awaiting_customer"
    assert reply.slot == "question"
    assert reply.citations == []


def test_prices_by_spec_or_bare_model_name() -> None:
    table = PriceTable({"gpt-4.1-mini": (0.4, 1.6), "anthropic:claude-sonnet-4-6": (3.0, 15.0)})
    tokens = TokenUsage(input_tokens=1_000_000, output_tokens=100_000)

    assert table.cost("openai:gpt-4.1-mini", tokens) == pytest.approx(0.56)
    assert table.cost("anthropic:claude-sonnet-4-6", tokens) == pytest.approx(4.5)
    assert table.cost("openai-compatible:gpt-4.1-mini@http://h/v1", tokens) == pytest.approx(0.56)
    assert table.cost("openai:unknown", tokens) is None


def test_usage_adds_up() -> None:
    total = Usage(calls=1, input_tokens=10, cost_usd=0.1) + Usage(calls=2, output_tokens=5)

    assert (total.calls, total.tokens, total.cost_usd) == (3, 15, 0.1)


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (ModelResponse(text="   "), "empty"),
        (ModelResponse(text="Your card is", finish="length"), "truncated"),
        (ModelResponse(finish="content_filter"), "content_filter"),
        (ModelResponse(text="No.", refusal="I can't help with that."), "refusal"),
    ],
)
def test_garbage_and_refusals_are_unusable(response: ModelResponse, reason: str) -> None:
    assert interpret(response, {"list_cards"}, []) == Unusable(reason)


def test_an_escalation_among_parallel_calls_wins() -> None:
    response = tool_response(
        call("list_cards", customer_id="cus_1001"),
        call("escalate_to_human", reason="The customer reports a scam."),
    )

    assert interpret(response, {"list_cards"}, []) == Handoff("The customer reports a scam.")


def test_a_call_that_already_ran_this_turn_goes_back_to_the_model() -> None:
    ran = [ToolCall(tool="list_cards", args={"customer_id": "cus_1001"})]
    response = tool_response(call("list_cards", customer_id="cus_1001"))

    verdict = interpret(response, {"list_cards"}, ran)

    assert isinstance(verdict, Invalid)
    assert "already ran this turn" in verdict.summary()
