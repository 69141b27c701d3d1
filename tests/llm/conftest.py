"""Shared fixtures of the LLM tests: no network, an agent on a scripted model, wire helpers.

Every test here runs offline: the autouse ``no_network`` fixture refuses any socket
connection (and DNS lookup) and fails the test if anything tried one, even when the code under
test caught the error and fell back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import respx

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.models import Model
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.testing import ScriptedModel, ScriptStep
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK
from tests.llm.wire import model_on
from tests.network import refuse_network


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse every real connection and DNS lookup; fail the test if one was tried."""
    yield from refuse_network(monkeypatch)


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedModel]]:
    """Make strict scripted models; each must have used all its steps when the test ends."""
    made: list[ScriptedModel] = []

    def make(steps: list[ScriptStep], name: str = "scripted:model") -> ScriptedModel:
        model = ScriptedModel(steps, name=name)
        made.append(model)
        return model

    yield make
    for model in made:
        model.assert_done()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, checkpointer="memory", clock=DEFAULT_CLOCK)


@pytest.fixture
def open_agent(
    settings: Settings,
) -> Callable[..., Any]:
    @asynccontextmanager
    async def opened(planner: Any, retriever: Any = None) -> AsyncIterator[ResolutionAgent]:
        async with ResolutionAgent(settings, planner=planner, retriever=retriever) as agent:
            yield agent

    return opened


@pytest.fixture(scope="session")
def policies() -> Policies:
    return load_policies(PROJECT_ROOT / "policies")


@pytest.fixture(scope="session")
def templates() -> Templates:
    return Templates(PROJECT_ROOT / "prompts")


@pytest.fixture
def ctx(policies: Policies, templates: Templates) -> PlanningContext:
    now: datetime = DEFAULT_CLOCK
    return PlanningContext(policies=policies, templates=templates, now=now)


@pytest.fixture
def router() -> respx.Router:
    """Answers the SDKs' requests; a request no route matches fails the call."""
    return respx.Router(assert_all_mocked=True, assert_all_called=False)


@pytest.fixture
async def wire_model(router: respx.Router) -> AsyncIterator[Callable[[str], Model]]:
    """Real adapters on real SDK clients whose HTTP is answered by ``router``; closed after."""
    made: list[Model] = []

    def make(spec: str) -> Model:
        model = model_on(spec, router)
        made.append(model)
        return model

    yield make
    for model in made:
        await model.aclose()
