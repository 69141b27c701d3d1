"""Fixtures of the pattern tests: the agent tests' offline agent, a real PostgreSQL, and a
signal factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from resolution_agent.agent.patterns import TurnSignal
from tests.agent.conftest import (  # noqa: F401  (fixtures shared with the agent tests)
    default_seed,
    make_settings,
    new_bank,
    no_network,
    open_agent,
    retriever,
)
from tests.storage.conftest import database_url, postgres_server  # noqa: F401 (fixtures)

#: A Monday noon.
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

MakeSignal = Callable[..., TurnSignal]


@pytest.fixture
def signal() -> MakeSignal:
    """A signal of an understood, resolved turn; keyword arguments override its fields."""
    counter = iter(range(10**9))

    def make(**fields: Any) -> TurnSignal:
        values: dict[str, Any] = {
            "conversation_id": f"conv-{next(counter)}",
            "at": T0,
            "intent": "card_arrival",
            "confidence": 0.9,
            "understood": True,
            "outcome": "resolved",
        }
        values.update(fields)
        return TurnSignal(**values)

    return make
