"""Fault injection for the mock bank: make an endpoint fail, slow down or talk garbage.

A rule names an endpoint by its tool name; its first ``times`` calls fail with ``status`` (or
a garbage 200 body), each after ``latency_ms``. Faulted calls change nothing in the bank.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from resolution_agent.tools.declarations import TOOLS_BY_NAME


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str
    status: int | None = Field(default=503, ge=200, le=599)
    times: int = Field(default=1, ge=0, description="How many calls fail; 0 means every call.")
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    body: Literal["garbage"] | None = None

    @field_validator("endpoint")
    @classmethod
    def _known_endpoint(cls, value: str) -> str:
        if value not in TOOLS_BY_NAME:
            known = ", ".join(sorted(TOOLS_BY_NAME))
            raise ValueError(f"unknown endpoint {value!r}; use a tool name: {known}")
        return value


class FaultBook:
    """The active fault rules and how many calls each has already failed."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._fired: list[int] = []

    def add(self, rule: FaultRule) -> None:
        self._rules.append(rule)
        self._fired.append(0)

    def clear(self) -> None:
        self._rules.clear()
        self._fired.clear()

    def take(self, endpoint: str) -> FaultRule | None:
        """The rule that applies to this call of ``endpoint``, consuming one of its uses."""
        for index, rule in enumerate(self._rules):
            if rule.endpoint != endpoint:
                continue
            if rule.times == 0 or self._fired[index] < rule.times:
                self._fired[index] += 1
                return rule
        return None

    def rules(self) -> list[FaultRule]:
        return list(self._rules)
