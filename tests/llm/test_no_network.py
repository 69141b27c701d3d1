"""The autouse guard: nothing in these tests reaches the network."""

from __future__ import annotations

import socket

import httpx2
import pytest

from tests.network import NetworkAttempt


async def test_a_real_connection_attempt_fails_and_is_recorded(no_network: list[str]) -> None:
    async with httpx2.AsyncClient() as client:
        with pytest.raises(Exception):  # noqa: B017 - any failure will do; it must not connect
            await client.get("https://api.openai.com/v1/models")
    assert no_network
    no_network.clear()  # recorded as expected; the guard would fail the test otherwise


def test_plain_sockets_are_refused_too(no_network: list[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkAttempt):
        sock.connect(("127.0.0.1", 9))
    no_network.clear()
