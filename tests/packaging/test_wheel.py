"""The wheel holds one top-level package with its data, and runs outside the checkout.

The wheel is built offline (no build isolation, no index) from a copy of the files git would
ship, never in the checkout itself: an in-tree build writes ``build/`` and ``*.egg-info``
beside code that other processes may be reading.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.packaging.probes import OFFLINE_TURN, offline_env, printed_json, run_probe

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "resolution_agent"
DATA_FOLDERS = ("policies", "prompts", "fixtures")
#: Offline: the venv's setuptools builds it, no index is asked.
PIP_WHEEL = (
    sys.executable,
    "-m",
    "pip",
    "wheel",
    "--no-deps",
    "--no-build-isolation",
    "--no-index",
)


def _source_copy(dest: Path) -> Path:
    """The files git would ship (tracked, or new and not ignored), copied to ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _source_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [*PIP_WHEEL, "-w", str(out), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    [path] = out.glob("resolution_agent-*.whl")
    return path


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _shipped_data(root: Path) -> set[str]:
    """Paths (relative to ``root``) of every data file under the package's data folders."""
    return {
        path.relative_to(root).as_posix()
        for folder in DATA_FOLDERS
        for path in (root / PACKAGE / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_has_one_top_level_package_and_its_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}

    assert top == {PACKAGE, "resolution_agent-0.1.0.dist-info"}


def test_the_wheel_ships_policies_prompts_fixtures_and_py_typed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    data = {n for n in names if n.split("/")[1:2] and n.split("/")[1] in DATA_FOLDERS}

    assert f"{PACKAGE}/py.typed" in names
    policies = ("intents", "tools", "escalation", "output")
    assert data >= {f"{PACKAGE}/policies/{name}.yaml" for name in policies}
    for folder in ("help", "bank", "intents", "scenarios"):
        assert any(n.startswith(f"{PACKAGE}/fixtures/{folder}/") for n in data), folder
    assert any(n.startswith(f"{PACKAGE}/prompts/replies/") for n in data)
    # Every data file of the checkout ships, and nothing else under those folders.
    assert data == _shipped_data(REPO)


def test_the_unpacked_wheel_answers_a_turn_outside_the_checkout(
    unpacked: Path, tmp_path: Path
) -> None:
    env = offline_env(tmp_path / "data", PYTHONPATH=str(unpacked))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    # -P: the current folder is not put on sys.path; -s: no user site-packages.
    done = run_probe(OFFLINE_TURN, env=env, cwd=elsewhere, python=(sys.executable, "-P", "-s"))

    seen = printed_json(done)
    assert seen["package_files"]
    assert [f for f in seen["package_files"] if not Path(f).is_relative_to(unpacked)] == []
    assert Path(seen["project_root"]) == unpacked / PACKAGE
    assert str(REPO) not in seen["sys_path"]
    assert seen["actions"] == ["list_cards", "freeze_card"]
    assert "frozen your card ending 4821" in seen["text"]
