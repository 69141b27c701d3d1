"""The async public API for chat channels: ``ResolutionAgent.handle_message``.

One agent per process, used as an async context manager. Conversations are serialised by a
per-conversation lock (two messages of one conversation never run at once) and run
concurrently otherwise. State is checkpointed after every graph step, so a restart with the
same settings resumes every conversation.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any, Literal, get_args

import httpx
import structlog
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from agent.audit import AuditEvent, AuditLog
from agent.cases import Case, CaseStore
from agent.consistency import check_startup
from agent.errors import (
    AgentClosedError,
    CaseConflictError,
    ConversationOwnershipError,
    InvalidRequestError,
    UnknownConversationError,
    UnknownCustomerError,
)
from agent.escalation import fallback_escalation
from agent.graph import build_graph, checkpoint_serializer
from agent.handoff import HandoffSummary
from agent.logs import configure_logging
from agent.nodes.deps import Deps
from agent.nodes.escalate import hand_off
from agent.planning import Planner
from agent.planning.llm import (
    AgentEvent,
    LLMPlanner,
    Usage,
    agent_events,
    build_planner,
)
from agent.policies import Policies, load_policies
from agent.retrieval import Retriever, build_retriever
from agent.retrieval.base import WarmsUp
from agent.routing import (
    CopId,
    Roster,
    RoutingService,
    UnknownCopError,
    cases_from_handoffs,
    load_roster,
)
from agent.settings import Settings
from agent.state import Citation, ConversationState, Message
from agent.templates import Templates
from agent.understanding import IntentClassifier
from agent.understanding.factory import open_intent_classifier
from agent.vocabulary import ConversationStatus, ResolutionCode
from tools.client import BankClient, BankRetryPolicy
from tools.declarations import get_tool
from tools.mockbank import MockBank, create_app, load_seed
from tools.vocabulary import IdentityLevel

log = structlog.get_logger("agent.api")
_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")


class ActionTaken(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool: str
    args: dict[str, JsonValue]
    outcome: Literal["succeeded", "failed"]
    detail: str = ""


class Reply(BaseModel):
    """What the channel shows, and what it needs to know about this turn."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    text: str
    status: ConversationStatus
    citations: list[Citation] = Field(default_factory=list)
    actions: list[ActionTaken] = Field(default_factory=list)
    handoff: HandoffSummary | None = None
    intent: str | None = None
    turn: int = 0
    usage: Usage | None = Field(
        default=None, description="Model calls, tokens, cost and latency of this turn (LLM)."
    )


