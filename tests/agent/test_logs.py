"""Log output: exceptions are rendered as redacted tracebacks, stdlib loggers are redacted too."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from resolution_agent.agent.logs import configure_logging

CARD = "4111111111111111"


@pytest.fixture
def out() -> Iterator[io.StringIO]:
    """A stream the logs are configured to write to; the default set-up is restored after."""
    stream = io.StringIO()
    yield stream
    configure_logging()


def _json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_card_number_in_an_httpx_warning_is_masked(out: io.StringIO) -> None:
    configure_logging("json", "warning", stream=out)

    logging.getLogger("httpx").warning("retrying request for card %s", CARD)

    (line,) = _json_lines(out)
    assert CARD not in out.getvalue()
    assert line["event"] == "retrying request for card [card]"
    assert line["logger"] == "httpx"
    assert line["level"] == "warning"


def test_a_security_code_in_a_structlog_event_is_masked(out: io.StringIO) -> None:
    configure_logging("json", "warning", stream=out)

    structlog.get_logger("test").warning("customer_message", text="card cvv 321 please")

    (line,) = _json_lines(out)
    assert "321" not in out.getvalue()
    assert line["text"] == "card cvv [security code] please"


def test_a_stdlib_logger_is_masked_in_console_format_too(out: io.StringIO) -> None:
    configure_logging("console", "warning", stream=out)

    logging.getLogger("uvicorn.error").error("bad request from someone@example.com")

    text = out.getvalue()
    assert "someone@example.com" not in text
    assert "[email]" in text


def test_stdlib_records_below_the_configured_level_are_dropped(out: io.StringIO) -> None:
    configure_logging("json", "warning", stream=out)

    logging.getLogger("httpx").info("HTTP Request: GET /cards")

    assert out.getvalue() == ""


def test_an_exception_is_rendered_as_a_redacted_traceback_in_json(out: io.StringIO) -> None:
    configure_logging("json", "warning", stream=out)
    log = structlog.get_logger("agent.test")

    try:
        raise ValueError(f"card {CARD} was declined")
    except ValueError:
        log.exception("node_failed", node="act")

    (line,) = _json_lines(out)
    assert "exc_info" not in line
    assert line["exception"].startswith("Traceback (most recent call last)")
    assert "ValueError: card [card] was declined" in line["exception"]
    assert CARD not in out.getvalue()


def test_a_stdlib_exception_is_rendered_as_a_redacted_traceback_in_json(
    out: io.StringIO,
) -> None:
    configure_logging("json", "warning", stream=out)

    try:
        raise ConnectionError(f"lost connection while sending {CARD}")
    except ConnectionError:
        logging.getLogger("httpx").exception("request failed")

    (line,) = _json_lines(out)
    assert "ConnectionError: lost connection while sending [card]" in line["exception"]
    assert CARD not in out.getvalue()


def test_an_exception_is_readable_in_console_format(out: io.StringIO) -> None:
    configure_logging("console", "warning", stream=out)
    log = structlog.get_logger("agent.test")

    try:
        raise KeyError("missing")
    except KeyError:
        log.error("lookup_failed", exc_info=True)

    text = out.getvalue()
    assert "lookup_failed" in text
    assert "Traceback (most recent call last)" in text
    assert "KeyError: 'missing'" in text


def test_configuring_twice_leaves_one_root_handler(out: io.StringIO) -> None:
    configure_logging("json", "warning", stream=io.StringIO())
    configure_logging("json", "warning", stream=out)

    logging.getLogger("httpx").warning("once")

    assert [line["event"] for line in _json_lines(out)] == ["once"]
