"""Judge a model's answer: tool calls to propose, a reply, an escalation, or a problem.

Tool calls are checked here before they become proposals: the JSON must parse, the tool must
be one that was offered, the arguments must validate against the tool's argument model, and
the same call must not already have run this turn. A problem is returned to the model once,
as a tool result it can correct; the action guard still checks whatever passes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, JsonValue, ValidationError

from resolution_agent.agent.models import ModelResponse, ToolCallPart
from resolution_agent.agent.planning.llm._tools import (
    ESCALATE_TOOL,
    ESCALATE_TOOL_NAME,
    EscalateArgs,
)
from resolution_agent.agent.state import ToolCall
from resolution_agent.tools.declarations import TOOLS_BY_NAME


@dataclass(frozen=True, slots=True)
class Calls:
    calls: list[ToolCall]


@dataclass(frozen=True, slots=True)
class ModelText:
    text: str


@dataclass(frozen=True, slots=True)
class Handoff:
    reason: str
    narrative: str | None = None  # checked against the facts when the summary is built


@dataclass(frozen=True, slots=True)
class Problem:
    part: ToolCallPart
    message: str | None  # None: this call was fine, another one in the answer was not


@dataclass(frozen=True, slots=True)
class Invalid:
    problems: list[Problem]

    def summary(self) -> str:
        return "; ".join(f"{p.part.name}: {p.message}" for p in self.problems if p.message)


@dataclass(frozen=True, slots=True)
class Unusable:
    reason: str  # refusal | content_filter | truncated | empty


Interpretation = Calls | ModelText | Handoff | Invalid | Unusable


def interpret(response: ModelResponse, offered: set[str], ran: list[ToolCall]) -> Interpretation:
    if response.finish == "refusal" or response.refusal:
        return Unusable("refusal")
    if response.finish == "content_filter":
        return Unusable("content_filter")
    if response.tool_calls:
        return _calls(response.tool_calls, offered, ran)
    if response.finish == "length":
        return Unusable("truncated")
    text = response.text.strip()
    return ModelText(text) if text else Unusable("empty")


def _calls(parts: list[ToolCallPart], offered: set[str], ran: list[ToolCall]) -> Interpretation:
    for part in parts:
        if part.name == ESCALATE_TOOL_NAME:
            args, problem = _arguments(part, EscalateArgs)
            if problem is None:
                handoff = EscalateArgs.model_validate(args)
                return Handoff(handoff.reason, handoff.narrative)
            return Invalid([Problem(p, problem if p is part else None) for p in parts])
    calls: list[ToolCall] = []
    problems: list[Problem] = []
    for part in parts:
        problem = _problem(part, offered, ran, calls)
        problems.append(Problem(part, problem))
        if problem is None:
            calls.append(ToolCall(tool=part.name, args=_arguments(part, None)[0]))
    if any(p.message for p in problems):
        return Invalid(problems)
    return Calls(calls)


def _problem(
    part: ToolCallPart, offered: set[str], ran: list[ToolCall], queued: list[ToolCall]
) -> str | None:
    spec = TOOLS_BY_NAME.get(part.name)
    if spec is None or part.name not in offered:
        names = ", ".join(sorted(offered | {ESCALATE_TOOL.name}))
        return f"there is no tool {part.name!r} for this problem; the tools are: {names}"
    args, problem = _arguments(part, spec.args_model)
    if problem is not None:
        return problem
    call = ToolCall(tool=part.name, args=args)
    if call in ran:
        return "this exact call already ran this turn; its result is in the system prompt"
    if call in queued:
        return "the same call appears twice in this answer"
    return None


def _arguments(
    part: ToolCallPart, model: type[BaseModel] | None
) -> tuple[dict[str, JsonValue], str | None]:
    try:
        value = json.loads(part.arguments or "{}")
    except json.JSONDecodeError as exc:
        return {}, f"the arguments are not valid JSON ({exc.msg} at position {exc.pos})"
    if not isinstance(value, dict):
        return {}, "the arguments must be a JSON object"
    if model is not None:
        try:
            model.model_validate(value)
        except ValidationError as exc:
            return value, _errors(exc)
    return value, None


def _errors(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        parts.append(f"{where}: {error['msg']}")
    return "invalid arguments (" + "; ".join(parts) + ")"
