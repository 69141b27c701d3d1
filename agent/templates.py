"""The one loader of ``prompts/``: Jinja2 with StrictUndefined, autoescaping for HTML.

A missing variable fails loudly instead of sending a customer a reply with a hole in it.
Helpers available in every template: ``money`` (pence to "£12.50") and ``day`` (a date as
"Thursday 26 November").
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from tools.errors import DataFileError


def money(pence: int, currency: str = "GBP") -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return f"{symbol}{abs(pence) / 100:,.2f}"


def day(value: date | datetime | str | None) -> str:
    if value is None:
        return "an unknown date"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value:%A} {value.day} {value:%B}"


class Templates:
    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise DataFileError(folder, "prompts folder is missing")
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder)),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(
                enabled_extensions=("html", "html.j2"), default_for_string=False
            ),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._env.filters["money"] = money
        self._env.filters["day"] = day
        self._folder = folder

    def names(self) -> list[str]:
        return sorted(self._env.list_templates())

    def has(self, name: str) -> bool:
        return (self._folder / name).is_file()

    def render(self, name: str, **context: Any) -> str:
        try:
            template = self._env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise DataFileError(self._folder / name, "template is missing") from exc
        return (
            " ".join(template.render(**context).split())
            if name.startswith("replies/")
            else (template.render(**context).strip())
        )
