"""The LLM planner: the model proposes, the guards decide, budgets and fallbacks keep it safe.

Each plan step: policy mechanics (guard verdicts, bank failures, step-up, confirmed actions)
go to the offline planner's generic flows; a confident intent with a procedure takes the fast
path (offline, no model call); queued calls of a parallel answer are proposed in order;
otherwise the model is asked. Its answer becomes a tool proposal, a reply or an escalation.
An invalid tool call is returned to the model once; a second one, a refusal or garbage falls
back. A model that fails after its retries hands over to the next model of the chain, then
to the offline planner for intents it knows, then to a person.

Before a clarifying question, :meth:`LLMPlanner.choose_intent` asks the model to pick among
the classifier's likeliest intents (``_choose``), within the same budgets.

A turn's model time is bounded by ``turn_model_budget_s``: a call is cut off when the turn's
time runs out, and a spent budget falls back exactly as an unavailable model does (offline
planner, else ESC-LLM-BUDGET-TIME). Without it a turn could wait calls x deadline (8 x 60 s)
on a model that answers slowly on purpose.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence

import structlog

from resolution_agent.agent.guards.output import PreviewScreen
from resolution_agent.agent.models import (
    Model,
    ModelError,
    ModelRequest,
    ModelResponse,
    ModelRetryPolicy,
    RequestMeta,
    RetryingModel,
    StreamDone,
    StreamEvent,
    TextDelta,
    ToolResultMessage,
    collect,
)
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm._choose import choice_request, read_choice
from resolution_agent.agent.planning.llm._config import LLMPlannerConfig
from resolution_agent.agent.planning.llm._escalations import Cause, escalate, model_handoff
from resolution_agent.agent.planning.llm._interpret import (
    Calls,
    Handoff,
    Invalid,
    ModelText,
    interpret,
)
from resolution_agent.agent.planning.llm._mechanics import fast_path, mechanics_due, offline_knows
from resolution_agent.agent.planning.llm._memory import Memories, TurnMemory
from resolution_agent.agent.planning.llm._prompt import history, system_prompt
from resolution_agent.agent.planning.llm._reply import build_reply
from resolution_agent.agent.planning.llm._tools import offered_specs, tool_definitions
from resolution_agent.agent.planning.llm._usage import ConversationUsage, Ledger, PriceTable, Usage
from resolution_agent.agent.planning.llm.streaming import TextSink, text_sink
from resolution_agent.agent.planning.offline import OfflinePlanner
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ConversationState, Proposal, ProposeTool

log = structlog.get_logger("resolution_agent.agent.planning.llm")

DEFAULT_RETRY = ModelRetryPolicy()


class LLMPlanner:
    name = "llm"

    def __init__(
        self,
        model: Model,
        *,
        fallbacks: Sequence[Model] = (),
        config: LLMPlannerConfig | None = None,
        retry: ModelRetryPolicy | None = DEFAULT_RETRY,
        offline: OfflinePlanner | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``retry`` wraps every model of the chain (None: no retries, e.g. for scripted models)."""
        chain: list[Model] = [model, *fallbacks]
        self._chain: list[Model] = [RetryingModel(m, retry) if retry else m for m in chain]
        self._config = config or LLMPlannerConfig()
        self._offline = offline or OfflinePlanner()
        self._prices = PriceTable(dict(self._config.prices))
        self._ledger = Ledger()
        self._memories = Memories()
        self._down_until: dict[str, float] = {}
        self._clock = clock

    @property
    def models(self) -> list[str]:
        return [m.name for m in self._chain]

    @property
    def draft_model(self) -> Model:
        """The first model of the chain (with its retries), for a one-off ask outside a turn:
        the reply drafted for a COp (``agent.desk.drafts``)."""
        return self._chain[0]

    def usage(self, conversation_id: str) -> ConversationUsage:
        """Tokens, cost, model time and calls of a conversation, in total and by turn."""
        return self._ledger.conversation(conversation_id)

    def turn_usage(self, conversation_id: str, turn: int) -> Usage:
        return self._ledger.turn(conversation_id, turn)

    async def aclose(self) -> None:
        for model in self._chain:
            await model.aclose()

    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        memory = self._memories.of(state.conversation_id, state.turn)
        if mechanics_due(state):
            memory.queued.clear()
            return await self._offline.plan(state, ctx)
        if memory.offline:
            return await self._offline.plan(state, ctx)
        if self._config.fast_path and fast_path(state, ctx, self._config.fast_path_confidence):
            log.debug("llm_fast_path", intent=state.active_intent)
            return await self._offline.plan(state, ctx)
        ran = [a.call for a in state.turn_actions()]
        while memory.queued:
            queued = memory.queued.pop(0)
            if queued not in ran:
                return ProposeTool(call=queued)
        return await self._ask(state, ctx, memory)

    async def _ask(
        self, state: ConversationState, ctx: PlanningContext, memory: TurnMemory
    ) -> Proposal:
        specs = offered_specs(ctx.policies, state.active_intent)
        offered = {s.name for s in specs}
        ran = [a.call for a in state.turn_actions()]
        request = ModelRequest(
            system=system_prompt(state, ctx, self._config.tool_result_chars),
            messages=history(state, self._config.history_messages),
            tools=tool_definitions(specs),
            max_output_tokens=self._config.max_output_tokens,
            temperature=self._config.temperature,
        )
        answer = await self._answer(request, state, ctx, memory)
        if not isinstance(answer, ModelResponse):
            return answer
        verdict = interpret(answer, offered, ran)
        if isinstance(verdict, Invalid):
            log.info("llm_invalid_call", problems=verdict.summary())
            corrections = [
                ToolResultMessage(
                    call_id=p.part.id,
                    name=p.part.name,
                    content=ctx.templates.render(
                        "llm/invalid_call.j2" if p.message else "llm/not_run.j2",
                        tool=p.part.name,
                        problem=p.message or "",
                    ),
                    is_error=True,
                )
                for p in verdict.problems
            ]
            request = request.followed_by(answer.as_message(), *corrections)
            answer = await self._answer(request, state, ctx, memory)
            if not isinstance(answer, ModelResponse):
                return answer
            verdict = interpret(answer, offered, ran)
            if isinstance(verdict, Invalid):
                return await self._fall_back(
                    "unusable", state, ctx, memory, f"invalid tool calls: {verdict.summary()}"
                )
        if isinstance(verdict, Calls):
            memory.queued = verdict.calls[1:]
            return ProposeTool(call=verdict.calls[0])
        if isinstance(verdict, ModelText):
            return build_reply(verdict.text, state)
        if isinstance(verdict, Handoff):
            return model_handoff(state, ctx, verdict.reason, verdict.narrative)
        return await self._fall_back("unusable", state, ctx, memory, f"answer: {verdict.reason}")

    async def _answer(
        self,
        request: ModelRequest,
        state: ConversationState,
        ctx: PlanningContext,
        memory: TurnMemory,
    ) -> ModelResponse | Proposal:
        """One model answer within the budgets, or what to do instead."""
        spent = self._spent(state)
        if spent is not None:
            cause, detail = spent
            if cause == "budget_time":
                return await self._fall_back(cause, state, ctx, memory, detail)
            return escalate(cause, state, ctx, detail)
        response = await self._complete(self._numbered(request, state), state, ctx.policies)
        if response is None and self._time_left(state) <= 0:
            spent_ms = self._ledger.turn(state.conversation_id, state.turn).model_ms
            return await self._fall_back(
                "budget_time", state, ctx, memory, f"{spent_ms:.0f} ms of model time spent"
            )
        if response is None:
            return await self._fall_back(
                "unavailable", state, ctx, memory, f"no model answered: {', '.join(self.models)}"
            )
        return response

    async def choose_intent(
        self, state: ConversationState, candidates: Sequence[str], ctx: PlanningContext
    ) -> str | None:
        """The one of ``candidates`` the model picks for the customer's message, else None.

        A model call of the turn like any other: counted in its calls, tokens and model time,
        and not made when those budgets are spent. A model that fails (after its retries and
        the fallback chain), takes longer than ``choice_timeout_s``, or answers with anything
        but one of the candidates is no pick: the customer is asked instead.
        """
        spent = self._spent(state)
        if spent is not None:
            log.info("intent_choice_skipped", cause=spent[0])
            return None
        options = tuple(candidates)
        request = self._numbered(choice_request(state.episode_text, options, ctx), state)
        response = await self._complete(
            request, state, ctx.policies, preview=False, limit_s=self._config.choice_timeout_s
        )
        return None if response is None else read_choice(response, options)

    def _spent(self, state: ConversationState) -> tuple[Cause, str] | None:
        """The turn's or the conversation's model budget that is spent, with what was spent."""
        turn = self._ledger.turn(state.conversation_id, state.turn)
        total = self._ledger.conversation(state.conversation_id).total
        calls = turn.calls + turn.failed_calls
        if calls >= self._config.max_calls_per_turn:
            return "budget_calls", f"{calls} model calls this turn"
        if total.tokens >= self._config.max_tokens_per_conversation:
            return "budget_tokens", f"{total.tokens} tokens used"
        if self._time_left(state) <= 0:
            return "budget_time", f"{turn.model_ms:.0f} ms of model time spent"
        return None

    def _numbered(self, request: ModelRequest, state: ConversationState) -> ModelRequest:
        """The request with its place among the turn's model calls."""
        turn = self._ledger.turn(state.conversation_id, state.turn)
        call = turn.calls + turn.failed_calls + 1
        meta = RequestMeta(conversation_id=state.conversation_id, turn=state.turn, call=call)
        return request.model_copy(update={"meta": meta})

    def _time_left(self, state: ConversationState) -> float:
        """Seconds of the turn's model-time budget not yet spent."""
        spent_ms = self._ledger.turn(state.conversation_id, state.turn).model_ms
        return self._config.turn_model_budget_s - spent_ms / 1000

    async def _complete(
        self,
        request: ModelRequest,
        state: ConversationState,
        policies: Policies,
        *,
        preview: bool = True,
        limit_s: float | None = None,
    ) -> ModelResponse | None:
        """The first answer along the chain, skipping models that failed recently.

        ``preview``: stream the answer's text to the channel when the config says so (never
        for an answer that is not a reply). ``limit_s``: stop waiting sooner than the turn's
        budget would.
        """
        for index, model in enumerate(self._chain):
            if self._down_until.get(model.name, 0.0) > self._clock():
                continue
            left = self._time_left(state)
            if left <= 0:
                return None
            allowed = left if limit_s is None else min(left, limit_s)
            started = self._clock()
            try:
                async with asyncio.timeout(allowed) as budget:
                    response = await self._invoke(model, request, policies, preview)
            except TimeoutError:
                if not budget.expired():
                    raise
                elapsed = max((self._clock() - started) * 1000, allowed * 1000)
                self._record(state, Usage(failed_calls=1, model_ms=elapsed))
                event = "model_time_budget_spent" if allowed == left else "model_call_time_limit"
                log.warning(event, model=model.name, turn=state.turn)
                return None
            except ModelError as exc:
                elapsed = (self._clock() - started) * 1000
                self._down_until[model.name] = self._clock() + self._config.unavailable_cooldown_s
                self._record(state, Usage(failed_calls=1, model_ms=elapsed))
                log.warning("model_failed", model=model.name, error=type(exc).__name__)
                continue
            elapsed = (self._clock() - started) * 1000
            self._down_until.pop(model.name, None)
            cost = self._prices.cost(model.name, response.usage)
            usage = Usage(
                calls=1,
                input_tokens=response.usage.input_tokens,
                output_tokens=response.usage.output_tokens,
                cost_usd=cost or 0.0,
                model_ms=elapsed,
                fallbacks=1 if index else 0,
                unpriced_calls=0 if cost is not None else 1,
            )
            self._record(state, usage)
            self._log_call(model.name, usage, state)
            return response
        return None

    def _log_call(self, model: str, usage: Usage, state: ConversationState) -> None:
        """One line per model call with the running turn and conversation totals, so spend can
        be followed (and alerted on) from the logs alone, without the reply metadata."""
        turn = self._ledger.turn(state.conversation_id, state.turn)
        total = self._ledger.conversation(state.conversation_id).total
        log.info(
            "model_call",
            model=model,
            turn=state.turn,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
            model_ms=round(usage.model_ms, 1),
            turn_calls=turn.calls,
            turn_tokens=turn.tokens,
            turn_cost_usd=turn.cost_usd,
            turn_model_ms=round(turn.model_ms, 1),
            conversation_calls=total.calls,
            conversation_tokens=total.tokens,
            conversation_cost_usd=total.cost_usd,
        )

    async def _invoke(
        self, model: Model, request: ModelRequest, policies: Policies, preview: bool
    ) -> ModelResponse:
        sink = text_sink() if self._config.stream_text and preview else None
        if sink is None:
            return await model.complete(request)
        return await collect(_forward(model.stream(request), sink, PreviewScreen(policies)))

    def _record(self, state: ConversationState, usage: Usage) -> None:
        self._ledger.add(state.conversation_id, state.turn, usage)

    async def _fall_back(
        self,
        cause: Cause,
        state: ConversationState,
        ctx: PlanningContext,
        memory: TurnMemory,
        detail: str,
    ) -> Proposal:
        if offline_knows(state, ctx):
            memory.offline = True
            memory.queued.clear()
            self._record(state, Usage(fallbacks=1))
            log.warning("llm_fallback_offline", cause=cause, intent=state.active_intent)
            return await self._offline.plan(state, ctx)
        log.warning("llm_fallback_escalate", cause=cause, intent=state.active_intent)
        return escalate(cause, state, ctx, detail)


async def _forward(
    events: AsyncIterator[StreamEvent], sink: TextSink, screen: PreviewScreen
) -> AsyncIterator[StreamEvent]:
    """Pass the model's text to the channel as a preview, screened (``PreviewScreen``)."""
    async for event in events:
        if isinstance(event, TextDelta):
            shown = screen.feed(event.text)
            if shown:
                sink(shown)
        elif isinstance(event, StreamDone):
            rest = screen.finish()
            if rest:
                sink(rest)
        yield event
