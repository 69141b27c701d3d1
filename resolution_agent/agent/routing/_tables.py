"""The roster as arrays, and who may take which class of case.

Cases that need the same skills in the same language are interchangeable for eligibility and
skill fit, so both are tabulated once per *case class* (a few dozen) instead of once per case
(hundreds of thousands): a K x C table of eligibility and of fit for K classes and C COps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from resolution_agent.agent.routing._model import SECONDS_PER_DAY, Cop, CopId

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ClassKey = tuple[frozenset[str], str]


@dataclass(frozen=True)
class CopArrays:
    """The roster column by column; row j of every array is ``ids[j]``."""

    ids: tuple[CopId, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    has_skill: BoolArray
    proficiency: FloatArray
    speaks: BoolArray
    capacity: IntArray
    shift_start: FloatArray
    shift_end: FloatArray

    @classmethod
    def from_cops(cls, cops: Sequence[Cop]) -> CopArrays:
        skills = tuple(sorted({s for cop in cops for s in cop.skills}))
        languages = tuple(sorted({lang for cop in cops for lang in cop.languages}))
        skill_col = {s: i for i, s in enumerate(skills)}
        lang_col = {lang: i for i, lang in enumerate(languages)}
        has_skill = np.zeros((len(cops), len(skills)), dtype=np.bool_)
        proficiency = np.zeros((len(cops), len(skills)), dtype=np.float64)
        speaks = np.zeros((len(cops), len(languages)), dtype=np.bool_)
        for row, cop in enumerate(cops):
            for skill, level in cop.skills.items():
                has_skill[row, skill_col[skill]] = True
                proficiency[row, skill_col[skill]] = level
            for lang in cop.languages:
                speaks[row, lang_col[lang]] = True
        return cls(
            ids=tuple(cop.id for cop in cops),
            skills=skills,
            languages=languages,
            has_skill=has_skill,
            proficiency=proficiency,
            speaks=speaks,
            capacity=np.array([cop.capacity for cop in cops], dtype=np.int64),
            shift_start=np.array([cop.shift.start_second for cop in cops], dtype=np.float64),
            shift_end=np.array([cop.shift.end_second for cop in cops], dtype=np.float64),
        )

    @property
    def size(self) -> int:
        return len(self.ids)

    def on_shift(self, second_of_day: float) -> BoolArray:
        """Who is on shift at this second of the day (shifts past midnight included)."""
        t = second_of_day % SECONDS_PER_DAY
        start, end = self.shift_start, self.shift_end
        daytime = (start <= t) & (t < end)
        overnight = (t >= start) | (t < end)
        return np.where(start == end, True, np.where(start < end, daytime, overnight))

    def eligibility_and_fit(self, key: ClassKey) -> tuple[BoolArray, FloatArray]:
        """Who has every skill and the language of the class, and their mean proficiency."""
        skills, language = key
        if language not in self.languages or any(s not in self.skills for s in skills):
            return np.zeros(self.size, dtype=np.bool_), np.zeros(self.size, dtype=np.float64)
        speaks = self.speaks[:, self.languages.index(language)]
        if not skills:
            return speaks.copy(), np.ones(self.size, dtype=np.float64)
        cols = [self.skills.index(s) for s in sorted(skills)]
        eligible = speaks & self.has_skill[:, cols].all(axis=1)
        fit = np.where(eligible, self.proficiency[:, cols].mean(axis=1), 0.0)
        return eligible, fit


class ClassTables:
    """Eligibility and fit per case class, grown as new classes of case turn up."""

    def __init__(self, cops: CopArrays, keys: Sequence[ClassKey] = ()) -> None:
        self.cops = cops
        self.keys: list[ClassKey] = []
        self._index: dict[ClassKey, int] = {}
        self.eligible: BoolArray = np.zeros((0, cops.size), dtype=np.bool_)
        self.fit: FloatArray = np.zeros((0, cops.size), dtype=np.float64)
        self.add(keys)

    def add(self, keys: Sequence[ClassKey]) -> None:
        fresh = [k for k in dict.fromkeys(keys) if k not in self._index]
        if not fresh:
            return
        rows = [self.cops.eligibility_and_fit(k) for k in fresh]
        for key in fresh:
            self._index[key] = len(self.keys)
            self.keys.append(key)
        self.eligible = np.vstack([self.eligible, np.stack([e for e, _ in rows])])
        self.fit = np.vstack([self.fit, np.stack([f for _, f in rows])])

    def index(self, skills: frozenset[str], language: str) -> int:
        key = (skills, language)
        if key not in self._index:
            self.add([key])
        return self._index[key]
