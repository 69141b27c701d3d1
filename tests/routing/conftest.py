"""Fixtures shared by the routing tests: the roster and cases in fixtures/routing/."""

from __future__ import annotations

import pytest

from resolution_agent.agent.routing import Roster, RoutingCase, load_cases, load_roster
from tests.routing.builders import FIXTURES


@pytest.fixture
def roster() -> Roster:
    return load_roster(FIXTURES / "roster.yaml")


@pytest.fixture
def waiting_cases() -> list[RoutingCase]:
    return load_cases(FIXTURES / "cases.yaml")
