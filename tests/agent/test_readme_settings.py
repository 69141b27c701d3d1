"""The README's settings tables are the operator's reference: a setting missing there is one a
newcomer cannot find without reading the code, so every field of ``Settings`` must appear."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution_agent.agent.console.settings import ConsoleSettings
from resolution_agent.agent.service.settings import ServiceSettings
from resolution_agent.agent.settings import Settings, variable_for

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str) -> None:
    variable = variable_for(field).split(" ")[0]
    assert f"`{variable}`" in README.read_text(encoding="utf-8"), (
        f"{variable} ({field}) is not documented in README.md"
    )


def test_the_readme_never_points_outside_the_repository() -> None:
    assert "../shared" not in README.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variable",
    [f"RESOLVE_SERVICE_{name.upper()}" for name in ServiceSettings.model_fields]
    + [f"RESOLVE_CONSOLE_{name.upper()}" for name in ConsoleSettings.model_fields],
)
def test_every_service_and_console_setting_is_in_the_readme(variable: str) -> None:
    assert f"`{variable}`" in README.read_text(encoding="utf-8"), (
        f"{variable} is not documented in README.md"
    )
