"""COps' passwords: scrypt hashes in a YAML file, written by ``resolve console add-cop``.

The file (``RESOLVE_CONSOLE_CREDENTIALS``, default ``<data dir>/console_credentials.yaml``)::

    version: 1
    cops:
      cop_sam: "$scrypt$ln=17,r=8,p=1$<salt, base64>$<key, base64>"

Each entry has its own random salt and carries its cost, so raising the cost later leaves
older entries readable. The default cost is OWASP's first scrypt choice (N=2^17, r=8, p=1:
128 MiB and about half a second per check), which is why a check runs in a worker thread
and only a couple at a time. The file is re-read at every login, so a COp added or changed
with ``add-cop`` can log in without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.ids import check_id
from resolution_agent.tools.errors import DataFileError

DEFAULT_LOG_N = 17
MIN_LOG_N, MAX_LOG_N = 10, 18
MIN_PASSWORD_CHARS = 12
_R, _P = 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32
_HASH = re.compile(
    r"\$scrypt\$ln=(?P<ln>\d+),r=(?P<r>\d+),p=(?P<p>\d+)\$(?P<salt>[A-Za-z0-9+/=]+)\$(?P<key>[A-Za-z0-9+/=]+)"
)


def hash_password(password: str, *, log_n: int = DEFAULT_LOG_N) -> str:
    """The stored form of ``password``: scrypt with a fresh salt, its cost written beside it."""
    salt = os.urandom(_SALT_BYTES)
    key = _scrypt(password, salt, log_n, _R, _P)
    return f"$scrypt$ln={log_n},r={_R},p={_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time comparison)."""
    match = _HASH.fullmatch(stored)
    if match is None:
        return False
    ln, r, p = (int(match[k]) for k in ("ln", "r", "p"))
    key = _scrypt(password, base64.b64decode(match["salt"]), ln, r, p)
    return hmac.compare_digest(key, base64.b64decode(match["key"]))


def check_hash(stored: str) -> None:
    """Raise ``ValueError`` unless ``stored`` is a hash this module made, at a sane cost."""
    match = _HASH.fullmatch(stored)
    if match is None:
        raise ValueError("not a '$scrypt$ln=..,r=..,p=..$salt$key' hash; make it with add-cop")
    ln, r, p = (int(match[k]) for k in ("ln", "r", "p"))
    if not (MIN_LOG_N <= ln <= MAX_LOG_N and 1 <= r <= 16 and 1 <= p <= 4):
        raise ValueError(f"scrypt cost ln={ln}, r={r}, p={p} is out of range; remake it")


def _scrypt(password: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    memory = 128 * r * (2**log_n) * 2  # twice scrypt's working set, for OpenSSL's overhead
    return hashlib.scrypt(
        password.encode(), salt=salt, n=2**log_n, r=r, p=p, maxmem=memory, dklen=_KEY_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class CredentialsFile(BaseModel):
    """The credentials file as stored; COp ids are ids and every hash is well formed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    cops: dict[str, str] = Field(default_factory=dict)

    @field_validator("cops")
    @classmethod
    def _entries(cls, cops: dict[str, str]) -> dict[str, str]:
        for cop_id, stored in cops.items():
            try:
                check_id("COp id", cop_id)
                check_hash(stored)
            except InvalidRequestError as exc:
                raise ValueError(str(exc)) from None
            except ValueError as exc:
                raise ValueError(f"{cop_id}: {exc}") from None
        return cops


def read_credentials(path: Path) -> CredentialsFile:
    """The file at ``path``; a missing or malformed file is a :class:`DataFileError`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(
            path, "no credentials file; create it with `resolve console add-cop COP_ID`"
        ) from None
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc
    try:
        return CredentialsFile.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors())
        raise DataFileError(path, f"not a COps credentials file: {problems}") from exc


def add_credential(path: Path, cop_id: str, password: str, *, log_n: int = DEFAULT_LOG_N) -> bool:
    """Set ``cop_id``'s password in the file at ``path`` (made if missing); True if new.

    The file is replaced in one step (written beside it, then renamed) and readable by its
    owner only, so a crash never leaves half a file and other users never read the hashes.
    """
    check_id("COp id", cop_id)
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidRequestError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    current = read_credentials(path).cops if path.exists() else {}
    cops = {**current, cop_id: hash_password(password, log_n=log_n)}
    text = yaml.safe_dump(
        CredentialsFile(cops=dict(sorted(cops.items()))).model_dump(), sort_keys=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)
    return cop_id not in current


class Passwords(Protocol):
    """Where the console checks a COp's password: a file, or the demo's in-memory list."""

    def check(self, cop_id: str, password: str) -> bool:
        """Whether ``password`` is ``cop_id``'s; slow on purpose (scrypt), call in a thread."""
        ...


class PasswordFile:
    """The credentials file, re-read at every check so ``add-cop`` needs no restart."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def check(self, cop_id: str, password: str) -> bool:
        return FixedPasswords(read_credentials(self.path).cops).check(cop_id, password)


class FixedPasswords:
    """Hashes held in memory: the demo login, and tests."""

    def __init__(self, hashes: Mapping[str, str]) -> None:
        for stored in hashes.values():
            check_hash(stored)
        self._hashes = dict(hashes)

    def check(self, cop_id: str, password: str) -> bool:
        stored = self._hashes.get(cop_id)
        if stored is None:
            # The same work as a real check, so the time taken does not say who exists.
            like = next(iter(self._hashes.values()), None)
            verify_password(password, _decoy(like))
            return False
        return verify_password(password, stored)


def _decoy(like: str | None) -> str:
    match = _HASH.fullmatch(like or "")
    ln, r, p = (match["ln"], match["r"], match["p"]) if match else (DEFAULT_LOG_N, _R, _P)
    return f"$scrypt$ln={ln},r={r},p={p}${_b64(bytes(_SALT_BYTES))}${_b64(bytes(_KEY_BYTES))}"


def demo_passwords(cop_ids: list[str]) -> tuple[FixedPasswords, str]:
    """Every COp in ``cop_ids`` with one fresh random password, in memory only; and it."""
    password = secrets.token_urlsafe(12)
    stored = hash_password(password)
    return FixedPasswords(dict.fromkeys(cop_ids, stored)), password
