"""Signed session cookies: read back as made, refused when forged, re-signed or expired."""

from __future__ import annotations

import pytest

from resolution_agent.agent.console.sessions import SessionCookies

SECRET = b"k" * 32


def test_a_session_reads_back_as_it_was_made() -> None:
    cookies = SessionCookies(SECRET, ttl_s=60, clock=lambda: 1000.0)
    session = cookies.new("cop_sam")

    assert cookies.decode(cookies.encode(session)) == session
    assert session.expires_at == 1060
    assert cookies.new("cop_sam").csrf != session.csrf


@pytest.mark.parametrize(
    "value", [None, "", "no-dot", "abc.def", "!!!.???", "e30.e30", "é.é"], ids=repr
)
def test_garbage_is_no_session(value: str | None) -> None:
    assert SessionCookies(SECRET, ttl_s=60).decode(value) is None


def test_a_session_signed_with_another_secret_is_refused() -> None:
    mine = SessionCookies(SECRET, ttl_s=60)
    theirs = SessionCookies(b"x" * 32, ttl_s=60)
    assert mine.decode(theirs.encode(theirs.new("cop_sam"))) is None


def test_a_session_is_refused_from_its_expiry_on() -> None:
    now = [1000.0]
    cookies = SessionCookies(SECRET, ttl_s=60, clock=lambda: now[0])
    value = cookies.encode(cookies.new("cop_sam"))
    now[0] = 1059.5
    assert cookies.decode(value) is not None
    now[0] = 1060.0
    assert cookies.decode(value) is None


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        SessionCookies(b"short", ttl_s=60)
