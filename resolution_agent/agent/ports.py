"""Whether a server can listen where it was asked to, checked before anything slow starts.

``resolve serve`` and ``resolve console`` open the agent (a minute or more on a cold start)
before uvicorn binds its port, so a busy port used to fail only after that wait, under a line
that had already announced the address. The check binds the address the way uvicorn does
(``SO_REUSEADDR``, so a port left in TIME_WAIT by a server just stopped is not "busy") and
lets it go at once; the one-line error says what to do.
"""

from __future__ import annotations

import errno
import socket

from resolution_agent.tools.errors import ConfigurationError


def check_port_free(host: str, port: int, *, choose: str = "--port") -> None:
    """Raise ConfigurationError unless ``host``:``port`` can be listened on now.

    ``choose`` is how the user picks another port, for the message.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ConfigurationError(
            f"cannot listen on {host}:{port}: {host!r} is not an address or a known host name"
        ) from exc
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigurationError(_why(host, port, exc, choose)) from exc


def _why(host: str, port: int, exc: OSError, choose: str) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {host} (another resolve server?); stop that "
            f"process, or choose another port with {choose}"
        )
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on {where}; choose a port above 1023 with {choose}"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: {host} is not an address of this machine"
    return f"cannot listen on {where}: {exc.strerror or exc}"


__all__ = ["check_port_free"]
