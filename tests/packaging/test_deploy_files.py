"""The Dockerfile, compose.yaml and resolve.env.example agree with the code and each other.

Images cannot be built where the tests run, so these read the files: every ``RESOLVE_*``
variable they name must be a real setting (a renamed setting fails here, not in production),
and the pieces that make the deployment work (the lock, the pre-built model, the health
check, PostgreSQL started healthy before the app) must be there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from resolution_agent.agent.console.settings import ConsoleSettings
from resolution_agent.agent.service.settings import ServiceSettings
from resolution_agent.agent.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY_FILES = ("Dockerfile", "compose.yaml", "resolve.env.example")
_VARIABLE = re.compile(r"\bRESOLVE_[A-Z0-9_]+\b")


def _variables(model: type[BaseSettings]) -> set[str]:
    """The environment variables that set ``model``'s fields, aliases included."""
    prefix = str(model.model_config.get("env_prefix", ""))
    names = set()
    for field, info in model.model_fields.items():
        names.add(f"{prefix}{field}".upper())
        if isinstance(info.validation_alias, AliasChoices):
            names |= {c.upper() for c in info.validation_alias.choices if isinstance(c, str)}
    return names


KNOWN = _variables(Settings) | _variables(ServiceSettings) | _variables(ConsoleSettings)


def _dockerfile() -> str:
    return (REPO / "Dockerfile").read_text(encoding="utf-8")


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _image_env() -> dict[str, str]:
    """The runtime stage's ``ENV`` values (the last stage's, which the container runs with)."""
    runtime = _dockerfile().split("AS runtime", 1)[1]
    joined = runtime.replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in joined.splitlines():
        if line.startswith("ENV "):
            env |= dict(pair.split("=", 1) for pair in line[4:].split())
    return env


@pytest.mark.parametrize("name", DEPLOY_FILES)
def test_every_resolve_variable_in_the_deployment_files_is_a_real_setting(name: str) -> None:
    named = set(_VARIABLE.findall((REPO / name).read_text(encoding="utf-8")))

    assert named, f"{name} names no RESOLVE_* variable: is this the right file?"
    assert sorted(named - KNOWN) == []


def test_the_image_installs_the_lock_then_the_wheel_and_serves_as_a_plain_user() -> None:
    text = _dockerfile()
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", text, flags=re.MULTILINE)

    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, flags=re.MULTILINE)
    assert stages == [("${PYTHON_IMAGE}", "builder"), ("${PYTHON_IMAGE}", "runtime")]
    install_lock = text.index("-r /src/requirements.lock")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert install_lock < text.index("pip install --no-deps /dist/resolution_agent-")
    assert "resolve intents train && resolve kb index" in text
    runtime = text.split("AS runtime", 1)[1]
    assert re.search(r"^USER resolve$", runtime, flags=re.MULTILINE)
    assert re.search(r"^VOLUME /data$", runtime, flags=re.MULTILINE)
    assert "/healthz" in runtime.split("HEALTHCHECK", 1)[1]
    assert runtime.rstrip().endswith('CMD ["resolve", "serve"]')


def test_the_image_runs_on_the_data_volume_with_the_models_built_at_build_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = _image_env()
    builder = _dockerfile().split("AS runtime", 1)[0]

    assert env["RESOLVE_DATA_DIR"] == "/data"
    assert env["RESOLVE_SERVICE_HOST"] == "0.0.0.0"
    # The service finds the model and index where the builder made them (not on the volume).
    for variable in ("RESOLVE_MODELS_DIR", "RESOLVE_KB_DIR"):
        assert f"{variable}={env[variable]}" in builder
        assert not env[variable].startswith("/data")
    # The settings accept every value, read from the environment as in the container.
    for variable in KNOWN:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    assert Settings(_env_file=None).data_dir == Path("/data")
    service = ServiceSettings(_env_file=None)
    assert service.port == int(env["RESOLVE_SERVICE_PORT"])
    assert service.console is False  # off loopback it needs secrets only a deployment has


def test_compose_starts_the_app_on_a_healthy_postgres_with_secrets_from_an_env_file() -> None:
    services = _compose()["services"]
    app, postgres = services["app"], services["postgres"]

    assert postgres["image"] == "postgres:16"
    assert postgres["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in postgres["healthcheck"]["test"][1]
    assert app["build"] == "."
    assert app["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert app["env_file"] == ["resolve.env"]
    assert app["environment"]["RESOLVE_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in app["environment"]["RESOLVE_DATABASE_URL"]
    assert any(volume.endswith(":/data") for volume in app["volumes"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    port = _image_env()["RESOLVE_SERVICE_PORT"]
    assert [p.rsplit(":", 1)[1] for p in app["ports"]] == [port]
    assert not [k for k in app["environment"] if "TOKEN" in k or "SECRET" in k]
