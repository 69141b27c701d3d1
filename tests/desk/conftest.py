"""Fixtures of the decision-aid tests: no network, strict scripted models (as tests/llm), and
headless Chromium (as tests/console)."""

from __future__ import annotations

from tests.console.conftest import browser
from tests.llm.conftest import no_network, scripted

__all__ = ["browser", "no_network", "scripted"]
