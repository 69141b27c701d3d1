"""Deterministic guards: what may run, what may be said. Pure functions of state and proposal."""

from resolution_agent.agent.guards.action import check_action
from resolution_agent.agent.guards.input import scan_input
from resolution_agent.agent.guards.output import check_output

__all__ = ["check_action", "check_output", "scan_input"]
