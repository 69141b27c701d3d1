"""The one loader of ``prompts/``: Jinja2 with StrictUndefined, autoescaping for HTML.

A missing variable fails loudly instead of sending a customer a reply with a hole in it.
Helpers available in every template: ``money`` (pence to "£12.50") and ``day`` (a date as
"Thursday 26 November").

A template may hold named parts as Jinja blocks (``prompts/tools/<tool>.j2`` holds a tool's
``confirm`` question and its ``done`` message), rendered one at a time by
:meth:`Templates.render_part`. Code that carries a single template name (a planner's ``Say``
step) addresses a part as ``"<name>#<part>"`` (see :func:`part_of`), which :meth:`Templates.render`
and :meth:`Templates.has` accept.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from resolution_agent.tools.errors import DataFileError


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
        """Whether template ``name`` exists (or, for ``"<name>#<part>"``, holds that part)."""
        if _PART in name:
            return self.has_part(*name.split(_PART, 1))
        return (self._folder / name).is_file()

    def has_part(self, name: str, part: str) -> bool:
        """Whether template ``name`` exists and holds a block ``part``."""
        return self.has(name) and part in self._template(name).blocks

    def source(self, name: str) -> str:
        """The text of template ``name`` as written, tags and all (what the output guard
        derives our reply vocabulary from)."""
        try:
            text, _, _ = self._env.loader.get_source(self._env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound as exc:
            raise DataFileError(self._folder / name, "template is missing") from exc
        return text

    def render(self, name: str, **context: Any) -> str:
        """Template ``name`` (or the part ``"<name>#<part>"``) rendered with ``context``."""
        if _PART in name:
            return self.render_part(*name.split(_PART, 1), **context)
        return _tidy(name, self._template(name).render(**context))

    def render_part(self, name: str, part: str, **context: Any) -> str:
        """Only block ``part`` of template ``name``, tidied as :meth:`render` tidies ``name``."""
        template = self._template(name)
        block = template.blocks.get(part)
        if block is None:
            raise DataFileError(self._folder / name, f"template has no part {part!r}", key=part)
        try:
            text = self._env.concat(block(template.new_context(context)))
        except Exception:
            self._env.handle_exception()  # raises, with the template's lines in the traceback
        return _tidy(name, text)

    def _template(self, name: str) -> jinja2.Template:
        try:
            return self._env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise DataFileError(self._folder / name, "template is missing") from exc


_PART = "#"


def part_of(name: str, part: str) -> str:
    """The one-string address of block ``part`` of template ``name``."""
    return f"{name}{_PART}{part}"


def _tidy(name: str, text: str) -> str:
    """Replies are collapsed onto one line of single spaces; other templates are stripped."""
    return " ".join(text.split()) if name.startswith("replies/") else text.strip()
