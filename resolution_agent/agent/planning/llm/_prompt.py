"""What the model is told: the system prompt (``prompts/llm/``) and the recent transcript.

The system prompt is rendered from a typed :class:`PromptContext`: a summary of the policies
(built from :class:`agent.policies.Policies`, so it cannot drift from what the guards enforce),
the customer's minimal context, the retrieved passages with their ids, and the tool results
of the current problem. Everything else the model needs is in the tool schemas.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.models import AssistantMessage, ChatMessage, UserMessage
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ConversationState
from resolution_agent.agent.vocabulary import Priority, Queue, RiskKind
from resolution_agent.tools.vocabulary import IdentityLevel

SYSTEM_TEMPLATE = "llm/system.j2"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class SignalLine(_Value):
    signal: RiskKind
    queue: Queue | str
    priority: Priority


class PolicySummary(_Value):
    confirm_tools: list[str]
    step_up_tools: list[str]
    intent_limited: dict[str, list[str]]
    amount_limits: dict[str, int]
    signals: list[SignalLine]
    escalate_intents: list[str]


class PendingLine(_Value):
    kind: str
    tool: str
    args: str


class CustomerContext(_Value):
    customer_id: str
    identity: IdentityLevel
    verified: bool
    intent: str | None
    intent_description: str
    confidence: float
    pending: PendingLine | None


class PassageLine(_Value):
    article_id: str
    title: str
    section: str
    snippet: str
    score: float


class ResultLine(_Value):
    tool: str
    args: str
    ok: bool
    data: str
    failure: str


class PromptContext(_Value):
    now: datetime
    policy: PolicySummary
    customer: CustomerContext
    passages: list[PassageLine]
    results: list[ResultLine]


def policy_summary(policies: Policies) -> PolicySummary:
    tools = policies.tools
    return PolicySummary(
        confirm_tools=sorted(n for n, p in tools.items() if p.confirm),
        step_up_tools=sorted(n for n, p in tools.items() if p.identity == "step_up"),
        intent_limited={n: list(p.intents) for n, p in sorted(tools.items()) if p.intents},
        amount_limits={
            n: p.max_amount_pence
            for n, p in sorted(tools.items())
            if p.max_amount_pence is not None
        },
        signals=[
            SignalLine(signal=r.signal, queue=r.queue, priority=r.priority)
            for r in policies.escalation.signal_rules
        ],
        escalate_intents=sorted(n for n, p in policies.intents.items() if p.handling == "escalate"),
    )


def _compact(value: object, limit: int) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 15] + "...(truncated)"


def prompt_context(
    state: ConversationState, ctx: PlanningContext, result_chars: int
) -> PromptContext:
    pending = state.pending
    intent = ctx.policies.intent(state.active_intent)
    return PromptContext(
        now=ctx.now,
        policy=policy_summary(ctx.policies),
        customer=CustomerContext(
            customer_id=state.customer_id,
            identity=state.identity,
            verified=state.verified,
            intent=state.active_intent,
            intent_description=intent.description,
            confidence=round(state.intent_confidence, 2),
            pending=PendingLine(
                kind=pending.kind, tool=pending.call.tool, args=_compact(pending.call.args, 500)
            )
            if pending is not None
            else None,
        ),
        passages=[
            PassageLine(
                article_id=p.article_id,
                title=p.title,
                section=p.section,
                snippet=p.snippet,
                score=round(p.score, 2),
            )
            for p in state.this_turn.retrieved
        ],
        results=[
            ResultLine(
                tool=a.call.tool,
                args=_compact(a.call.args, 500),
                ok=a.ok,
                data=_compact(a.result.data or {}, result_chars) if a.ok else "",
                failure=(
                    f"{a.result.failure.kind}: {a.result.failure.message}"
                    if a.result.failure
                    else ""
                ),
            )
            for a in state.episode_actions()
        ],
    )


def system_prompt(state: ConversationState, ctx: PlanningContext, result_chars: int) -> str:
    context = prompt_context(state, ctx, result_chars)
    return ctx.templates.render(SYSTEM_TEMPLATE, p=context)


def history(state: ConversationState, window: int) -> list[ChatMessage]:
    """The last ``window`` messages of the transcript, starting with the customer."""
    messages: list[ChatMessage] = []
    for message in state.transcript[-window:]:
        if message.role == "customer":
            messages.append(UserMessage(text=message.text))
        elif message.role == "agent" and messages:
            messages.append(AssistantMessage(text=message.text))
        elif message.role == "cop" and messages:
            messages.append(AssistantMessage(text=f"(a support colleague wrote) {message.text}"))
    return messages
