"""The one loader of eval scenarios (``docs/scenarios.md``): YAML files become models.

Every model forbids unknown keys: a typo in a scenario (``tool_called``, ``reply_include``)
would otherwise silently drop an expectation and make a broken agent look fine. Every error is
a :class:`DataFileError` naming the file, the scenario id and the key at fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from resolution_agent.agent.vocabulary import ConversationStatus, Priority, Queue
from resolution_agent.tools.declarations import TOOLS_BY_NAME
from resolution_agent.tools.errors import DataFileError
from resolution_agent.tools.mockbank import FaultRule
from resolution_agent.tools.vocabulary import IdentityLevel

SCENARIO_SUFFIXES = (".yaml", ".yml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_tool(name: str) -> str:
    if name not in TOOLS_BY_NAME:
        raise ValueError(f"unknown tool {name!r}; known tools: {', '.join(sorted(TOOLS_BY_NAME))}")
    return name


class Turn(_Strict):
    """One line of the recorded conversation: a customer message, or an agent line for reference.

    Agent lines are never sent or checked: they let a scenario keep the recorded dialogue whole.
    """

    customer: str | None = None
    agent: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"customer": value}
        if not isinstance(value, dict):
            raise ValueError("a turn is a string, {customer: text} or {agent: text}")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Turn:
        if (self.customer is None) == (self.agent is None):
            raise ValueError("a turn has exactly one of 'customer' or 'agent'")
        return self


class Session(_Strict):
    identity: IdentityLevel = "app_authenticated"


class ToolExpectation(_Strict):
    """A call that must have run; only the argument keys given are compared."""

    name: str
    args: dict[str, JsonValue] = Field(default_factory=dict)

    _name = field_validator("name")(_known_tool)


class Expect(_Strict):
    """What must be true at the end. ``None`` or empty means "not checked"."""

    outcome: ConversationStatus | None = None
    intent: str | None = None
    queue: Queue | None = None
    priority: Priority | None = None
    tools_called: list[ToolExpectation] = Field(default_factory=list)
    tools_not_called: list[str] = Field(default_factory=list)
    # each call was proposed for staff approval (the case handed off with it), in this order
    proposed: list[ToolExpectation] = Field(default_factory=list)
    state: dict[str, JsonValue] = Field(default_factory=dict)
    reply_includes: list[str] = Field(default_factory=list)
    reply_excludes: list[str] = Field(default_factory=list)
    cites: list[str] = Field(default_factory=list)
    max_turns: int | None = Field(default=None, ge=1)

    @field_validator("tools_not_called")
    @classmethod
    def _known_tools(cls, names: list[str]) -> list[str]:
        return [_known_tool(name) for name in names]


class Scenario(_Strict):
    """One customer conversation to replay, the bank it starts from and what must hold after."""

    id: str = Field(min_length=1)
    title: str = ""
    tags: list[str] = Field(default_factory=list)
    customer: str = Field(min_length=1)
    bank: str = "default"
    bank_patch: dict[str, list[dict[str, JsonValue]]] = Field(default_factory=dict)
    session: Session = Field(default_factory=Session)
    faults: list[FaultRule] = Field(default_factory=list)
    turns: list[Turn] = Field(min_length=1)
    expect: Expect

    _source: Path = PrivateAttr(default=Path("<memory>"))

    @property
    def source(self) -> Path:
        """The file the scenario was read from (for error messages and reports)."""
        return self._source

    @property
    def customer_messages(self) -> list[str]:
        return [turn.customer for turn in self.turns if turn.customer is not None]

    @model_validator(mode="after")
    def _has_customer_turn(self) -> Scenario:
        if not self.customer_messages:
            raise ValueError("turns must hold at least one customer message")
        return self


def load_suite(paths: Sequence[Path], tags: Iterable[str] = ()) -> list[Scenario]:
    """Every scenario under ``paths`` (files or folders), in a stable order, optionally by tag.

    Duplicate ids across the whole suite are an error, whether or not a tag filter is given:
    ids are how reports and baselines line up runs.
    """
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    for file in _scenario_files(paths):
        for scenario in load_file(file):
            if scenario.id in seen:
                raise DataFileError(
                    file,
                    f"duplicate scenario id {scenario.id!r} (also in {seen[scenario.id]})",
                    key="id",
                )
            seen[scenario.id] = file
            scenarios.append(scenario)
    wanted = set(tags)
    if wanted:
        scenarios = [s for s in scenarios if wanted.intersection(s.tags)]
    return scenarios


def load_file(path: Path) -> list[Scenario]:
    """The scenarios of one YAML file: a mapping (one scenario) or a list of them."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"not valid YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc
    if isinstance(data, dict):
        items: list[Any] = [data]
    elif isinstance(data, list) and data:
        items = data
    else:
        raise DataFileError(path, "expected a scenario (a mapping) or a non-empty list of them")
    return [_parse(path, index, item) for index, item in enumerate(items)]


def _parse(path: Path, index: int, item: Any) -> Scenario:
    label = f"#{index + 1}"
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        label = repr(item["id"])
    if not isinstance(item, dict):
        raise DataFileError(path, f"scenario {label}: expected a mapping of keys")
    try:
        scenario = Scenario.model_validate(item)
    except ValidationError as exc:
        errors = exc.errors()
        key, problem = _describe(errors[0])
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise DataFileError(path, f"scenario {label}: {problem}{more}", key=key) from exc
    scenario._source = path
    return scenario


def _describe(error: ErrorDetails) -> tuple[str, str]:
    """A dotted key (``expect.tools_called[0].nme``) and a plain message for one error."""
    loc = list(error["loc"])
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    kind = error["type"]
    if kind == "extra_forbidden":
        return key, f"unknown key {str(loc[-1])!r}"
    if kind == "missing":
        return key, f"missing required key {str(loc[-1])!r}"
    message = error["msg"].removeprefix("Value error, ")
    return key or "(scenario)", message


def _scenario_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SCENARIO_SUFFIXES)
            )
        else:
            raise DataFileError(path, "no such file or folder")
    return files


__all__ = [
    "Expect",
    "Scenario",
    "Session",
    "ToolExpectation",
    "Turn",
    "load_file",
    "load_suite",
]
