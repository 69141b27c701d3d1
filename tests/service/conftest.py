"""Fixtures of the service tests: the app over an offline agent, reached through ASGI.

The agent is opened as the agent tests open it (offline planner, in-process mock bank on a
fresh copy of the seed, fixed clock, no network); the app is created over it and a client
talks to it through ``httpx.ASGITransport``, never a socket. The PostgreSQL fixtures of the
storage tests are reused for the outbox test on that backend.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

import tests.agent.conftest as agent_fixtures
import tests.storage.conftest as storage_fixtures
from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.service import ServiceSettings, create_app
from resolution_agent.tools.mockbank import MockBank
from tests.agent.conftest import OpenAgent

# The agent tests' fixtures (offline agent, mock bank, no network) and the storage tests'
# PostgreSQL server, under the names the tests ask for.
no_network = agent_fixtures.no_network
default_seed = agent_fixtures.default_seed
retriever = agent_fixtures.retriever
new_bank = agent_fixtures.new_bank
make_settings = agent_fixtures.make_settings
open_agent = agent_fixtures.open_agent
postgres_server = storage_fixtures.postgres_server
database_url = storage_fixtures.database_url
storage = storage_fixtures.storage

CHANNEL = "app"
TOKEN = "app-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECRET = b"webhook-secret"


def service_settings(**overrides: object) -> ServiceSettings:
    values: dict[str, object] = {
        "channel_tokens": {CHANNEL: SecretStr(TOKEN), "web": SecretStr("web-token-abcdef")},
    }
    values.update(overrides)
    return ServiceSettings.model_validate(values)


@dataclass
class Service:
    app: FastAPI
    agent: ResolutionAgent
    bank: MockBank
    client: httpx.AsyncClient


@pytest.fixture
async def service(
    open_agent: OpenAgent, new_bank: Callable[[], MockBank]
) -> AsyncIterator[Service]:
    """The service over an open in-memory agent, and a client authenticated as ``app``."""
    bank = new_bank()
    async with open_agent(checkpointer="memory", mock_bank=bank) as agent:
        app = create_app(agent.settings, agent=agent, service=service_settings())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield Service(app=app, agent=agent, bank=bank, client=client)
