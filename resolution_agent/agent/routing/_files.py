"""The one loader of ``fixtures/routing/``: roster and case files, validated on the way in.

A roster that half-loads would route customers to people who cannot help them, so any
mistake stops loading with the file, the field and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from resolution_agent.agent.routing._errors import RosterFileError
from resolution_agent.agent.routing._model import CasesFile, Roster, RoutingCase


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RosterFileError(path, "file is missing") from exc
    except yaml.YAMLError as exc:
        raise RosterFileError(path, f"is not valid YAML: {exc}") from exc


def load_roster(path: Path) -> Roster:
    """Read a roster YAML file (``version``, optional ``handle_times``, ``cops``)."""
    try:
        return Roster.model_validate(_read(path))
    except ValidationError as exc:
        raise RosterFileError(path, f"does not match the roster schema: {exc}") from exc


def load_cases(path: Path) -> list[RoutingCase]:
    """Read a cases YAML file (``version``, ``cases``)."""
    try:
        return CasesFile.model_validate(_read(path)).cases
    except ValidationError as exc:
        raise RosterFileError(path, f"does not match the cases schema: {exc}") from exc
