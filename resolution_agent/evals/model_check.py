"""The ``--model`` of ``resolve eval`` and ``resolve redteam``, checked before anything runs.

The planner is built per scenario run, so a malformed spec would otherwise surface only as a
crash of every scenario, one by one, and a suite that ran nothing.
"""

from __future__ import annotations

from resolution_agent.agent.models import parse_model_spec
from resolution_agent.agent.settings import SIMULATED_MODEL, Settings
from resolution_agent.tools.errors import ConfigurationError


def model_spec_problem(settings: Settings) -> str | None:
    """Why the planner's model spec (or its fallback's) is malformed, as one line; else None."""
    primary = settings.planner_model()
    if primary is None or primary.strip().lower() == SIMULATED_MODEL:
        return None
    for spec in (primary, settings.fallback_model):
        if spec is None:
            continue
        try:
            parse_model_spec(spec)
        except ConfigurationError as exc:
            return str(exc)
    return None


__all__ = ["model_spec_problem"]
