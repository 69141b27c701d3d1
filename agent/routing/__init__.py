"""Routing handed-off customers to COps: models, policies, a service and a simulator.

    from agent.routing import RoutingService, cases_from_handoffs, load_roster

    service = RoutingService(load_roster(path).cops)
    for case in cases_from_handoffs(summaries):
        service.add_case(case)
    service.suggestions(now)            # suggested COp per waiting case
    service.next_case_for(cop_id, now)  # what this COp should pick up next

This package imports nothing of the agent but its vocabulary and handoff model, so the
graph can hand off without knowing how routing is done.

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.lazy import lazy_names

if TYPE_CHECKING:
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

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "FifoPolicy": ("agent.routing._baselines", "FifoPolicy"),
    "GreedyPolicy": ("agent.routing._baselines", "GreedyPolicy"),
    "CostWeights": ("agent.routing._costs", "CostWeights"),
    "InvariantError": ("agent.routing._errors", "InvariantError"),
    "RosterFileError": ("agent.routing._errors", "RosterFileError"),
    "RoutingError": ("agent.routing._errors", "RoutingError"),
    "UnknownCaseError": ("agent.routing._errors", "UnknownCaseError"),
    "UnknownCopError": ("agent.routing._errors", "UnknownCopError"),
    "UnknownPolicyError": ("agent.routing._errors", "UnknownPolicyError"),
    "run_simulation": ("agent.routing._experiment", "run_simulation"),
    "load_cases": ("agent.routing._files", "load_cases"),
    "load_roster": ("agent.routing._files", "load_roster"),
    "cases_from_handoffs": ("agent.routing._handoffs", "cases_from_handoffs"),
    "PolicyMetrics": ("agent.routing._metrics", "PolicyMetrics"),
    "PolicyResult": ("agent.routing._metrics", "PolicyResult"),
    "SimulationReport": ("agent.routing._metrics", "SimulationReport"),
    "CaseId": ("agent.routing._model", "CaseId"),
    "Cop": ("agent.routing._model", "Cop"),
    "CopId": ("agent.routing._model", "CopId"),
    "HandleTimes": ("agent.routing._model", "HandleTimes"),
    "Roster": ("agent.routing._model", "Roster"),
    "RoutingCase": ("agent.routing._model", "RoutingCase"),
    "Shift": ("agent.routing._model", "Shift"),
    "OptimalPolicy": ("agent.routing._optimal", "OptimalPolicy"),
    "POLICY_NAMES": ("agent.routing._policies", "POLICY_NAMES"),
    "make_policy": ("agent.routing._policies", "make_policy"),
    "write_report": ("agent.routing._report", "write_report"),
    "Assignment": ("agent.routing._round", "Assignment"),
    "DecisionRound": ("agent.routing._round", "DecisionRound"),
    "Policy": ("agent.routing._round", "Policy"),
    "check_assignment": ("agent.routing._round", "check_assignment"),
    "RoutingService": ("agent.routing._service", "RoutingService"),
    "Suggestion": ("agent.routing._service", "Suggestion"),
    "Outcome": ("agent.routing._simulation", "Outcome"),
    "Simulator": ("agent.routing._simulation", "Simulator"),
    "ClassTables": ("agent.routing._tables", "ClassTables"),
    "CopArrays": ("agent.routing._tables", "CopArrays"),
    "Workload": ("agent.routing._workload", "Workload"),
    "WorkloadConfig": ("agent.routing._workload", "WorkloadConfig"),
    "generate_workload": ("agent.routing._workload", "generate"),
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())


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
