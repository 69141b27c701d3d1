"""The routing package's public face, and the imports it is allowed."""

from __future__ import annotations

import ast
from pathlib import Path

from resolution_agent.agent import routing

PACKAGE = Path(routing.__file__).parent
# agent.lazy is the dependency-free PEP 562 helper every package __init__ uses.
ALLOWED_AGENT_MODULES = {
    "resolution_agent.agent.vocabulary",
    "resolution_agent.agent.handoff_model",
    "resolution_agent.agent.lazy",
}
# The command line reads the one settings object (its data folder), as every command does.
CLI_ALSO_ALLOWED = {"resolution_agent.agent.settings"}


def test_public_names_are_pinned() -> None:
    assert routing.__all__ == [
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


def test_routing_imports_nothing_of_the_agent_but_vocabulary_and_handoff_model() -> None:
    imported: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        allowed_here = CLI_ALSO_ALLOWED if path == PACKAGE / "cli.py" else set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in allowed_here:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    agent_modules = {
        m
        for m in imported
        if m == "resolution_agent.agent" or m.startswith("resolution_agent.agent.")
    }
    outside = {m for m in agent_modules if not m.startswith("resolution_agent.agent.routing")}

    assert outside <= ALLOWED_AGENT_MODULES
