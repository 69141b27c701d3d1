"""The agent's own confirmation question for a pending call, rendered from the call itself.

A "yes" makes a sensitive action run, so the question it answers must describe exactly that
action. The question is therefore never taken on trust from a planner (a model could ask
"shall I freeze your card?" while the pending call cancels a direct debit): it is rendered
here from the ``confirm`` part of ``prompts/tools/<tool>.j2`` and the bank record the call's
id points at, the same way the offline planner renders it, and the output guard only lets a
confirmation reply through when it carries this text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jinja2

from resolution_agent.agent.state import ConversationState
from resolution_agent.agent.templates import Templates
from resolution_agent.tools.declarations import get_tool
from resolution_agent.tools.errors import ResolveError


def record_for(state: ConversationState, args: dict[str, Any]) -> dict[str, Any]:
    """The bank record a call's id argument points at, from results already seen."""
    wanted = {v for k, v in args.items() if k.endswith("_id") and k != "customer_id"}
    for action in reversed(state.actions):
        data = action.result.data or {}
        for value in data.values():
            rows = value if isinstance(value, list) else [value]
            for row in rows:
                if isinstance(row, dict) and row.get("id") in wanted:
                    return row
        if data.get("id") in wanted:
            return data
    return {}


def confirmation_question(
    state: ConversationState, templates: Templates, now: datetime
) -> str | None:
    """The question for ``state.pending``'s call, or ``None`` when it cannot be asked."""
    pending = state.pending
    if pending is None or pending.kind != "confirmation":
        return None
    name = get_tool(pending.call.tool).template
    if not templates.has_part(name, "confirm"):
        return None
    done_now = [a.call.tool for a in state.turn_actions() if a.ok]
    try:
        return templates.render_part(
            name,
            "confirm",
            now=now,
            args=pending.call.args,
            record=record_for(state, dict(pending.call.args)),
            done_now=done_now,
        )
    except (jinja2.TemplateError, ResolveError):  # a record it cannot describe: not askable
        return None
