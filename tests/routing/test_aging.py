"""Aging: under sustained urgent load a low-priority case is still served, and when."""

from __future__ import annotations

import numpy as np

from resolution_agent.agent.routing import (
    ClassTables,
    CopArrays,
    CostWeights,
    DecisionRound,
    OptimalPolicy,
    Policy,
    make_policy,
)
from tests.routing.builders import cop

ROUND = 60.0  # one decision a minute; the only COp frees one slot per round


def minutes_until_low_case_is_served(policy: Policy, rounds: int) -> float | None:
    """A low case waits from t=0; a fresh urgent case arrives every round, filling the COp."""
    tables = ClassTables(CopArrays.from_cops([cop("only", {"cards": 0.9})]))
    cards = tables.index(frozenset({"cards"}), "en")
    low_waiting, urgent_since = True, list[float]()
    for r in range(1, rounds + 1):
        now = r * ROUND
        urgent_since.append(now)
        since = np.array(([0.0] if low_waiting else []) + urgent_since)
        priority = np.array(([3] if low_waiting else []) + [0] * len(urgent_since))
        sla = np.where(priority == 0, 15 * 60.0, 1440 * 60.0)
        chosen = policy.assign(
            DecisionRound(
                now=now,
                case_class=np.full(since.size, cards, dtype=np.int64),
                priority=priority.astype(np.int64),
                waiting_since=since,
                deadline=since + sla,
                free=np.array([1], dtype=np.int64),
                tables=tables,
            )
        )
        [picked] = chosen.case.tolist()
        if low_waiting and picked == 0:
            return now / 60
        urgent_since.pop(picked - (1 if low_waiting else 0))
    return None


def test_low_priority_case_is_served_under_sustained_urgent_load() -> None:
    weights = CostWeights()
    # A fresh urgent case is worth its priority value; the low case catches up by aging.
    catch_up = (weights.priority_value["urgent"] - weights.priority_value["low"]) / (
        weights.aging_per_minute
    )

    served_after = minutes_until_low_case_is_served(OptimalPolicy(weights), rounds=400)

    assert served_after is not None
    assert served_after <= catch_up + 2


def test_stronger_aging_serves_the_low_case_sooner() -> None:
    slow = minutes_until_low_case_is_served(OptimalPolicy(CostWeights()), rounds=400)
    fast = minutes_until_low_case_is_served(
        OptimalPolicy(CostWeights(aging_per_minute=0.2)), rounds=400
    )

    assert slow is not None and fast is not None and fast < slow


def test_strict_priority_greedy_starves_the_low_case() -> None:
    # The contrast that aging exists for.
    assert minutes_until_low_case_is_served(make_policy("greedy"), rounds=400) is None
