"""structlog set-up: bound context (conversation id, node), JSON in production, redaction.

The redaction processor runs before rendering, so no renderer ever sees a card number, an
account number with its sort code, a card security code named as such, an email address or a
phone number. Exceptions are turned into traceback text first (``format_exc_info``), so the
traceback is redacted too. The standard library's loggers (httpx, uvicorn, the SDKs) go
through the same chain: one root handler renders their records with structlog's
``ProcessorFormatter``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

# Account patterns first: a sort code with its account number is also 14 digits long.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b\d{2}-\d{2}-\d{2}\s*,?\s*\d{8}\b"), "[account]"),
    (re.compile(r"\b\d{6}\s+\d{8}\b"), "[account]"),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "[card]"),
    # A card security code only with its name beside it: three digits alone are too common.
    (
        re.compile(
            r"\b((?:CVV2?|CVC2?|CV2|CSC|(?:card )?security code)\b\W{0,3}(?:(?:is|was)\s+)?)"
            r"\d{3,4}\b",
            re.IGNORECASE,
        ),
        r"\1[security code]",
    ),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"(?:\+44\s?7\d{3}|\b07\d{3})\s?\d{3}\s?\d{3}\b"), "[phone]"),
)


def redact_text(text: str) -> str:
    """Replace personal data in free text with placeholders."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    return value


def redact_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        event_dict[key] = _redact(value)
    return event_dict


class _RedactingHandler(logging.StreamHandler[TextIO]):
    """The root handler this module installs; marked so reconfiguring replaces it."""


def configure_logging(
    fmt: str = "console", level: str = "warning", *, stream: TextIO | None = None
) -> None:
    """Configure structlog and stdlib logging (called by the CLI and the agent's start-up).

    Safe to call again: the previous configuration, and the root handler it installed, are
    replaced. ``stream`` defaults to standard error.
    """
    out = stream if stream is not None else sys.stderr
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    # Traceback text before redaction: a card number in an exception message is masked too.
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    numeric = logging.getLevelNamesMapping()[level.upper()]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    handler = _RedactingHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    _remove_handlers()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(numeric)


def reset_logging() -> None:
    """Undo :func:`configure_logging`: structlog's defaults, and no handler of ours on root.

    For an embedder handing logging back to its host, and for tests, so that a level or stream
    configured by one test does not reach the next.
    """
    structlog.reset_defaults()
    _remove_handlers()


def _remove_handlers() -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _RedactingHandler)]:
        root.removeHandler(old)
        old.close()
