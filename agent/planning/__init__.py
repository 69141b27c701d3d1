"""Planners: the offline deterministic engine, behind the interface an LLM planner also fills."""

from agent.planning.base import Planner, PlanningContext
from agent.planning.offline import OfflinePlanner

__all__ = ["OfflinePlanner", "Planner", "PlanningContext"]
