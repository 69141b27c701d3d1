"""``ConsoleSettings`` (``RESOLVE_CONSOLE_*``) and the login they make for a given address.

The login depends on where the console listens. On a loopback address (127.0.0.1,
``localhost``, ``::1``) a missing session secret is made up per process, and with no
credentials file at all every COp on the roster may log in with one random password that
:func:`console_login` returns for the command to print once (the demo login; it is never
written anywhere). On any other address both are required: the secret, so sessions survive a
restart and are the same in every worker, and the credentials file, so nobody logs in with a
password printed on a terminal.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from resolution_agent.agent.console.context import ConsoleLogin
from resolution_agent.agent.console.credentials import (
    PasswordFile,
    demo_passwords,
    read_credentials,
)
from resolution_agent.agent.console.sessions import SessionCookies
from resolution_agent.agent.routing import load_roster
from resolution_agent.agent.settings import Settings
from resolution_agent.tools.errors import ConfigurationError

DEFAULT_CREDENTIALS = "console_credentials.yaml"
MIN_SECRET_CHARS = 32
NEW_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RESOLVE_CONSOLE_", env_file=".env", extra="ignore", frozen=True
    )

    credentials: Path | None = Field(
        default=None,
        description="COps' password hashes (YAML, `resolve console add-cop`); "
        f"default <data dir>/{DEFAULT_CREDENTIALS}.",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs session cookies; required off loopback, else random "
        "per process.",
    )
    session_ttl_s: int = Field(
        default=8 * 3600, ge=60, le=7 * 24 * 3600, description="How long a login lasts."
    )

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(
                f"needs at least {MIN_SECRET_CHARS} characters; make one with {NEW_SECRET}"
            )
        return value

    def credentials_file(self, settings: Settings) -> Path:
        return self.credentials or settings.data_dir / DEFAULT_CREDENTIALS


@dataclass(frozen=True)
class LoginSetup:
    """The console's login, and the demo password when it is the demo login."""

    login: ConsoleLogin
    demo_password: str | None = None
    demo_cops: tuple[str, ...] = ()


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


def console_login(console: ConsoleSettings, settings: Settings, *, host: str) -> LoginSetup:
    """The login for a console on ``host``; a :class:`ConfigurationError` says what's missing."""
    loopback = is_loopback(host)
    if console.session_secret is not None:
        secret = console.session_secret.get_secret_value().encode()
    elif loopback:
        secret = secrets.token_bytes(32)
    else:
        raise ConfigurationError(
            f"the COps console on {host} needs RESOLVE_CONSOLE_SESSION_SECRET (at least "
            f"{MIN_SECRET_CHARS} random characters: {NEW_SECRET}); or serve it on 127.0.0.1"
        )
    sessions = SessionCookies(secret, ttl_s=console.session_ttl_s)
    path = console.credentials_file(settings)
    if path.exists():
        read_credentials(path)  # a malformed file stops start-up, not the first login
        return LoginSetup(ConsoleLogin(PasswordFile(path), sessions))
    if console.credentials is not None:
        raise ConfigurationError(
            f"RESOLVE_CONSOLE_CREDENTIALS is {path}, which does not exist; create it with "
            "`resolve console add-cop COP_ID`"
        )
    if not loopback:
        raise ConfigurationError(
            f"the COps console on {host} needs COps' passwords: add each COp with "
            f"`resolve console add-cop COP_ID` (writes {path}) or set "
            "RESOLVE_CONSOLE_CREDENTIALS"
        )
    cops = tuple(str(cop.id) for cop in load_roster(settings.roster_file).cops)
    passwords, password = demo_passwords(list(cops))
    return LoginSetup(ConsoleLogin(passwords, sessions), demo_password=password, demo_cops=cops)
