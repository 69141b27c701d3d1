"""Fixtures of the decision-aid tests: no network, strict scripted models (as tests/llm)."""

from __future__ import annotations

from tests.llm.conftest import no_network, scripted

__all__ = ["no_network", "scripted"]
