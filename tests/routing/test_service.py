"""The service surface: a suggested COp per waiting case, and the next case for a COp."""

from __future__ import annotations

from datetime import datetime

import pytest

from resolution_agent.agent.routing import (
    CaseId,
    CopId,
    FifoPolicy,
    Roster,
    RoutingCase,
    RoutingService,
    UnknownCaseError,
    UnknownCopError,
)

TEN_PAST_TEN = datetime(2026, 3, 2, 10, 5)


@pytest.fixture
def service(roster: Roster, waiting_cases: list[RoutingCase]) -> RoutingService:
    router = RoutingService(roster.cops)
    for case in waiting_cases:
        router.add_case(case)
    return router


def test_every_waiting_case_gets_a_suggestion_from_an_eligible_cop_on_shift(
    service: RoutingService, roster: Roster, waiting_cases: list[RoutingCase]
) -> None:
    suggestions = service.suggestions(TEN_PAST_TEN)
    cops = {c.id: c for c in roster.cops}

    assert [s.case_id for s in suggestions] == [c.id for c in waiting_cases]
    for suggestion, case in zip(suggestions, waiting_cases, strict=True):
        if suggestion.cop_id is None:
            continue
        cop = cops[suggestion.cop_id]
        assert case.required_skills <= cop.skills.keys() and case.language in cop.languages
        assert cop.shift.covers(TEN_PAST_TEN.time())
    # FX needs general and fx together: only Fatima (from 12:00) and Hana (from 16:00).
    assert suggestions[-1].cop_id is None


def test_next_case_for_the_fraud_specialist_is_the_scam(service: RoutingService) -> None:
    case = service.next_case_for(CopId("cop_chen"), TEN_PAST_TEN)

    assert case is not None and case.id == "conv-scam-1"


def test_next_case_for_a_cop_off_shift_is_none(service: RoutingService) -> None:
    assert service.next_case_for(CopId("cop_hana"), TEN_PAST_TEN) is None


def test_a_cop_at_capacity_gets_no_case(service: RoutingService) -> None:
    service.set_load(CopId("cop_chen"), 2)

    assert service.next_case_for(CopId("cop_chen"), TEN_PAST_TEN) is None
    scam = next(s for s in service.suggestions(TEN_PAST_TEN) if s.case_id == "conv-scam-1")
    assert scam.cop_id is None  # Chen is the only fraud-and-cards COp on shift


def test_accepting_a_case_takes_it_out_of_the_queue_and_uses_a_slot(
    service: RoutingService,
) -> None:
    service.accept(CaseId("conv-scam-1"), CopId("cop_chen"))
    service.accept(CaseId("conv-card-1"), CopId("cop_chen"))

    assert all(c.id != "conv-scam-1" for c in service.waiting)
    assert service.next_case_for(CopId("cop_chen"), TEN_PAST_TEN) is None
    service.release(CopId("cop_chen"))
    assert service.next_case_for(CopId("cop_chen"), TEN_PAST_TEN) is None  # nothing else fits


def test_the_policy_is_pluggable(roster: Roster, waiting_cases: list[RoutingCase]) -> None:
    router = RoutingService(roster.cops, policy=FifoPolicy())
    for case in waiting_cases:
        router.add_case(case)

    assert router.policy.name == "fifo"
    assert len(router.suggestions(TEN_PAST_TEN)) == len(waiting_cases)


def test_unknown_ids_raise_with_a_hint(service: RoutingService) -> None:
    with pytest.raises(UnknownCopError, match="not on the roster"):
        service.next_case_for(CopId("cop_nobody"), TEN_PAST_TEN)
    with pytest.raises(UnknownCaseError):
        service.remove_case(CaseId("conv-missing"))
