"""Suite-wide test settings.

Agents in tests get a fresh ``data_dir`` each, but the trained intent model is keyed by the
hash of its data and settings, so they all share one models folder: trained once per clone
(about a minute), then loaded in milliseconds. A test that is about the cache itself sets
``RESOLVE_MODELS_DIR`` (or passes a folder) to its own tmp path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from resolution_agent.agent.logs import reset_logging
from resolution_agent.agent.settings import PROJECT_ROOT

os.environ.setdefault("RESOLVE_MODELS_DIR", str(PROJECT_ROOT / ".data" / "models"))


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """Each test starts with structlog's defaults, whatever an earlier test configured.

    The CLI and the agent's start-up configure logging process-wide (a level filter, a stream
    that may be a closed CliRunner buffer); left in place, a later test's ``capture_logs``
    would miss warnings filtered out at an earlier test's level.
    """
    yield
    reset_logging()
