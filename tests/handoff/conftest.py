"""Fixtures of the handoff tests: no network, strict scripted models (shared with tests/llm)."""

from __future__ import annotations

from tests.llm.conftest import no_network, scripted

__all__ = ["no_network", "scripted"]
