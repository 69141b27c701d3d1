"""Error pages tell a COp what happened and what to do; the technical detail goes to the log.

A COp never reads a setting's name or a file path: a failure they cannot fix is plain advice
with a reference id, and the structured log line with the detail carries the same id.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
from structlog.testing import capture_logs

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.agent.logs import configure_logging
from tests.console.helpers import login_for_tests, post_form, settings, signed_in

_REFERENCE = re.compile(r'<span class="reference">Reference: <code>([0-9a-f]{8})</code></span>')
#: What only the platform team should read.
TECHNICAL = ("RESOLVE_", "sqlite", "Traceback", "Error")


def reference_on(html: str) -> str:
    found = _REFERENCE.search(html)
    assert found is not None, "the page shows no reference id"
    return found[1]


async def test_an_unknown_case_is_404_in_plain_words(client: httpx.AsyncClient) -> None:
    configure_logging(level="info")  # the agent's start-up set warning; the detail is info
    with capture_logs() as logs:
        responses = [
            await client.get("/cases/conv-nope"),
            await client.get("/cases/conv-nope/summary.json"),
            await post_form(client, "/cases/conv-nope/claim", {}),
        ]
    for response in responses:
        assert response.status_code == 404
        assert "No such case" in response.text
        assert "There is no case conv-nope. Check the link, or open the case from the queue." in (
            response.text
        )
        assert "RESOLVE_DATA_DIR" not in response.text
    logged = [e for e in logs if e["event"] == "console_unknown_case"]
    assert len(logged) == 3
    assert "RESOLVE_DATA_DIR" in logged[0]["detail"]


async def test_storage_out_of_reach_is_plain_advice_with_a_reference_and_the_detail_is_logged(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    # The agent's own connection is in WAL mode and keeps serving its page cache when the file
    # is overwritten behind it; a schema change by another connection is seen at the next read.
    with closing(sqlite3.connect(tmp_path / "cases.sqlite")) as other:
        other.execute("DROP TABLE cases")
        other.commit()

    with capture_logs() as logs:
        response = await client.get("/")

    assert response.status_code == 503
    assert "The console cannot reach its storage. Try again in a minute" in response.text
    assert "tell your platform team if it persists" in response.text
    for technical in TECHNICAL:
        assert technical not in response.text, technical
    assert str(tmp_path) not in response.text
    assert response.headers["cache-control"] == "no-store"
    (logged,) = [e for e in logs if e["event"] == "console_failed"]
    assert logged["reference"] == reference_on(response.text)
    assert logged["storage"] is True
    assert logged["log_level"] == "error"
    assert (logged["error"], logged["detail"]) == ("OperationalError", "no such table: cases")
    assert logged["path"] == "/"


async def test_any_other_failure_is_plain_advice_with_a_reference(tmp_path: Path) -> None:
    never_opened = ResolutionAgent(settings(tmp_path))
    app = create_console_app(never_opened, login_for_tests())

    with capture_logs() as logs:
        async with signed_in(app) as http:
            response = await http.get("/")

    assert response.status_code == 500
    assert "Something went wrong in the console. Try again in a minute" in response.text
    assert "async with" not in response.text
    (logged,) = [e for e in logs if e["event"] == "console_failed"]
    assert logged["reference"] == reference_on(response.text)
    assert (logged["error"], logged["storage"]) == ("AgentClosedError", False)


async def test_an_error_a_cop_can_act_on_keeps_its_message_and_has_no_reference(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/?queue=nope")
    assert response.status_code == 400
    assert "queue must be one of" in response.text
    assert "Reference" not in response.text
