"""Times as a COp reads them: the bank's local time (Europe/London), with GMT or BST beside it.

The store keeps every time in UTC; a COp in the UK compares the console with a wall clock, so
an unlabelled UTC time is an hour out all summer. :func:`when` is the console templates' one
way to print a time: a ``<time>`` element whose ``datetime`` attribute is the exact instant and
whose text is the local time with its zone's abbreviation, so no template calls ``strftime``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from markupsafe import Markup

#: The bank's time zone: every time the console prints is in it.
BANK_ZONE = "Europe/London"

Style = Literal["short", "long"]
#: ``short`` for lists (queue rows, transcript lines); ``long`` where the year matters. The day
#: of the month is ``{t.day}``, not ``%d``: "Wed 1 Jul", as the UK writes it, on every platform.
FORMATS: dict[Style, str] = {
    "short": "{t:%H:%M %Z}, {t:%a} {t.day} {t:%b}",
    "long": "{t:%H:%M %Z}, {t:%a} {t.day} {t:%b %Y}",
}


def local_time(at: datetime, style: Style = "short") -> str:
    """``at`` in the bank's zone, as ``10:15 GMT, Fri 27 Nov``; a naive time is taken as UTC."""
    return FORMATS[style].format(t=_utc(at).astimezone(ZoneInfo(BANK_ZONE)))


def when(at: datetime, style: Style = "short") -> Markup:
    """A ``<time>`` element: the exact instant for machines, :func:`local_time` for people."""
    # Markup.format escapes its arguments.
    return Markup('<time datetime="{}">{}</time>').format(
        _utc(at).isoformat(), local_time(at, style)
    )


def _utc(at: datetime) -> datetime:
    """The store writes UTC; a time without a zone is one of those."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
