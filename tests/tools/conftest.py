"""Shared fixtures for the tools tests: a fresh mock bank per test, reached over ASGI.

Deliberately no ``__init__.py`` beside this file: with pytest's default ``prepend`` import
mode, ``tests/tools/__init__.py`` (without ``tests/__init__.py``) would be imported as the
top-level package ``tools`` and shadow the real one.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.client import BankClient, BankRetryPolicy
from resolution_agent.tools.mockbank import BankState, MockBank, create_app, load_seed

FIXTURES_ROOT = PROJECT_ROOT / "fixtures"
BASE_URL = "http://bank"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to ``inner`` and remembers it, headers included."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="session")
def fixtures_root() -> Path:
    return FIXTURES_ROOT


@pytest.fixture(scope="session")
def _default_seed() -> BankState:
    """Parsed once per session; every test gets its own deep copy through ``state``."""
    return load_seed(FIXTURES_ROOT)


@pytest.fixture
def state(_default_seed: BankState) -> BankState:
    return copy.deepcopy(_default_seed)


@pytest.fixture
def bank(state: BankState) -> MockBank:
    return MockBank(state)


@pytest.fixture
def app(bank: MockBank) -> FastAPI:
    return create_app(bank)


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP access to the mock bank (no customer header set by default)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        yield client


@pytest.fixture
def recorder(app: FastAPI) -> RecordingTransport:
    return RecordingTransport(httpx.ASGITransport(app=app))


@pytest.fixture
def sent(recorder: RecordingTransport) -> list[httpx.Request]:
    """Every request the ``client`` fixture put on the wire, in order."""
    return recorder.requests


@pytest.fixture
async def client(recorder: RecordingTransport) -> AsyncIterator[BankClient]:
    """The real banking client against the mock bank: 3 attempts, no backoff sleeps."""
    async with BankClient(
        BASE_URL,
        transport=recorder,
        retry=BankRetryPolicy(attempts=3, backoff_base_s=0, backoff_max_s=0),
    ) as bank_client:
        yield bank_client
