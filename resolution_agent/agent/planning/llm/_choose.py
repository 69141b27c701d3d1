"""The model's pick among the classifier's likeliest intents, asked as structured output.

When the classifier is unsure, ``decide`` would ask the customer a clarifying question. With a
model configured it first asks the model one small question: the customer's message and the
two or three intents the question would offer (their ``description`` and ``customer_label``
from ``policies/intents.yaml``). The answer is a forced call of ``choose_intent``, whose one
argument is an enum of those intents and ``none``. Its schema and its validation come from one
pydantic model built for the candidates (:func:`choice_model`), so an answer naming anything
else, text instead of the call, or arguments that do not parse is no pick, and the customer is
asked as before.
"""

from __future__ import annotations

import functools
from typing import Any, Literal, cast

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from resolution_agent.agent.models import (
    ModelRequest,
    ModelResponse,
    ToolDefinition,
    UserMessage,
)
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm._tools import PseudoTool

log = structlog.get_logger("resolution_agent.agent.planning.llm")

CHOOSE_TOOL_NAME = "choose_intent"
#: The answer that picks none of the candidates: the customer is asked.
NO_CHOICE = "none"
CHOOSE_TEMPLATE = "llm/choose_intent.j2"
#: An enum value and the call around it; a long answer is not a pick anyway.
MAX_OUTPUT_TOKENS = 64


class IntentChoice(BaseModel):
    """The model's answer; :func:`choice_model` narrows ``intent`` to the candidates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: str


class Candidate(BaseModel):
    """One intent the question would offer, as the model is shown it."""

    model_config = ConfigDict(frozen=True)

    intent: str
    description: str
    label: str


@functools.lru_cache(maxsize=256)  # a few intents, three at a time: few distinct sets
def choice_model(candidates: tuple[str, ...]) -> type[IntentChoice]:
    """The answer's model for these candidates: ``intent`` is one of them or ``none``."""
    allowed = cast(Any, Literal)[(*candidates, NO_CHOICE)]
    field = Field(
        description="The id of the one problem the message is about, or none when it is not "
        "clearly about exactly one of them."
    )
    return create_model("IntentChoice", __base__=IntentChoice, intent=(allowed, field))


def choice_tool(candidates: tuple[str, ...]) -> ToolDefinition:
    """``choose_intent`` for these candidates, its schema generated from :func:`choice_model`."""
    tool = PseudoTool(
        CHOOSE_TOOL_NAME,
        "Say which one of the listed problems the customer's message is about, or none.",
        choice_model(candidates),
    )
    return ToolDefinition(
        name=tool.name, description=tool.description, parameters=tool.json_schema()
    )


def choice_request(text: str, candidates: tuple[str, ...], ctx: PlanningContext) -> ModelRequest:
    """The question: the candidates in the system prompt, the message, the forced call."""
    shown = [
        Candidate(
            intent=c,
            description=ctx.policies.intent(c).description,
            label=ctx.policies.intent(c).customer_label,
        )
        for c in candidates
    ]
    return ModelRequest(
        system=ctx.templates.render(CHOOSE_TEMPLATE, candidates=shown, tool=CHOOSE_TOOL_NAME),
        messages=[UserMessage(text=text)],
        tools=[choice_tool(candidates)],
        tool_choice=CHOOSE_TOOL_NAME,
        max_output_tokens=MAX_OUTPUT_TOKENS,
    )


def read_choice(response: ModelResponse, candidates: tuple[str, ...]) -> str | None:
    """The candidate the answer picks; None for ``none`` and for anything not a valid pick."""
    calls = [c for c in response.tool_calls if c.name == CHOOSE_TOOL_NAME]
    if len(calls) != 1 or len(response.tool_calls) != 1:
        log.info("intent_choice_unusable", problem="not one choose_intent call")
        return None
    try:
        answer = choice_model(candidates).model_validate_json(calls[0].arguments, strict=True)
    except ValidationError as exc:
        log.info("intent_choice_unusable", problem="invalid", errors=exc.error_count())
        return None
    if answer.intent == NO_CHOICE:
        log.info("intent_choice_none", candidates=list(candidates))
        return None
    log.info("intent_chosen_by_model", intent=answer.intent, candidates=list(candidates))
    return answer.intent
