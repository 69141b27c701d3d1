"""Eligibility and capacity for every policy, and what the optimiser gains over the others."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from resolution_agent.agent.routing import (
    POLICY_NAMES,
    Assignment,
    CostWeights,
    DecisionRound,
    InvariantError,
    OptimalPolicy,
    UnknownPolicyError,
    check_assignment,
    make_policy,
)
from resolution_agent.agent.routing._costs import fit_cost, urgency
from tests.routing.builders import case, cop, decision, random_desk


@pytest.mark.parametrize("name", POLICY_NAMES)
@pytest.mark.parametrize("seed", range(6))
def test_no_case_goes_to_a_cop_without_its_skills_or_language_nor_past_capacity(
    name: str, seed: int
) -> None:
    cops, cases = random_desk(seed, n_cops=25, n_cases=120)
    load = [int(x) for x in np.random.default_rng(seed).integers(0, 2, size=len(cops))]
    round_ = decision(cops, cases, load=load)

    assignment = make_policy(name).assign(round_)

    assert assignment.size > 0
    for i, j in zip(assignment.case.tolist(), assignment.cop.tolist(), strict=True):
        assert cases[i].required_skills <= cops[j].skills.keys()
        assert cases[i].language in cops[j].languages
    per_cop = np.bincount(assignment.cop, minlength=len(cops))
    assert all(used + busy <= c.capacity for used, busy, c in zip(per_cop, load, cops, strict=True))
    assert len(set(assignment.case.tolist())) == assignment.size


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_a_case_nobody_can_take_stays_waiting(name: str) -> None:
    cops = [cop("a", {"cards": 0.9}, capacity=3)]
    cases = [case("welsh", ["cards"], language="cy"), case("fraud", ["fincrime"])]

    assert make_policy(name).assign(decision(cops, cases)).size == 0


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_a_full_cop_gets_nothing(name: str) -> None:
    cops = [cop("a", {"cards": 0.9}, capacity=2)]

    assert make_policy(name).assign(decision(cops, [case("x", ["cards"])], load=[2])).size == 0


def test_optimiser_keeps_the_only_fraud_specialist_for_the_fraud_case() -> None:
    # Greedy gives the older urgent card case its best fit, the fraud specialist, and the
    # fraud case then has nobody; the optimiser serves both.
    cops = [cop("generalist", {"cards": 0.5}), cop("specialist", {"cards": 1.0, "fincrime": 0.9})]
    cases = [
        case("card", ["cards"], priority="urgent", waited_minutes=5),
        case("fraud", ["fincrime"], priority="urgent", waited_minutes=1),
    ]
    round_ = decision(cops, cases)

    greedy = make_policy("greedy").assign(round_)
    optimal = make_policy("optimal").assign(round_)

    assert greedy.size == 1
    assert dict(zip(optimal.case.tolist(), optimal.cop.tolist(), strict=True)) == {0: 0, 1: 1}


def test_optimiser_gives_the_free_slot_to_the_urgent_case_not_the_oldest() -> None:
    cops = [cop("a", {"cards": 0.8})]
    cases = [
        case("old", ["cards"], priority="low", waited_minutes=20),
        case("scam", ["cards"], priority="urgent"),
    ]

    assert make_policy("fifo").assign(decision(cops, cases)).case.tolist() == [0]
    assert make_policy("optimal").assign(decision(cops, cases)).case.tolist() == [1]


def test_optimiser_prefers_the_better_skilled_cop_when_both_are_free() -> None:
    cops = [cop("weak", {"cards": 0.3}), cop("strong", {"cards": 0.95})]

    assignment = make_policy("optimal").assign(decision(cops, [case("x", ["cards"])]))

    assert assignment.cop.tolist() == [1]


def _value(round_: DecisionRound, assignment: Assignment) -> float:
    """The optimiser's objective, computed independently of its solvers."""
    weights = CostWeights()
    value = weights.assignment_bonus + urgency(round_, weights)
    fit = round_.tables.fit[round_.case_class[assignment.case], assignment.cop]
    return float((value[assignment.case] - fit_cost(fit, weights)).sum())


@pytest.mark.parametrize("seed", range(8))
def test_optimiser_matches_exhaustive_search_on_tiny_rounds(seed: int) -> None:
    cops, cases = random_desk(100 + seed, n_cops=3, n_cases=5)
    cops = [c.model_copy(update={"capacity": 1}) for c in cops]
    round_ = decision(cops, cases)
    eligible = round_.tables.eligible[round_.case_class]
    best = 0.0
    # Each case goes to one COp or none (-1); each COp takes at most one case.
    for choice in itertools.product(range(-1, len(cops)), repeat=len(cases)):
        taken = [j for j in choice if j >= 0]
        if len(taken) != len(set(taken)) or any(
            j >= 0 and not eligible[i, j] for i, j in enumerate(choice)
        ):
            continue
        pairs = [(i, j) for i, j in enumerate(choice) if j >= 0]
        candidate = Assignment(
            np.array([i for i, _ in pairs], dtype=np.int64),
            np.array([j for _, j in pairs], dtype=np.int64),
        )
        best = max(best, _value(round_, candidate))

    found = OptimalPolicy().assign(round_)

    check_assignment(round_, found)
    assert _value(round_, found) == pytest.approx(best)


def test_check_assignment_refuses_an_ineligible_pair() -> None:
    round_ = decision([cop("a", {"cards": 0.9})], [case("x", ["fincrime"])])
    bad = Assignment(np.array([0], dtype=np.int64), np.array([0], dtype=np.int64))

    with pytest.raises(InvariantError, match="skills or language"):
        check_assignment(round_, bad)


def test_check_assignment_refuses_more_cases_than_free_slots() -> None:
    round_ = decision([cop("a", {"cards": 0.9})], [case("x", ["cards"]), case("y", ["cards"])])
    bad = Assignment(np.array([0, 1], dtype=np.int64), np.array([0, 0], dtype=np.int64))

    with pytest.raises(InvariantError, match="capacity"):
        check_assignment(round_, bad)


def test_unknown_policy_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyError, match="fifo, greedy, optimal"):
        make_policy("random")
