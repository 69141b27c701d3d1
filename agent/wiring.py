"""Opening the agent's dependencies: policies, templates, retriever, bank client, checkpointer,
audit log, case store, planner, classifier, and the graph over them."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any, Self

import httpx
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.audit import AuditLog
from agent.consistency import check_startup
from agent.desk.cases import CaseStore
from agent.errors import AgentClosedError
from agent.graph import build_graph, checkpoint_serializer
from agent.logs import configure_logging
from agent.nodes.deps import Deps
from agent.planning import Planner
from agent.planning.llm import LLMPlanner, build_planner
from agent.policies import Policies, load_policies
from agent.retrieval import Retriever, build_retriever
from agent.retrieval.base import WarmsUp
from agent.settings import Settings
from agent.templates import Templates
from agent.understanding import IntentClassifier
from agent.understanding.factory import open_intent_classifier
from tools.client import BankClient, BankRetryPolicy
from tools.mockbank import MockBank, create_app, load_seed


class Wiring:
    """The agent's dependencies, opened by ``async with`` and closed on leaving it."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        planner: Planner | None = None,
        classifier: IntentClassifier | None = None,
        retriever: Retriever | None = None,
        mock_bank: MockBank | None = None,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        policies: Policies | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._planner = planner
        self._classifier = classifier
        self._retriever = retriever
        self._mock_bank = mock_bank
        self._checkpointer = checkpointer
        self._policies = policies  # loaded once by callers that open many agents (evals)
        self._stack: AsyncExitStack | None = None
        self._graph: Any = None
        self._deps: Deps | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._known_customers: set[str] = set()
        self._active_planner: Planner | None = None

    @property
    def mock_bank(self) -> MockBank | None:
        """The in-process mock bank, when no ``bank_url`` is configured."""
        return self._mock_bank

    async def __aenter__(self) -> Self:
        s = self.settings
        configure_logging(s.log_format, s.log_level)
        stack = AsyncExitStack()
        try:
            policies = self._policies or load_policies(s.policies_dir)
            templates = Templates(s.prompts_dir)
            check_startup(s, policies, templates)  # cross-file references, before any work
            retriever = self._retriever or build_retriever(s)
            if isinstance(retriever, WarmsUp):
                await retriever.warm_up()  # model opened and index synced before any customer
            transport: httpx.AsyncBaseTransport | None = None
            base_url = s.bank_url
            if base_url is None:
                if self._mock_bank is None:
                    self._mock_bank = MockBank(load_seed(s.fixtures_dir, s.bank_seed))
                transport = httpx.ASGITransport(app=create_app(self._mock_bank))
                base_url = "http://mockbank"
            bank = BankClient(
                base_url,
                transport=transport,
                timeout_s=s.bank_timeout_s,
                retry=BankRetryPolicy(s.bank_attempts, s.bank_backoff_base_s, s.bank_backoff_max_s),
            )
            stack.push_async_callback(bank.aclose)
            checkpointer = self._checkpointer
            if checkpointer is None:
                if s.checkpointer == "memory":
                    checkpointer = InMemorySaver(serde=checkpoint_serializer())
                else:
                    s.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
                    saver = await stack.enter_async_context(
                        AsyncSqliteSaver.from_conn_string(str(s.checkpoint_file))
                    )
                    saver.serde = checkpoint_serializer()
                    checkpointer = saver
            audit = AuditLog(None if s.checkpointer == "memory" else s.data_dir / "audit.sqlite")
            await audit.open()
            stack.push_async_callback(audit.close)
            cases = CaseStore(None if s.checkpointer == "memory" else s.data_dir / "cases.sqlite")
            await cases.open()
            stack.push_async_callback(cases.close)
            planner = self._planner
            if planner is None:
                planner = build_planner(s)
                if isinstance(planner, LLMPlanner):
                    stack.push_async_callback(planner.aclose)
            self._active_planner = planner
            classifier = self._classifier or await open_intent_classifier(s, policies)
            fixed = s.clock

            def clock() -> datetime:
                return fixed or datetime.now(UTC)

            self._deps = Deps(
                settings=s,
                policies=policies,
                templates=templates,
                classifier=classifier,
                retriever=retriever,
                planner=planner,
                bank=bank,
                clock=clock,
                audit=audit,
                cases=cases,
            )
            self._graph = build_graph(self._deps, checkpointer)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None
        self._graph = None

    def _require(self) -> tuple[Any, Deps]:
        if self._graph is None or self._deps is None:
            raise AgentClosedError(
                "the agent is not open; use `async with ResolutionAgent(settings) as agent:`"
            )
        return self._graph, self._deps
