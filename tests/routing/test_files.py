from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from resolution_agent.agent.routing import (
    Roster,
    RosterFileError,
    RoutingCase,
    Shift,
    load_cases,
    load_roster,
)


def test_roster_fixture_has_skills_languages_capacity_and_shifts(roster: Roster) -> None:
    chen = next(c for c in roster.cops if c.id == "cop_chen")
    assert chen.skills["fincrime"] == 0.95
    assert chen.languages == frozenset({"en"})
    assert chen.capacity == 2
    assert chen.shift.covers(time(6, 0)) and not chen.shift.covers(time(14, 0))
    assert roster.handle_times.minutes_by_skill["fincrime"] == 20


def test_cases_fixture_loads_every_case(waiting_cases: list[RoutingCase]) -> None:
    assert [c.priority for c in waiting_cases][:2] == ["urgent", "normal"]
    assert waiting_cases[0].required_skills == frozenset({"fincrime", "cards"})


def test_overnight_shift_covers_both_sides_of_midnight() -> None:
    night = Shift(start=time(22, 0), end=time(6, 0))
    assert night.covers(time(23, 30)) and night.covers(time(2, 0))
    assert not night.covers(time(12, 0))


def test_roster_with_a_duplicate_cop_id_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    cop = "{id: cop_a, skills: {cards: 0.5}, languages: [en], capacity: 1, "
    cop += "shift: {start: '08:00', end: '16:00'}}"
    path.write_text(f"version: 1\ncops: [{cop}, {cop}]\n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="appears twice") as caught:
        load_roster(path)
    assert caught.value.path == path


def test_proficiency_above_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text(
        "version: 1\ncops:\n  - {id: a, skills: {cards: 1.5}, languages: [en], capacity: 1,"
        " shift: {start: '08:00', end: '16:00'}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RosterFileError, match="less than or equal to 1"):
        load_roster(path)


def test_missing_roster_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="missing"):
        load_roster(tmp_path / "nope.yaml")


def test_cases_file_with_an_unknown_queue_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "version: 1\ncases:\n  - {id: x, queue: mortgages, priority: low, required_skills: [],"
        " waiting_since: '2026-03-02T10:00:00', sla_deadline: '2026-03-02T11:00:00',"
        " handle_minutes: 5}\n",
        encoding="utf-8",
    )
    with pytest.raises(RosterFileError, match="queue"):
        load_cases(path)
