"""Deterministic guards: what may run, what may be said. Pure functions of state and proposal."""

from agent.guards.action import check_action
from agent.guards.input import scan_input
from agent.guards.output import check_output

__all__ = ["check_action", "check_output", "scan_input"]
