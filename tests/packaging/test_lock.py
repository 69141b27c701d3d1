"""``requirements.lock`` keeps up with pyproject: every requirement of ``.[all]`` is pinned, at
a version its specifier accepts, so a new or raised dependency fails here until the lock is
regenerated (the command is in the lock's header and the README)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"
PROJECT = "resolution-agent"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := _PIN.match(line):
            pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    """The core requirements, or an extra's, with the project's own extras expanded."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    found = []
    for text in listed:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == PROJECT:
            for inner in sorted(requirement.extras):
                found += _declared(inner)
        else:
            found.append(requirement)
    return found


def _extras_of(requirement: Requirement) -> list[Requirement]:
    """What ``requirement``'s extras (``psycopg[binary,pool]``) add, from its installed metadata."""
    try:
        listed = requires(requirement.name) or []
    except PackageNotFoundError:
        return []
    added = []
    for text in listed:
        inner = Requirement(text)
        if inner.marker is None or inner.marker.evaluate({"extra": ""}):
            continue  # a plain requirement of the package, locked through it
        if any(inner.marker.evaluate({"extra": extra}) for extra in requirement.extras):
            added.append(inner)
    return added


def test_every_requirement_of_the_core_and_the_all_extra_is_pinned_in_the_lock() -> None:
    pins = _pins()
    declared = _declared(None) + _declared("all")
    declared += [inner for requirement in declared for inner in _extras_of(requirement)]

    missing = sorted({r.name for r in declared if canonicalize_name(r.name) not in pins})
    assert missing == [], f"not in requirements.lock (regenerate it, see its header): {missing}"
    refused = sorted(
        f"{r.name}=={pins[canonicalize_name(r.name)]} (pyproject: {r.specifier})"
        for r in declared
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    )
    assert refused == [], f"pins that pyproject no longer accepts: {refused}"


def test_the_all_extra_covers_every_other_deployment_extra() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deployment = set(project["optional-dependencies"]) - {"all", "dev"}

    assert {str(r) for r in _declared("all")} == {
        str(r) for extra in deployment for r in _declared(extra)
    }
    assert {str(r) for r in _declared("all")} <= {str(r) for r in _declared("dev")}


def test_the_lock_pins_the_cpu_torch_and_no_local_paths_or_indexes() -> None:
    text = LOCK.read_text(encoding="utf-8")

    assert _pins()["torch"].local == "cpu"
    assert "file://" not in text
    assert " @ " not in text  # no direct references (the project itself, a local wheel)
    assert "pip-compile --extra=postgres --extra=serve --extra=otel" in text
