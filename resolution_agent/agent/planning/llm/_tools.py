"""The tools offered to the model: the declared bank tools, plus ``escalate_to_human``.

Bank tool schemas come from :mod:`tools.declarations` (``json_schema()``), never from a copy,
as provider-neutral :class:`agent.models.ToolDefinition` values that each model adapter puts
in its own wire format. ``escalate_to_human`` is the planner's own pseudo-tool: it never
reaches the bank, it becomes a :class:`ProposeEscalate`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.models import ToolDefinition
from resolution_agent.agent.policies import Policies
from resolution_agent.tools.declarations import TOOLS, ModelSchemas, ToolSpec

ESCALATE_TOOL_NAME = "escalate_to_human"


class EscalateArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: str = Field(
        min_length=3,
        max_length=300,
        description="Why a person must take over, in one sentence for the support colleague.",
    )
    narrative: str | None = Field(
        default=None,
        max_length=800,
        description="Optional: two or three sentences for the colleague on what the customer "
        "needs and what was done. Mention only actions in the tool results and amounts or dates "
        "the customer gave; a note that mentions anything else is not shown.",
    )


@dataclass(frozen=True, slots=True)
class PseudoTool(ModelSchemas):
    """A planner-only tool: a name, a description and an argument model."""

    name: str
    description: str
    args_model: type[BaseModel]


ESCALATE_TOOL = PseudoTool(
    ESCALATE_TOOL_NAME,
    "Hand the conversation to a human support colleague. Use it when the customer asks for a "
    "person, when a policy says a person decides, or when you cannot help safely.",
    EscalateArgs,
)


def offered_specs(policies: Policies, intent: str | None) -> list[ToolSpec]:
    """The bank tools the policies let this intent use (the guard checks again anyway)."""
    offered = []
    for spec in TOOLS:
        allowed = policies.tools[spec.name].intents
        if allowed is None or (intent is not None and intent in allowed):
            offered.append(spec)
    return offered


@functools.cache
def _definition(source: ToolSpec | PseudoTool) -> ToolDefinition:
    # Declarations are frozen, so their schemas are generated once per process, not per call.
    return ToolDefinition(
        name=source.name, description=source.description, parameters=source.json_schema()
    )


def tool_definitions(specs: list[ToolSpec]) -> list[ToolDefinition]:
    """The model's tool list: the offered bank tools, then ``escalate_to_human``."""
    return [*(_definition(spec) for spec in specs), _definition(ESCALATE_TOOL)]
