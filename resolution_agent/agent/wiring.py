"""Opening the agent's dependencies: policies, templates, retriever, bank client, storage
(checkpointer, audit log, case store, conversation locks: :mod:`agent.storage`), planner,
classifier, and the graph over them."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any, Self

import httpx
from langgraph.checkpoint.base import BaseCheckpointSaver

from resolution_agent.agent.consistency import check_startup
from resolution_agent.agent.errors import AgentClosedError
from resolution_agent.agent.graph import build_graph
from resolution_agent.agent.guards.output import output_reference
from resolution_agent.agent.logs import configure_logging
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.observability import Metrics, build_tracer_provider, tracer_from
from resolution_agent.agent.patterns.log import SignalLog, open_signal_log
from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.llm import (
    LLMPlanner,
    PriceTable,
    build_planner,
    check_planner_key,
)
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.retrieval import Retriever, build_retriever
from resolution_agent.agent.retrieval.base import WarmsUp
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.storage import (
    ConversationLocks,
    LocalConversationLocks,
    OutboundDeliveries,
    Storage,
    open_storage,
)
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.understanding import IntentClassifier
from resolution_agent.agent.understanding.factory import open_intent_classifier
from resolution_agent.tools.client import BankClient, BankRetryPolicy
from resolution_agent.tools.mockbank import MockBank, create_app, load_seed


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
        self._storage: Storage | None = None
        self._signals: SignalLog | None = None  # one TurnSignal per finished turn
        self._locks: ConversationLocks = LocalConversationLocks()  # the backend's, once open
        self._known_customers: set[str] = set()
        self._metrics = Metrics()  # the open agent's, shared by graph, bank client and models
        self._active_planner: Planner | None = None
        # turns whose caller stopped waiting (a timeout): they finish before the agent closes
        self._in_flight: set[asyncio.Task[Any]] = set()

    @property
    def metrics(self) -> Metrics:
        """The agent's Prometheus metrics (``metrics.render()`` is the exposition text)."""
        return self._metrics

    @property
    def deliveries(self) -> OutboundDeliveries:
        """The outbox of payloads for channels (COp replies, case events); open agents only."""
        if self._storage is None:
            raise AgentClosedError(
                "the agent is not open; use `async with ResolutionAgent(settings) as agent:`"
            )
        return self._storage.deliveries

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
            if self._planner is None:
                check_planner_key(s)  # a model without its key: stop before the slow warm-up
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
            metrics = Metrics(price=PriceTable(s.llm_prices).cost)
            self._metrics = metrics
            provider = build_tracer_provider()  # None unless OTEL_EXPORTER_OTLP_* is set
            if provider is not None:
                stack.callback(provider.shutdown)
            tracer = tracer_from(provider)
            bank = BankClient(
                base_url,
                transport=transport,
                timeout_s=s.bank_timeout_s,
                retry=BankRetryPolicy(s.bank_attempts, s.bank_backoff_base_s, s.bank_backoff_max_s),
                metrics=metrics,
                tracer=tracer,
            )
            stack.push_async_callback(bank.aclose)
            storage = await open_storage(s, stack, checkpointer=self._checkpointer)
            self._storage = storage
            self._signals = await open_signal_log(s, stack)
            self._locks = storage.locks
            planner = self._planner
            if planner is None:
                planner = build_planner(s, metrics=metrics, tracer=tracer)
                if isinstance(planner, LLMPlanner):
                    stack.push_async_callback(planner.aclose)
            self._active_planner = planner
            classifier = self._classifier or await open_intent_classifier(s, policies)
            # imported here: scikit-learn loads only for an agent that uses the detector
            from resolution_agent.agent.guards.detector import open_injection_detector
            from resolution_agent.agent.guards.reply_detector import open_reply_detector

            detector = await open_injection_detector(s)
            reply_detector = await open_reply_detector(
                s, model_planner=isinstance(planner, LLMPlanner)
            )
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
                audit=storage.audit,
                cases=storage.cases,
                proposals=storage.proposals,
                detector=detector,
                reply_detector=reply_detector,
                metrics=metrics,
                tracer=tracer,
                directory=self._mock_bank if s.bank_url is None else None,
                output_reference=output_reference(s.fixtures_dir / "help", templates, policies),
            )
            self._graph = build_graph(self._deps, storage.checkpointer)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._in_flight:
                await asyncio.gather(*self._in_flight, return_exceptions=True)
        except asyncio.CancelledError:
            # The caller stopped waiting for the turns to finish (a run past its time
            # limit): they stop now, and the storage is still closed below, so no
            # connection is left open behind an abandoned agent.
            for task in self._in_flight:
                task.cancel()
            await asyncio.gather(*self._in_flight, return_exceptions=True)
            raise
        finally:
            if self._stack is not None:
                await self._stack.aclose()
        self._stack = None
        self._graph = None
        self._storage = None
        self._signals = None

    def _require(self) -> tuple[Any, Deps]:
        if self._graph is None or self._deps is None:
            raise AgentClosedError(
                "the agent is not open; use `async with ResolutionAgent(settings) as agent:`"
            )
        return self._graph, self._deps
