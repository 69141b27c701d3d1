"""Reading the console's HTML forms, and refusing form posts from other sites.

Forms are parsed here (``application/x-www-form-urlencoded`` only) rather than with
``Request.form()``, which needs the python-multipart package for a handful of short fields.
Two defences against a page on another site posting a form with a COp's session: a browser
sends ``Origin`` (and ``Sec-Fetch-Site``) with every form post and a foreign one is refused,
and every form carries its session's CSRF token (:func:`check_csrf`), which another site
cannot read.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import Request

from resolution_agent.agent.errors import InvalidRequestError

MAX_FORM_BYTES = 64_000
FORM_TYPE = "application/x-www-form-urlencoded"


class CrossSiteFormError(Exception):
    """A form was posted from another origin, or without its session's token; 403."""


def check_same_origin(request: Request) -> None:
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CrossSiteFormError("forms may only be posted from the console's own pages")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise CrossSiteFormError(f"forms may only be posted from the console, not {origin}")


async def read_form(request: Request) -> dict[str, str]:
    check_same_origin(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise InvalidRequestError(f"forms must be sent as {FORM_TYPE}, got {content_type!r}")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidRequestError(f"the form is larger than {MAX_FORM_BYTES} bytes")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=20
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequestError(f"the form could not be read: {exc}") from exc
    return dict(pairs)


def check_csrf(form: dict[str, str], expected: str) -> None:
    """The form's ``csrf_token`` is its session's; a missing or stale one is refused (403)."""
    sent = form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CrossSiteFormError(
            "the form's security token is missing or out of date; reload the page and send it again"
        )


def field(form: dict[str, str], name: str, label: str) -> str:
    """A required field, stripped; missing or blank says which field, in the COp's words."""
    value = form.get(name, "").strip()
    if not value:
        raise InvalidRequestError(f"{label} is required")
    return value


def case_url(base: str, conversation_id: str, done: str | None = None) -> str:
    url = f"{base}/cases/{quote(conversation_id, safe='')}"
    return f"{url}?done={done}" if done else url
