"""Routing handed-off customers to COps: models, policies, a service and a simulator.

    from resolution_agent.agent.routing import RoutingService, cases_from_handoffs, load_roster

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

from resolution_agent.agent.lazy import lazy_names

if TYPE_CHECKING:
    from resolution_agent.agent.routing._baselines import FifoPolicy, GreedyPolicy
    from resolution_agent.agent.routing._costs import CostWeights
    from resolution_agent.agent.routing._errors import (
        InvariantError,
        RosterFileError,
        RoutingError,
        UnknownCaseError,
        UnknownCopError,
        UnknownPolicyError,
    )
    from resolution_agent.agent.routing._experiment import run_simulation
    from resolution_agent.agent.routing._files import load_cases, load_roster
    from resolution_agent.agent.routing._handoffs import cases_from_handoffs
    from resolution_agent.agent.routing._metrics import (
        PolicyMetrics,
        PolicyResult,
        SimulationReport,
    )
    from resolution_agent.agent.routing._model import (
        CaseId,
        Cop,
        CopId,
        HandleTimes,
        Roster,
        RoutingCase,
        Shift,
    )
    from resolution_agent.agent.routing._optimal import OptimalPolicy
    from resolution_agent.agent.routing._policies import POLICY_NAMES, make_policy
    from resolution_agent.agent.routing._report import write_report
    from resolution_agent.agent.routing._round import (
        Assignment,
        DecisionRound,
        Policy,
        check_assignment,
    )
    from resolution_agent.agent.routing._service import RoutingService, Suggestion
    from resolution_agent.agent.routing._simulation import Outcome, Simulator
    from resolution_agent.agent.routing._tables import ClassTables, CopArrays
    from resolution_agent.agent.routing._workload import Workload, WorkloadConfig
    from resolution_agent.agent.routing._workload import generate as generate_workload

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "FifoPolicy": ("resolution_agent.agent.routing._baselines", "FifoPolicy"),
    "GreedyPolicy": ("resolution_agent.agent.routing._baselines", "GreedyPolicy"),
    "CostWeights": ("resolution_agent.agent.routing._costs", "CostWeights"),
    "InvariantError": ("resolution_agent.agent.routing._errors", "InvariantError"),
    "RosterFileError": ("resolution_agent.agent.routing._errors", "RosterFileError"),
    "RoutingError": ("resolution_agent.agent.routing._errors", "RoutingError"),
    "UnknownCaseError": ("resolution_agent.agent.routing._errors", "UnknownCaseError"),
    "UnknownCopError": ("resolution_agent.agent.routing._errors", "UnknownCopError"),
    "UnknownPolicyError": ("resolution_agent.agent.routing._errors", "UnknownPolicyError"),
    "run_simulation": ("resolution_agent.agent.routing._experiment", "run_simulation"),
    "load_cases": ("resolution_agent.agent.routing._files", "load_cases"),
    "load_roster": ("resolution_agent.agent.routing._files", "load_roster"),
    "cases_from_handoffs": ("resolution_agent.agent.routing._handoffs", "cases_from_handoffs"),
    "PolicyMetrics": ("resolution_agent.agent.routing._metrics", "PolicyMetrics"),
    "PolicyResult": ("resolution_agent.agent.routing._metrics", "PolicyResult"),
    "SimulationReport": ("resolution_agent.agent.routing._metrics", "SimulationReport"),
    "CaseId": ("resolution_agent.agent.routing._model", "CaseId"),
    "Cop": ("resolution_agent.agent.routing._model", "Cop"),
    "CopId": ("resolution_agent.agent.routing._model", "CopId"),
    "HandleTimes": ("resolution_agent.agent.routing._model", "HandleTimes"),
    "Roster": ("resolution_agent.agent.routing._model", "Roster"),
    "RoutingCase": ("resolution_agent.agent.routing._model", "RoutingCase"),
    "Shift": ("resolution_agent.agent.routing._model", "Shift"),
    "OptimalPolicy": ("resolution_agent.agent.routing._optimal", "OptimalPolicy"),
    "POLICY_NAMES": ("resolution_agent.agent.routing._policies", "POLICY_NAMES"),
    "make_policy": ("resolution_agent.agent.routing._policies", "make_policy"),
    "write_report": ("resolution_agent.agent.routing._report", "write_report"),
    "Assignment": ("resolution_agent.agent.routing._round", "Assignment"),
    "DecisionRound": ("resolution_agent.agent.routing._round", "DecisionRound"),
    "Policy": ("resolution_agent.agent.routing._round", "Policy"),
    "check_assignment": ("resolution_agent.agent.routing._round", "check_assignment"),
    "RoutingService": ("resolution_agent.agent.routing._service", "RoutingService"),
    "Suggestion": ("resolution_agent.agent.routing._service", "Suggestion"),
    "Outcome": ("resolution_agent.agent.routing._simulation", "Outcome"),
    "Simulator": ("resolution_agent.agent.routing._simulation", "Simulator"),
    "ClassTables": ("resolution_agent.agent.routing._tables", "ClassTables"),
    "CopArrays": ("resolution_agent.agent.routing._tables", "CopArrays"),
    "Workload": ("resolution_agent.agent.routing._workload", "Workload"),
    "WorkloadConfig": ("resolution_agent.agent.routing._workload", "WorkloadConfig"),
    "generate_workload": ("resolution_agent.agent.routing._workload", "generate"),
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
