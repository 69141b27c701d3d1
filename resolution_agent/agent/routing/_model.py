"""What routing reasons about: COps on a roster, cases waiting for one, and handle times.

These are the package's boundary values (files, handoffs and the service all produce them);
the policies work on the arrays of :mod:`agent.routing._tables` built from them.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal, NewType, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from resolution_agent.agent.vocabulary import Priority, Queue

CopId = NewType("CopId", str)
CaseId = NewType("CaseId", str)

Proficiency = Annotated[float, Field(ge=0.0, le=1.0)]
SECONDS_PER_DAY = 86_400.0


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _seconds(at: time) -> float:
    return at.hour * 3600.0 + at.minute * 60.0 + at.second


class Shift(_Value):
    """Daily working hours; an end before the start runs past midnight, equal ends mean 24h."""

    start: time
    end: time

    @property
    def start_second(self) -> float:
        return _seconds(self.start)

    @property
    def end_second(self) -> float:
        return _seconds(self.end)

    def covers(self, at: time) -> bool:
        second, start, end = _seconds(at), self.start_second, self.end_second
        if start == end:
            return True
        if start < end:
            return start <= second < end
        return second >= start or second < end


class Cop(_Value):
    """A colleague on the roster: what they know, how many chats at once, and when."""

    id: CopId
    name: str = ""
    skills: dict[str, Proficiency] = Field(min_length=1)
    languages: frozenset[str] = Field(min_length=1)
    capacity: int = Field(ge=1, le=20)
    shift: Shift


class HandleTimes(_Value):
    """Estimated minutes a case takes: by its skills, longer with a less proficient COp.

    ``minutes_by_skill`` is the time a fully proficient COp needs; a case needing several skills
    takes the mean of theirs plus ``extra_skill_factor`` for each skill beyond the first, and a
    COp of proficiency p needs ``1 + slowdown * (1 - p)`` times as long.
    """

    minutes_by_skill: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: {
            "cards": 7.0,
            "payments": 9.0,
            "topups": 7.0,
            "disputes": 16.0,
            "fx": 7.0,
            "identity": 11.5,
            "account": 8.0,
            "general": 7.0,
            "fincrime": 20.0,
            "vulnerability": 23.0,
            "complaints": 17.0,
        }
    )
    default_minutes: float = Field(default=9.0, gt=0)
    extra_skill_factor: float = Field(default=0.25, ge=0)
    slowdown: float = Field(default=1.0, ge=0)

    def base_minutes(self, skills: frozenset[str]) -> float:
        if not skills:
            return self.default_minutes
        minutes = [self.minutes_by_skill.get(s, self.default_minutes) for s in sorted(skills)]
        return sum(minutes) / len(minutes) * (1.0 + self.extra_skill_factor * (len(minutes) - 1))

    def speed_factor(self, proficiency: float) -> float:
        return 1.0 + self.slowdown * (1.0 - proficiency)


class RoutingCase(_Value):
    """A customer waiting for a COp."""

    id: CaseId
    queue: Queue
    priority: Priority
    required_skills: frozenset[str]
    language: str = "en"
    waiting_since: datetime
    sla_deadline: datetime
    handle_minutes: float = Field(
        gt=0, description="Estimated minutes for a fully proficient COp (see HandleTimes)."
    )

    def estimated_handle_minutes(self, proficiency: float, handle_times: HandleTimes) -> float:
        return self.handle_minutes * handle_times.speed_factor(proficiency)


class Roster(_Value):
    """A roster file: the COps and the handle-time model that goes with them."""

    version: Literal[1] = 1
    handle_times: HandleTimes = Field(default_factory=HandleTimes)
    cops: list[Cop]

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        seen: set[str] = set()
        for cop in self.cops:
            if cop.id in seen:
                raise ValueError(f"COp id {cop.id!r} appears twice; ids must be unique")
            seen.add(cop.id)
        return self


class CasesFile(_Value):
    version: Literal[1] = 1
    cases: list[RoutingCase]
