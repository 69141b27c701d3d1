"""A deterministic stand-in for a language model: the offline engine, answering as a model would.

Used to measure the LLM planner with no network and no key (and selected by
``RESOLVE_MODEL=simulated`` for load tests of the service): the fast path's saving over the
eval suite (``benchmarks/fast_path.py``) and what an LLM run writes into the eval report. Every
model call is answered with the offline planner's next step for the very state the LLM planner
is planning, spoken in a model's terms: a tool call, a reply with ``[article-id]`` citation
markers, or ``escalate_to_human``; asked to pick among the likeliest intents, it picks none,
since the offline engine asks the customer instead. So it goes through everything a real answer
goes through (prompt rendering, interpretation, the guards, the budgets, the accounting) and
plans as well as the offline engine does, no better and no worse; it is no model of a real
model's quality.

Token counts are estimated from the text actually sent and received, at four characters a
token (the usual rule of thumb for English on these tokenisers), tool schemas included, so a
saving in tokens or cost is in proportion to the prompts that were not sent.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from pydantic import JsonValue

from resolution_agent.agent.models import (
    AssistantMessage,
    ModelRequest,
    ModelResponse,
    StreamDone,
    StreamEvent,
    TokenUsage,
    ToolCallPart,
    ToolDefinition,
    ToolResultMessage,
    to_openai_tool,
)
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm._choose import CHOOSE_TOOL_NAME, NO_CHOICE
from resolution_agent.agent.planning.llm._config import LLMPlannerConfig
from resolution_agent.agent.planning.llm._planner import LLMPlanner
from resolution_agent.agent.planning.llm._tools import ESCALATE_TOOL_NAME
from resolution_agent.agent.planning.offline import OfflinePlanner, to_proposal
from resolution_agent.agent.planning.steps import Call, Escalate
from resolution_agent.agent.state import ConversationState, Proposal, ProposeReply
from resolution_agent.tools.errors import ResolveError

__all__ = ["ENGINE_MODEL", "EngineModel", "SimulatedPlanner", "estimate_tokens"]

#: The engine's model name, and its key in a price table.
ENGINE_MODEL = "simulated:offline-engine"
_CHARS_PER_TOKEN = 4
_TOKENS_PER_CALL = 5  # a tool call's framing (id, type, name) beyond its JSON arguments


def estimate_tokens(text_chars: int) -> int:
    """Tokens for ``text_chars`` characters of English and JSON, at four characters a token."""
    return math.ceil(text_chars / _CHARS_PER_TOKEN)


class EngineModel:
    """A :class:`agent.models.Model` whose answers are the offline planner's steps.

    It must see the state the planner is planning (:meth:`observe`, which
    :class:`SimulatedPlanner` calls), since a request carries only the rendered prompt.
    """

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        name: str = ENGINE_MODEL,
        max_conversations: int = 10_000,
    ) -> None:
        self._latency_s = latency_s
        self._name = name
        self._offline = OfflinePlanner()
        self._seen: OrderedDict[str, tuple[ConversationState, PlanningContext]] = OrderedDict()
        self._max = max_conversations
        self._tool_chars: dict[tuple[str, ...], int] = {}

    @property
    def name(self) -> str:
        return self._name

    def observe(self, state: ConversationState, ctx: PlanningContext) -> None:
        """The state of the conversation the next request of ``state.conversation_id`` is for."""
        self._seen.pop(state.conversation_id, None)
        self._seen[state.conversation_id] = (state, ctx)
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)

    async def complete(self, request: ModelRequest) -> ModelResponse:
        if self._latency_s:
            await asyncio.sleep(self._latency_s)
        if request.tool_choice == CHOOSE_TOOL_NAME:
            # The offline engine asks the customer when the classifier is unsure; so the
            # engine, asked to pick among the likeliest intents, picks none of them.
            answer = self._tool(CHOOSE_TOOL_NAME, {"intent": NO_CHOICE})
            return answer.model_copy(update={"usage": self._usage(request, answer)})
        if request.meta is None or request.meta.conversation_id not in self._seen:
            raise ResolveError(
                "EngineModel answers only requests of a conversation it observed; "
                "use it through SimulatedPlanner"
            )
        state, ctx = self._seen[request.meta.conversation_id]
        answer = self._answer(state, ctx)
        return answer.model_copy(update={"usage": self._usage(request, answer)})

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        yield StreamDone(response=await self.complete(request))

    async def aclose(self) -> None:
        return None

    def _answer(self, state: ConversationState, ctx: PlanningContext) -> ModelResponse:
        step = self._offline.step(state, ctx)
        if isinstance(step, Call):
            return self._tool(step.tool, dict(step.args))
        if isinstance(step, Escalate):
            rule = ctx.policies.fallback(step.fallback)
            reason = f"{rule.reason.replace('_', ' ')}: {step.detail}"[:300]
            return self._tool(ESCALATE_TOOL_NAME, {"reason": reason})
        # Cited as a model cites, by [article-id] markers the planner turns into citations,
        # rather than with the offline reply's closing "More in our help centre" sentence.
        proposal = to_proposal(replace(step, cite=()), state, ctx)
        assert isinstance(proposal, ProposeReply)  # a Say step renders to a reply
        retrieved = {p.article_id for p in state.this_turn.retrieved}
        markers = "".join(f" [{a}]" for a in step.cite if a in retrieved)
        return ModelResponse(text=proposal.text + markers, model=self._name)

    def _tool(self, name: str, args: dict[str, JsonValue]) -> ModelResponse:
        arguments = json.dumps(args, sort_keys=True)
        call = ToolCallPart(id=f"call_{name}", name=name, arguments=arguments)
        return ModelResponse(tool_calls=[call], finish="tool_calls", model=self._name)

    def _usage(self, request: ModelRequest, answer: ModelResponse) -> TokenUsage:
        sent = len(request.system) + sum(_chars(m) for m in request.messages)
        sent += self._schema_chars(request.tools)
        received = len(answer.text) + sum(len(c.name) + len(c.arguments) for c in answer.tool_calls)
        return TokenUsage(
            input_tokens=estimate_tokens(sent),
            output_tokens=estimate_tokens(received) + _TOKENS_PER_CALL * len(answer.tool_calls),
        )

    def _schema_chars(self, tools: Sequence[ToolDefinition]) -> int:
        key = tuple(t.name for t in tools)
        if key not in self._tool_chars:
            # Measured as Chat Completions tools, the most common wire format.
            self._tool_chars[key] = sum(len(json.dumps(to_openai_tool(t))) for t in tools)
        return self._tool_chars[key]


def _chars(message: object) -> int:
    if isinstance(message, AssistantMessage):
        return len(message.text) + sum(len(c.name) + len(c.arguments) for c in message.tool_calls)
    if isinstance(message, ToolResultMessage):
        return len(message.content)
    return len(getattr(message, "text", ""))


class SimulatedPlanner(LLMPlanner):
    """The LLM planner on an :class:`EngineModel`, which it shows each state before planning.

    Everything else is the real LLM planner: fast path, budgets, fallbacks, accounting.
    """

    def __init__(
        self,
        config: LLMPlannerConfig | None = None,
        *,
        latency_s: float = 0.0,
        name: str = ENGINE_MODEL,
    ) -> None:
        self._engine = EngineModel(latency_s=latency_s, name=name)
        super().__init__(self._engine, config=config, retry=None)

    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        self._engine.observe(state, ctx)
        return await super().plan(state, ctx)
