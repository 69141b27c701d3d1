"""The no-network guard shared by the agent and LLM test packages.

Both packages refuse every real connection and DNS lookup, and fail a test that tried one even
when the code under test caught the error and fell back. The console tests are the exception
(their browser talks to a local server), so this is opted into per package, not suite-wide.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


class NetworkAttempt(RuntimeError):
    """A test tried to reach the network."""


def refuse_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Patch sockets and DNS to refuse; yield the attempts; fail if there were any."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        attempts.append(f"connect {address!r}")
        raise NetworkAttempt(f"tests must not use the network (connect to {address!r})")

    def connect_ex(self: socket.socket, address: Any) -> int:
        connect(self, address)
        return 0

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"getaddrinfo {host!r}")
        raise NetworkAttempt(f"tests must not use the network (DNS lookup of {host!r})")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not attempts, f"the test tried to use the network: {attempts}"
