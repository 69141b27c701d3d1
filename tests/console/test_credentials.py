"""COps' passwords: scrypt hashes, the credentials file, and the login each address gets."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from resolution_agent.agent.console import ConsoleSettings, console_login
from resolution_agent.agent.console.credentials import (
    PasswordFile,
    add_credential,
    hash_password,
    read_credentials,
    verify_password,
)
from resolution_agent.agent.console.settings import is_loopback
from resolution_agent.agent.errors import ConfigurationError, DataFileError, InvalidRequestError
from resolution_agent.agent.routing import load_roster
from resolution_agent.agent.settings import Settings
from tests.console.helpers import CHEAP_LOG_N, PASSWORD

SECRET = SecretStr("s" * 32)


def test_a_hash_checks_its_own_password_only_and_each_has_its_own_salt() -> None:
    first = hash_password(PASSWORD, log_n=CHEAP_LOG_N)
    second = hash_password(PASSWORD, log_n=CHEAP_LOG_N)

    assert first.startswith(f"$scrypt$ln={CHEAP_LOG_N},r=8,p=1$")
    assert first != second
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)
    assert not verify_password(PASSWORD, "plain-text-password")


def test_add_cop_writes_an_owner_only_file_that_the_console_reads_at_each_login(
    tmp_path: Path,
) -> None:
    path = tmp_path / "creds" / "cops.yaml"
    passwords = PasswordFile(path)

    assert add_credential(path, "cop_sam", PASSWORD, log_n=CHEAP_LOG_N) is True
    assert passwords.check("cop_sam", PASSWORD)
    assert not passwords.check("cop_amira", PASSWORD)
    assert add_credential(path, "cop_amira", "another long password", log_n=CHEAP_LOG_N)
    assert add_credential(path, "cop_sam", "a changed password!", log_n=CHEAP_LOG_N) is False

    assert passwords.check("cop_amira", "another long password")  # no restart needed
    assert not passwords.check("cop_sam", PASSWORD)
    assert passwords.check("cop_sam", "a changed password!")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text()
    assert sorted(read_credentials(path).cops) == ["cop_amira", "cop_sam"]
    assert [p.name for p in path.parent.iterdir()] == ["cops.yaml"]  # no temporary left


def test_add_cop_refuses_a_short_password_or_a_malformed_id(tmp_path: Path) -> None:
    path = tmp_path / "cops.yaml"
    with pytest.raises(InvalidRequestError, match="at least 12 characters"):
        add_credential(path, "cop_sam", "short")
    with pytest.raises(InvalidRequestError, match="COp id must be"):
        add_credential(path, "cop sam", PASSWORD)
    assert not path.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("cops: {cop_sam: hunter2}", "not a '$scrypt$"),
        ("cops: {cop_sam: '$scrypt$ln=30,r=8,p=1$AAAA$AAAA'}", "out of range"),
        ("cops: {'cop sam': '$scrypt$ln=10,r=8,p=1$AAAA$AAAA'}", "COp id must be"),
        ("version: 2\ncops: {}", "not a COps credentials file"),
        ("cops: [", "cannot be read"),
    ],
    ids=["plain-password", "absurd-cost", "bad-id", "version", "yaml"],
)
def test_a_malformed_credentials_file_names_itself_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "cops.yaml"
    path.write_text(text)
    with pytest.raises(DataFileError, match=r"cops\.yaml") as raised:
        read_credentials(path)
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.8.0.1", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("console.bank.internal", False),
        ("::", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_on_loopback_without_a_file_every_roster_cop_gets_one_printed_password(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path)

    setup = console_login(ConsoleSettings(), settings, host="127.0.0.1")

    roster = [str(c.id) for c in load_roster(settings.roster_file).cops]
    assert setup.demo_password is not None and list(setup.demo_cops) == roster
    assert setup.login.passwords.check(roster[0], setup.demo_password)
    assert not setup.login.passwords.check(roster[0], "not the password")
    assert not (tmp_path / "console_credentials.yaml").exists()  # never written down


def test_with_a_credentials_file_there_is_no_demo_login(tmp_path: Path) -> None:
    add_credential(tmp_path / "console_credentials.yaml", "cop_sam", PASSWORD, log_n=CHEAP_LOG_N)

    setup = console_login(ConsoleSettings(), Settings(data_dir=tmp_path), host="127.0.0.1")

    assert setup.demo_password is None
    assert setup.login.passwords.check("cop_sam", PASSWORD)


def test_off_loopback_the_secret_and_the_credentials_file_are_required(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="RESOLVE_CONSOLE_SESSION_SECRET"):
        console_login(ConsoleSettings(), settings, host="0.0.0.0")
    with pytest.raises(ConfigurationError, match="resolve console add-cop"):
        console_login(ConsoleSettings(session_secret=SECRET), settings, host="0.0.0.0")

    add_credential(tmp_path / "console_credentials.yaml", "cop_sam", PASSWORD, log_n=CHEAP_LOG_N)
    setup = console_login(ConsoleSettings(session_secret=SECRET), settings, host="0.0.0.0")
    assert setup.demo_password is None


def test_a_named_credentials_file_that_is_missing_stops_start_up(tmp_path: Path) -> None:
    console = ConsoleSettings(credentials=tmp_path / "typo.yaml")
    with pytest.raises(ConfigurationError, match=r"typo\.yaml, which does not exist"):
        console_login(console, Settings(data_dir=tmp_path), host="127.0.0.1")


def test_a_short_session_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 characters"):
        ConsoleSettings(session_secret=SecretStr("short"))
