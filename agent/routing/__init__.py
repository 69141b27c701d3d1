"""Routing handed-off customers to COps: models, policies, a service and a simulator.

    from agent.routing import RoutingService, cases_from_handoffs, load_roster

    service = RoutingService(load_roster(path).cops)
    for case in cases_from_handoffs(summaries):
        service.add_case(case)
    service.suggestions(now)            # suggested COp per waiting case
    service.next_case_for(cop_id, now)  # what this COp should pick up next

This package imports nothing of the agent but its vocabulary and handoff model, so the
graph can hand off without knowing how routing is done.
"""

from agent.routing._baselines import FifoPolicy, GreedyPolicy
from agent.routing._costs import CostWeights
from agent.routing._errors import (
    InvariantError,
    RosterFileError,
    RoutingError,
    UnknownCaseError,
    UnknownCopError,
    UnknownPolicyError,
)
from agent.routing._experiment import run_simulation
from agent.routing._files import load_cases, load_roster
from agent.routing._handoffs import cases_from_handoffs
from agent.routing._metrics import PolicyMetrics, PolicyResult, SimulationReport
from agent.routing._model import CaseId, Cop, CopId, HandleTimes, Roster, RoutingCase, Shift
from agent.routing._optimal import OptimalPolicy
from agent.routing._policies import POLICY_NAMES, make_policy
from agent.routing._report import write_report
from agent.routing._round import Assignment, DecisionRound, Policy, check_assignment
from agent.routing._service import RoutingService, Suggestion
from agent.routing._simulation import Outcome, Simulator
from agent.routing._tables import ClassTables, CopArrays
from agent.routing._workload import Workload, WorkloadConfig
from agent.routing._workload import generate as generate_workload

__all__ = [
    "POLICY_NAMES",
    "Assignment",
    "CaseId",
    "ClassTables",
    "Cop",
    "CopArrays",
    "CopId",
    "CostWeights",
    "DecisionRound",
    "FifoPolicy",
    "GreedyPolicy",
    "HandleTimes",
    "InvariantError",
    "OptimalPolicy",
    "Outcome",
    "Policy",
    "PolicyMetrics",
    "PolicyResult",
    "Roster",
    "RosterFileError",
    "RoutingCase",
    "RoutingError",
    "RoutingService",
    "Shift",
    "SimulationReport",
    "Simulator",
    "Suggestion",
    "UnknownCaseError",
    "UnknownCopError",
    "UnknownPolicyError",
    "Workload",
    "WorkloadConfig",
    "cases_from_handoffs",
    "check_assignment",
    "generate_workload",
    "load_cases",
    "load_roster",
    "make_policy",
    "run_simulation",
    "write_report",
]