class Conversation(BaseModel):
    """A stored conversation as COps tools and evals read it."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    customer_id: str
    status: ConversationStatus
    first_intent: str | None
    transcript: list[Message]
    actions: list[ActionTaken]
    handoff: HandoffSummary | None
    state: ConversationState


class ResolutionAgent:
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
        self._roster: Roster | None = None

    @property
    def mock_bank(self) -> MockBank | None:
        """The in-process mock bank, when no ``bank_url`` is configured."""
        return self._mock_bank

    async def __aenter__(self) -> ResolutionAgent:
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

    def _validate(
        self, conversation_id: str, customer_id: str, text: object, identity: object
    ) -> None:
        _check_id("conversation_id", conversation_id)
        _check_id("customer_id", customer_id)
        if identity not in get_args(IdentityLevel):
            raise InvalidRequestError(
                f"identity must be one of {get_args(IdentityLevel)}, got {identity!r}"
            )
        if not isinstance(text, str):
            raise InvalidRequestError(f"text must be a str, got {type(text).__name__}")

    async def handle_message(
        self,
        conversation_id: str,
        customer_id: str,
        text: str,
        identity: IdentityLevel = "app_authenticated",
    ) -> Reply:
        """Handle one customer message and return what to show them."""
        graph, deps = self._require()
        self._validate(conversation_id, customer_id, text, identity)
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        async with lock:
            structlog.contextvars.bind_contextvars(conversation_id=conversation_id)
            try:
                await self._admit(graph, deps, conversation_id, customer_id)
                config = _config(conversation_id)
                try:
                    values = await graph.ainvoke(
                        _inputs(conversation_id, customer_id, text, identity), config
                    )
                except Exception as exc:  # a bug must hand off safely, never lose the message
                    log.exception("turn_failed", error=type(exc).__name__)
                    values = await self._recover(
                        graph, deps, config, conversation_id, customer_id, text, repr(exc)
                    )
                return self._finish(values)
            finally:
                structlog.contextvars.unbind_contextvars("conversation_id")

    async def stream(
        self,
        conversation_id: str,
        customer_id: str,
        text: str,
        identity: IdentityLevel = "app_authenticated",
    ) -> AsyncIterator[AgentEvent | Reply]:
        """Like :meth:`handle_message`, yielding events as they happen, then the final Reply.

        Events: reply text as it arrives (a preview: the output guard may still replace it),
        tool started, tool finished, tool held by a guard, handed off. The last item is the
        authoritative :class:`Reply`.
        """
        graph, deps = self._require()
        self._validate(conversation_id, customer_id, text, identity)
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        async with lock:
            structlog.contextvars.bind_contextvars(conversation_id=conversation_id)
            try:
                await self._admit(graph, deps, conversation_id, customer_id)
                config = _config(conversation_id)
                try:
                    chunks = graph.astream(
                        _inputs(conversation_id, customer_id, text, identity),
                        config,
                        stream_mode=["updates", "custom"],
                    )
                    async for event in agent_events(chunks):
                        yield event
                    values = (await graph.aget_state(config)).values
                except Exception as exc:
                    log.exception("turn_failed", error=type(exc).__name__)
                    values = await self._recover(
                        graph, deps, config, conversation_id, customer_id, text, repr(exc)
                    )
                yield self._finish(values)
            finally:
                structlog.contextvars.unbind_contextvars("conversation_id")

    async def _admit(self, graph: Any, deps: Deps, conversation_id: str, customer_id: str) -> None:
        snapshot = await graph.aget_state(_config(conversation_id))
        if snapshot.values:
            if snapshot.values.get("customer_id") != customer_id:
                raise ConversationOwnershipError(conversation_id)
        else:
            await self._check_customer(deps, customer_id)

    def _finish(self, values: Any) -> Reply:
        state = ConversationState.model_validate(values)
        log.info("turn_done", status=state.status, intent=state.active_intent, turn=state.turn)
        reply = _reply(state)
        if isinstance(self._active_planner, LLMPlanner):
            usage = self._active_planner.turn_usage(state.conversation_id, state.turn)
            reply = reply.model_copy(update={"usage": usage})
        return reply

    async def _check_customer(self, deps: Deps, customer_id: str) -> None:
        if customer_id in self._known_customers:
            return
        result = await deps.bank.call(
            get_tool("get_customer"), {"customer_id": customer_id}, customer_id=customer_id
        )
        if not result.ok and result.failure is not None and result.failure.kind == "not_found":
            raise UnknownCustomerError(customer_id)
        if result.ok:
            self._known_customers.add(customer_id)

    async def _recover(
        self,
        graph: Any,
        deps: Deps,
        config: Any,
        conversation_id: str,
        customer_id: str,
        text: str,
        error: str,
    ) -> dict[str, Any]:
        snapshot = await graph.aget_state(config)
        state = ConversationState.model_validate(
            snapshot.values or {"conversation_id": conversation_id, "customer_id": customer_id}
        )
        now = deps.clock()
        transcript = list(state.transcript)
        if not transcript or transcript[-1].role != "customer" or transcript[-1].text != text:
            transcript.append(
                Message(
                    role="customer",
                    text=text[: deps.settings.max_message_chars],
                    turn=state.turn + 1,
                    at=now,
                )
            )
        turn = max(state.turn, transcript[-1].turn)
        state = state.model_copy(update={"transcript": transcript, "turn": turn})
        escalation = fallback_escalation(
            "internal_error", deps.policies, state.active_intent, detail=error[:200]
        )
        update = await hand_off(state, escalation, deps)
        reply = update["reply"]
        update |= {
            "transcript": [
                *transcript,
                Message(role="agent", text=reply.text, turn=turn, at=deps.clock()),
            ],
            "status": "handed_off",
            "turn": turn,
            "pending": None,
        }
        await graph.aupdate_state(config, update, as_node="respond")
        return dict(state.model_copy(update=update))

    async def audit_events(self, conversation_id: str) -> list[AuditEvent]:
        """Every audit event of a conversation, in order (guard decisions, tool calls ...)."""
        _, deps = self._require()
        _check_id("conversation_id", conversation_id)
        events = await deps.audit.events(conversation_id)
        if not events:
            await self.get_conversation(conversation_id)  # raises if it does not exist
        return events

    # ---- COps: the queue, claim, reply, close -------------------------------------------
    async def list_cases(
        self, *, queue: str | None = None, skill: str | None = None, include_closed: bool = False
    ) -> list[Case]:
        """Open cases, most urgent first (priority, then SLA deadline)."""
        _, deps = self._require()
        statuses: tuple[Literal["queued", "claimed", "closed"], ...] = (
            ("queued", "claimed", "closed") if include_closed else ("queued", "claimed")
        )
        return await deps.cases.list(queue=queue, skill=skill, statuses=statuses)

    async def routing_suggestions(self) -> dict[str, str | None]:
        """The router's suggested COp for each queued case (None: no eligible COp free now).

        The optimiser plans over the roster (``Settings.cops_roster``) with each COp's load
        taken from the cases they have claimed.
        """
        service = await self._routing_service()
        _, deps = self._require()
        return {
            str(s.case_id): (str(s.cop_id) if s.cop_id else None)
            for s in service.suggestions(deps.clock())
        }

    async def next_case_for(self, cop_id: str) -> Case | None:
        """The queued case this COp should take next, as the router plans it now."""
        _check_id("cop_id", cop_id)
        _, deps = self._require()
        service = await self._routing_service()
        try:
            chosen = service.next_case_for(CopId(cop_id), deps.clock())
        except UnknownCopError as exc:
            raise InvalidRequestError(
                f"COp {cop_id!r} is not on the roster {self.settings.roster_file}"
            ) from exc
        return None if chosen is None else await self.get_case(str(chosen.id))

    async def _routing_service(self) -> RoutingService:
        _, deps = self._require()
        if self._roster is None:
            self._roster = load_roster(self.settings.roster_file)
        service = RoutingService(self._roster.cops)
        open_cases = await deps.cases.list(statuses=("queued", "claimed"))
        known = {c.id for c in self._roster.cops}
        loads: dict[str, int] = {}
        for case in open_cases:
            if case.status == "claimed" and case.owner:
                loads[case.owner] = loads.get(case.owner, 0) + 1
        for owner, load in loads.items():
            if owner in known:
                service.set_load(CopId(owner), load)
        for routed in cases_from_handoffs([c.summary for c in open_cases if c.status == "queued"]):
            service.add_case(routed)
        return service

    async def get_case(self, conversation_id: str) -> Case:
        _, deps = self._require()
        _check_id("conversation_id", conversation_id)
        case = await deps.cases.get(conversation_id)
        if case is None:
            raise UnknownConversationError(conversation_id)
        return case

    async def claim_case(self, conversation_id: str, cop_id: str) -> Case:
        """A COp takes the case; nobody else can reply or close it until it is closed."""
        _, deps = self._require()
        _check_id("cop_id", cop_id)
        async with self._locks.setdefault(conversation_id, asyncio.Lock()):
            case = await self.get_case(conversation_id)
            if case.status == "closed":
                raise CaseConflictError(f"case {conversation_id} is closed")
            if case.owner not in (None, cop_id):
                raise CaseConflictError(f"case {conversation_id} is claimed by {case.owner}")
            updated = case.model_copy(
                update={"status": "claimed", "owner": cop_id, "updated_at": _now(deps)}
            )
            await deps.cases.save(updated)
            return updated

    async def cop_reply(self, conversation_id: str, cop_id: str, text: str) -> Case:
        """A COp's message to the customer, added to the conversation's transcript."""
        graph, deps = self._require()
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequestError("a COp reply needs some text")
        async with self._locks.setdefault(conversation_id, asyncio.Lock()):
            case = await self.get_case(conversation_id)
            if case.status != "claimed" or case.owner != cop_id:
                raise CaseConflictError(
                    f"case {conversation_id} must be claimed by {cop_id} before replying"
                )
            config = {"configurable": {"thread_id": conversation_id}}
            snapshot = await graph.aget_state(config)
            state = ConversationState.model_validate(snapshot.values)
            message = Message(
                role="cop",
                text=text.strip()[: deps.settings.max_message_chars],
                turn=state.turn,
                at=_now(deps),
                flags=[f"cop:{cop_id}"],
            )
            await graph.aupdate_state(
                config, {"transcript": [*state.transcript, message]}, as_node="respond"
            )
            updated = case.model_copy(update={"updated_at": _now(deps)})
            await deps.cases.save(updated)
            return updated

    async def close_case(
        self, conversation_id: str, cop_id: str, resolution_code: ResolutionCode
    ) -> Case:
        """Close the case; the conversation is resolved and the agent may answer again."""
        graph, deps = self._require()
        if resolution_code not in get_args(ResolutionCode):
            raise InvalidRequestError(
                f"resolution_code must be one of {get_args(ResolutionCode)}, got "
                f"{resolution_code!r}"
            )
        async with self._locks.setdefault(conversation_id, asyncio.Lock()):
            case = await self.get_case(conversation_id)
            if case.status != "claimed" or case.owner != cop_id:
                raise CaseConflictError(
                    f"case {conversation_id} must be claimed by {cop_id} before closing"
                )
            config = {"configurable": {"thread_id": conversation_id}}
            await graph.aupdate_state(
                config, {"status": "resolved", "pending": None, "slot": None}, as_node="respond"
            )
            updated = case.model_copy(
                update={
                    "status": "closed",
                    "resolution_code": resolution_code,
                    "updated_at": _now(deps),
                }
            )
            await deps.cases.save(updated)
            await deps.record(
                conversation_id,
                0,
                "escalation",
                "CASE-CLOSED",
                cop=cop_id,
                resolution_code=resolution_code,
            )
            return updated

    async def get_conversation(self, conversation_id: str) -> Conversation:
        graph, _ = self._require()
        _check_id("conversation_id", conversation_id)
        snapshot = await graph.aget_state({"configurable": {"thread_id": conversation_id}})
        if not snapshot.values:
            raise UnknownConversationError(conversation_id)
        state = ConversationState.model_validate(snapshot.values)
        return Conversation(
            conversation_id=conversation_id,
            customer_id=state.customer_id,
            status=state.status,
            first_intent=state.first_intent,
            transcript=state.transcript,
            actions=[_taken(a) for a in state.actions],
            handoff=state.handoff,
            state=state,
        )


def _config(conversation_id: str) -> Any:
    return {"configurable": {"thread_id": conversation_id}}


def _inputs(
    conversation_id: str, customer_id: str, text: str, identity: IdentityLevel
) -> dict[str, Any]:
    return {
        "incoming": text,
        "inbound_identity": identity,
        "conversation_id": conversation_id,
        "customer_id": customer_id,
    }


def _now(deps: Deps) -> datetime:
    return deps.clock()


def _check_id(name: str, value: object) -> None:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidRequestError(
            f"{name} must be 1-128 characters of letters, digits, '_', '.', ':' or '-'; "
            f"got {value!r}"[:300]
        )


def _taken(record: Any) -> ActionTaken:
    failure = record.result.failure
    return ActionTaken(
        tool=record.call.tool,
        args=record.call.args,
        outcome="succeeded" if record.ok else "failed",
        detail=failure.message if failure else "",
    )


def _reply(state: ConversationState) -> Reply:
    reply = state.reply
    assert reply is not None
    handoff = state.handoff if isinstance(state.handoff, HandoffSummary) else None
    return Reply(
        conversation_id=state.conversation_id,
        text=reply.text,
        status=state.status,
        citations=reply.citations,
        actions=[_taken(a) for a in state.turn_actions()],
        handoff=handoff if state.status == "handed_off" else None,
        intent=state.active_intent,
        turn=state.turn,
    )
