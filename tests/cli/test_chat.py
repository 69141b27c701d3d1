"""``resolve chat``: refused before the first prompt when it cannot work; history and links.

The real ``resolve`` app through typer's runner, on the offline agent with the keyword
classifier and BM25 (nothing to train or embed), the in-process mock bank and a fresh data
folder per test.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from resolution_agent.agent.cli import app

DECLINED = "why was my card declined at ASOS?"


@pytest.fixture(autouse=True)
def _offline_quick_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RESOLVE_INTENT_CLASSIFIER", "keywords")
    monkeypatch.setenv("RESOLVE_RETRIEVER", "lexical")
    monkeypatch.setenv("RESOLVE_MODEL", "offline")
    monkeypatch.delenv("RESOLVE_BANK_URL", raising=False)


def chat(*args: str, said: str = "") -> Result:
    return CliRunner().invoke(app, ["chat", *args], input=said)


def test_an_unknown_customer_is_refused_before_the_first_prompt() -> None:
    result = chat("--customer", "cus_9999", said="I've lost my card\n")

    assert result.exit_code == 1, result.output
    assert "you>" not in result.stdout  # never asked for a message
    assert result.stderr.strip().splitlines() == [
        "error: customer 'cus_9999' is not known to the bank; check the id the channel sends"
    ]


def test_a_reply_shows_the_articles_it_cites_with_their_links() -> None:
    result = chat("--customer", "cus_1001", said=DECLINED + "\n")

    assert result.exit_code == 0, result.output
    assert (
        "       · Why was my card payment declined?: "
        "https://help.kestrelbank.co.uk/a/card-payment-declined"
    ) in result.stdout


def test_a_resumed_conversation_shows_its_history_before_the_prompt() -> None:
    first = chat("--customer", "cus_1001", "--conversation", "chat-resume-1", said=DECLINED + "\n")
    assert first.exit_code == 0, first.output
    assert "(no conversation chat-resume-1 stored yet: it starts now)" in first.stdout

    again = chat("--customer", "cus_1001", "--conversation", "chat-resume-1", said="thanks\n")

    assert again.exit_code == 0, again.output
    lines = again.stdout.splitlines()
    start = lines.index("--- 2 earlier messages ---")
    assert lines[start + 1] == f"you>   {DECLINED}"
    assert lines[start + 2].startswith("agent> Your card payment of £89.99 to ASOS")
    assert lines[start + 3].startswith("--- now ---")


def test_another_customers_conversation_is_refused_before_the_first_prompt() -> None:
    chat("--customer", "cus_1001", "--conversation", "chat-theirs", said=DECLINED + "\n")

    result = chat("--customer", "cus_1003", "--conversation", "chat-theirs", said="hello\n")

    assert result.exit_code == 1
    assert "you>" not in result.stdout
    assert "belongs to another customer" in result.stderr
    assert DECLINED not in result.stdout  # nor is their history shown


def test_a_damaged_conversation_is_announced_and_its_next_message_handed_off(
    tmp_path: Path,
) -> None:
    chat("--customer", "cus_1001", "--conversation", "chat-damaged", said=DECLINED + "\n")
    with sqlite3.connect(tmp_path / "data" / "checkpoints.sqlite") as db:
        db.execute(
            "UPDATE checkpoints SET checkpoint = ? WHERE thread_id = ?",
            (b"\xc1\xc1garbage" * 8, "chat-damaged"),
        )

    result = chat(
        "--customer", "cus_1001", "--conversation", "chat-damaged", said="are you there?\n"
    )

    assert result.exit_code == 0, result.output
    assert "(the stored history of chat-damaged cannot be read; your next message" in result.stdout
    assert "[handed off to general, high]" in result.stdout
