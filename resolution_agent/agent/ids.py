"""Checks of API arguments shared by customer turns and the COp desk."""

from __future__ import annotations

import re

from resolution_agent.agent.errors import InvalidRequestError

#: Matched with ``fullmatch``: ``$`` would also accept a trailing newline (``"cus_1\n"``).
_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")


def check_id(name: str, value: object) -> None:
    """Raise :class:`InvalidRequestError` unless ``value`` is a well-formed id."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidRequestError(
            f"{name} must be 1-128 characters of letters, digits, '_', '.', ':' or '-'; "
            f"got {value!r}"[:300]
        )
