"""Errors raised by the routing package, all under one root.

RoutingError
├── RosterFileError     a roster or cases file is missing or does not validate
├── UnknownCopError     a COp id is not on the roster the router was given
├── UnknownCaseError    a case id is not waiting in the router
├── UnknownPolicyError  a policy name is not one of the registered policies
└── InvariantError      a policy broke eligibility or capacity (a bug in the policy)

The package imports nothing of the graph; its root still derives from the project's one
root, :class:`tools.errors.ResolveError`, so callers catch a single type.
"""

from __future__ import annotations

from pathlib import Path

from resolution_agent.tools.errors import ResolveError


class RoutingError(ResolveError):
    """Root of every error the routing package raises."""


class RosterFileError(RoutingError):
    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class UnknownCopError(RoutingError):
    def __init__(self, cop_id: str) -> None:
        self.cop_id = cop_id
        super().__init__(f"COp {cop_id!r} is not on the roster; load the roster that has them")


class UnknownCaseError(RoutingError):
    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"case {case_id!r} is not waiting; it was never added or already left")


class UnknownPolicyError(RoutingError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(f"no routing policy {name!r}; choose from {', '.join(known)}")


class InvariantError(RoutingError):
    """A policy proposed an assignment that breaks eligibility or capacity."""
