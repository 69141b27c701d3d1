"""Planners: the offline deterministic engine, behind the interface an LLM planner also fills."""

from resolution_agent.agent.planning.base import Planner, PlanningContext
from resolution_agent.agent.planning.offline import OfflinePlanner

__all__ = ["OfflinePlanner", "Planner", "PlanningContext"]
