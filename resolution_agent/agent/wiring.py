"""Opening the agent's dependencies: policies, templates, retriever, bank client, storage
(checkpointer, audit log, case store, conversation locks: :mod:`agent.storage`), planner,
classifier, and the graph over them."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Self

import httpx
from langgraph.checkpoint.base import BaseCheckpointSaver

from resolution_agent.agent.errors import AgentClosedError
from resolution_agent.agent.graph import build_graph
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
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.retrieval import Retriever
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.shared_parts import (
    SharedParts,
    open_reply_detector,
    open_shared_parts,
    plans_with_model,
)
from resolution_agent.agent.storage import (
    ConversationLocks,
    LocalConversationLocks,
    OutboundDeliveries,
    Storage,
    open_storage,
)
from resolution_agent.agent.understanding import IntentClassifier
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
        shared: SharedParts | None = None,
    ) -> None:
        """``shared``: parts opened once for many agents (:mod:`agent.shared_parts`); they
        replace ``classifier``, ``retriever`` and ``policies`` and the work of opening them."""
        self.settings = settings or Settings()
        self._planner = planner
        self._classifier = classifier
        self._retriever = retriever
        self._mock_bank = mock_bank
        self._checkpointer = checkpointer
        self._policies = policies  # loaded once by callers that open many agents (evals)
        self._shared = shared
        self._stack: AsyncExitStack | None = None
        self._graph: Any = None
        self._deps: Deps | None = None
        self._storage: Storage | None = None
        self._signals: SignalLog | None = None  # one TurnSignal per finished turn
        self._locks: ConversationLocks = LocalConversationLocks()  # the backend's, once open
        self._known_customers: set[str] = set()
        self._closed_customers: set[str] = set()  # known, with their accounts closed
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
            if self._planner is None:
                check_planner_key(s)  # a model without its key: stop before the slow warm-up
            parts = await self._open_parts()  # checked, then models and index warm
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
            fixed = s.clock

            def clock() -> datetime:
                return fixed or datetime.now(UTC)

            self._deps = Deps(
                settings=s,
                policies=parts.policies,
                templates=parts.templates,
                classifier=parts.classifier,
                retriever=parts.retriever,
                planner=planner,
                bank=bank,
                clock=clock,
                audit=storage.audit,
                cases=storage.cases,
                proposals=storage.proposals,
                chooser=planner if isinstance(planner, LLMPlanner) else None,
                detector=parts.detector,
                reply_detector=parts.reply_detector,
                metrics=metrics,
                tracer=tracer,
                directory=self._mock_bank if s.bank_url is None else None,
                output_reference=parts.output_reference,
            )
            self._graph = build_graph(self._deps, storage.checkpointer)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def _open_parts(self) -> SharedParts:
        """The shared parts given (with a reply detector for this agent's kind of planner), or
        this agent's own."""
        model_planner = plans_with_model(self.settings, self._planner)
        shared = self._shared
        if shared is None:
            return await open_shared_parts(
                self.settings,
                model_planner=model_planner,
                policies=self._policies,
                retriever=self._retriever,
                classifier=self._classifier,
            )
        if shared.model_planner != model_planner:
            reply_detector = await open_reply_detector(self.settings, model_planner=model_planner)
            return replace(shared, reply_detector=reply_detector, model_planner=model_planner)
        return shared

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
