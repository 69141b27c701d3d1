"""Customer turns: validate the request, admit it, run the graph, recover from a failure.

``handle_message`` is the drained form of ``stream``: both run one turn body, which takes the
conversation's lock, admits the customer, runs the graph (hands off if it fails) and ends with
the :class:`Reply`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, get_args

import structlog

from resolution_agent.agent.api._models import Conversation, Reply, action_taken, reply_of
from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.errors import (
    ConversationOwnershipError,
    DamagedConversationError,
    InvalidRequestError,
    ResolveError,
    StorageError,
    UnknownConversationError,
    UnknownCustomerError,
    storage_failure,
)
from resolution_agent.agent.escalation import fallback_escalation
from resolution_agent.agent.graph import DURABILITY
from resolution_agent.agent.ids import check_id
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.nodes.escalate import hand_off
from resolution_agent.agent.observability import turn_span
from resolution_agent.agent.patterns.log import record_signal
from resolution_agent.agent.patterns.record import turn_signal
from resolution_agent.agent.planning.llm import AgentEvent, LLMPlanner, agent_events
from resolution_agent.agent.policies import FallbackName
from resolution_agent.agent.state import ConversationState, Message
from resolution_agent.agent.storage.base import ChannelMessages
from resolution_agent.agent.storage.integrity import CONVERSATION_DAMAGE, damaged_file, set_aside
from resolution_agent.agent.storage.retention import PruneReport, prune_checkpoints
from resolution_agent.agent.wiring import Wiring
from resolution_agent.tools.declarations import get_tool
from resolution_agent.tools.models import CustomerView
from resolution_agent.tools.vocabulary import IdentityLevel

log = structlog.get_logger("resolution_agent.agent.api")


class CustomerTurns(Wiring):
    """The customer side of the agent: messages in, replies out, stored conversations."""

    def _validate(
        self, conversation_id: str, customer_id: str, text: object, identity: object
    ) -> None:
        check_id("conversation_id", conversation_id)
        check_id("customer_id", customer_id)
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
        *,
        message_id: str | None = None,
        channel: str = "api",
    ) -> Reply:
        """Handle one customer message and return what to show them.

        If the caller is cancelled (a timeout), the turn still runs to its end and is recorded.
        With the channel's ``message_id``, a redelivered message (a retry after a lost reply,
        the same message sent to two workers) gets the first reply and runs nothing again; a
        turn that a crash interrupted is resumed from its last checkpoint, not started again.
        When the agent's storage fails, this raises :class:`StorageError` and the message is
        not answered (nothing reaches the bank unless stored first): deliver it again once the
        storage is back.
        """

        async def drain() -> Reply:
            reply: Reply | None = None
            async for item in self._turn(
                conversation_id,
                customer_id,
                text,
                identity,
                events=False,
                message_id=message_id,
                channel=channel,
            ):
                if isinstance(item, Reply):
                    reply = item
            assert reply is not None  # a turn always ends with its Reply
            return reply

        # A caller that stops waiting (a channel's timeout) must not abandon the customer's
        # message half-way: the turn runs on to its reply, recorded in the conversation (and
        # for a message id, returned to the redelivery); the agent waits for it on closing.
        turn = asyncio.ensure_future(drain())
        self._in_flight.add(turn)
        turn.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(turn)

    async def stream(
        self,
        conversation_id: str,
        customer_id: str,
        text: str,
        identity: IdentityLevel = "app_authenticated",
        *,
        message_id: str | None = None,
        channel: str = "api",
    ) -> AsyncIterator[AgentEvent | Reply]:
        """Like :meth:`handle_message`, yielding events as they happen, then the final Reply.

        Events: reply text as it arrives (a preview: the output guard may still replace it),
        tool started, tool finished, tool held by a guard, handed off. The last item is the
        authoritative :class:`Reply`. A redelivered ``message_id`` yields only the Reply.
        """
        async for item in self._turn(
            conversation_id,
            customer_id,
            text,
            identity,
            events=True,
            message_id=message_id,
            channel=channel,
        ):
            yield item

    async def _turn(
        self,
        conversation_id: str,
        customer_id: str,
        text: str,
        identity: IdentityLevel,
        *,
        events: bool,
        message_id: str | None,
        channel: str,
    ) -> AsyncIterator[AgentEvent | Reply]:
        """One customer turn: the graph's events when ``events`` is set, then the Reply.

        Without events the graph runs with ``ainvoke`` (no stream writer), as a plain
        ``handle_message`` always has. Everything runs under the conversation's lock (across
        processes on PostgreSQL), so a message id is claimed and answered by one worker.
        """
        graph, deps = self._require()
        self._validate(conversation_id, customer_id, text, identity)
        if message_id is not None:
            check_id("channel", channel)
            check_id("message_id", message_id)
        started = time.perf_counter()
        async with self._locks.hold(conversation_id):
            structlog.contextvars.bind_contextvars(conversation_id=conversation_id)
            try:
                damage = await self._admit(graph, deps, conversation_id, customer_id)
                config = _config(conversation_id)
                tagged = None if message_id is None else f"{channel}:{message_id}"
                if message_id is not None:
                    claimed = await self._channel_messages().claim(
                        channel, message_id, conversation_id
                    )
                    if claimed.conversation_id != conversation_id:
                        # Never another conversation's (another customer's) reply or record.
                        raise InvalidRequestError(
                            f"message_id {message_id!r} of channel {channel!r} was already "
                            "used in another conversation; a channel's message ids must be "
                            "unique across its conversations: send this message with a new id"
                        )
                    if claimed.reply_json is not None:  # answered: the same reply, nothing runs
                        log.info("message_redelivered", message_id=message_id)
                        yield Reply.model_validate_json(claimed.reply_json)
                        return
                inputs = _inputs(conversation_id, customer_id, text, identity, tagged)
                if customer_id in self._closed_customers:
                    # Read from the bank when the conversation began; kept in its state.
                    inputs["customer_closed"] = True
                with turn_span(deps.tracer, conversation_id=conversation_id):
                    try:
                        if damage is not None:  # its stored state is unreadable: hand off
                            values = await self._recover(
                                graph,
                                deps,
                                config,
                                conversation_id,
                                customer_id,
                                text,
                                damage,
                                fallback="damaged_conversation",
                                message_id=tagged,
                            )
                        else:
                            values = await self._resume(graph, config, tagged)
                        if values is None and events:
                            chunks = graph.astream(
                                inputs,
                                config,
                                stream_mode=["updates", "custom"],
                                durability=DURABILITY,
                            )
                            async for event in agent_events(chunks):
                                yield event
                            values = (await graph.aget_state(config)).values
                        elif values is None:
                            values = await graph.ainvoke(inputs, config, durability=DURABILITY)
                    except Exception as exc:  # a bug must hand off safely, never lose a message
                        if isinstance(exc, StorageError) or storage_failure(exc) is not None:
                            raise  # the hand-off could not be stored either: see below
                        log.exception("turn_failed", error=type(exc).__name__)
                        values = await self._recover(
                            graph,
                            deps,
                            config,
                            conversation_id,
                            customer_id,
                            text,
                            repr(exc),
                            message_id=tagged,
                        )
                reply, state = self._finish(values)
                await record_signal(
                    self._signals,
                    turn_signal(state, clarify_threshold=deps.settings.clarify_threshold),
                )
                if message_id is not None:
                    await self._channel_messages().answer(
                        channel, message_id, reply.model_dump_json()
                    )
                deps.metrics.observe_turn(reply.status, time.perf_counter() - started)
                yield reply
            except Exception as exc:
                failure = storage_failure(exc)
                if failure is None or isinstance(exc, ResolveError):
                    raise
                log.error("turn_not_stored", error=type(failure).__name__)
                raise StorageError(
                    f"the conversation could not be read or saved ({failure}), so this message "
                    "was not answered; make the agent's storage usable again (disk space, "
                    "RESOLVE_DATA_DIR present, database reachable) and deliver the message "
                    "again, with the same message id: the turn resumes from its last stored "
                    "step, and a write already sent is in the audit trail and is not repeated"
                ) from exc
            finally:
                structlog.contextvars.unbind_contextvars("conversation_id")

    def _channel_messages(self) -> ChannelMessages:
        assert self._storage is not None  # set whenever the agent is open
        return self._storage.channel_messages

    async def _resume(self, graph: Any, config: Any, tagged: str | None) -> Any:
        """The state after a message the graph already took in, or None for a new message.

        A crash (or a cancelled caller) between ``ingest`` and ``respond`` leaves the turn's
        steps checkpointed and the rest pending: LangGraph resumes it from there, and the
        ``act`` steps already done are not run again (those after send the same idempotency
        keys). A turn that finished but whose answer was never recorded is simply read back.
        A crash after a node's writes were saved but before its step's checkpoint leaves
        every task of the step done and none ``next``: the turn is unfinished all the same
        (``tasks`` is empty only once the graph has ended).
        """
        if tagged is None:
            return None
        snapshot = await graph.aget_state(config)
        if not snapshot.values:
            return None
        state = ConversationState.model_validate(snapshot.values)
        if not any(m.message_id == tagged for m in state.transcript):
            return None
        if snapshot.next or snapshot.tasks:
            log.warning("turn_resumed", next=[t.name for t in snapshot.tasks])
            return await graph.ainvoke(None, config, durability=DURABILITY)
        return snapshot.values

    async def _admit(
        self, graph: Any, deps: Deps, conversation_id: str, customer_id: str
    ) -> str | None:
        """Admit the customer to the conversation; what is wrong if its state cannot be read.

        A stored state that no longer deserialises or validates is set aside (kept under
        another thread id) and the turn hands the conversation off with the customer's
        message (``ESC-DAMAGED-CONVERSATION``); other conversations never notice. A SQLite
        file SQLite itself cannot read is the whole store's problem: :class:`StorageError`.
        """
        try:
            snapshot = await graph.aget_state(_config(conversation_id))
            stored = ConversationState.model_validate(snapshot.values) if snapshot.values else None
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:  # locked, disk I/O: not the content
                raise
            raise damaged_file(deps.settings.checkpoint_file, str(exc)) from exc
        except CONVERSATION_DAMAGE as exc:
            return await self._set_aside(deps, conversation_id, customer_id, exc)
        if stored is None:
            await self._check_customer(deps, customer_id)
        elif stored.customer_id != customer_id:
            raise ConversationOwnershipError(conversation_id)
        return None

    async def _set_aside(
        self, deps: Deps, conversation_id: str, customer_id: str, exc: Exception
    ) -> str:
        """Move an unreadable conversation out of the way; the detail for the hand-off."""
        assert self._storage is not None  # set whenever the agent is open
        kept_as = await set_aside(self._storage.checkpointer, conversation_id)
        # The type only: a validation message could quote the customer's data.
        log.error("conversation_damaged", error=type(exc).__name__, kept_as=kept_as)
        await self._check_customer(deps, customer_id)
        return f"stored state unreadable ({type(exc).__name__}); kept as {kept_as or 'nothing'}"

    def _finish(self, values: Any) -> tuple[Reply, ConversationState]:
        state = ConversationState.model_validate(values)
        log.info("turn_done", status=state.status, intent=state.active_intent, turn=state.turn)
        reply = reply_of(state)
        if isinstance(self._active_planner, LLMPlanner):
            usage = self._active_planner.turn_usage(state.conversation_id, state.turn)
            reply = reply.model_copy(update={"usage": usage})
        return reply, state

    async def check_customer(self, customer_id: str) -> None:
        """Raise :class:`UnknownCustomerError` unless the bank knows ``customer_id``.

        For channels that should refuse a customer before taking their first message (the
        terminal chat); :meth:`handle_message` makes the same check on a new conversation.
        """
        _, deps = self._require()
        check_id("customer_id", customer_id)
        await self._check_customer(deps, customer_id)

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
            if result.parsed(CustomerView).status == "closed":
                self._closed_customers.add(customer_id)

    async def _recover(
        self,
        graph: Any,
        deps: Deps,
        config: Any,
        conversation_id: str,
        customer_id: str,
        text: str,
        error: str,
        *,
        fallback: FallbackName = "internal_error",
        message_id: str | None = None,
    ) -> dict[str, Any]:
        fresh = {"conversation_id": conversation_id, "customer_id": customer_id}
        try:
            snapshot = await graph.aget_state(config)
            state = ConversationState.model_validate(snapshot.values or fresh)
        except CONVERSATION_DAMAGE as exc:  # the failed turn left a state that cannot be read
            error = await self._set_aside(deps, conversation_id, customer_id, exc)
            fallback = "damaged_conversation"
            state = ConversationState.model_validate(fresh)
        now = deps.clock()
        last = state.transcript[-1] if state.transcript else None
        kept: list[Message] = []  # the customer's message, unless the graph already recorded it
        if last is None or last.role != "customer" or last.text != text:
            kept.append(
                Message(
                    role="customer",
                    text=text[: deps.settings.max_message_chars],
                    turn=state.turn + 1,
                    at=now,
                    message_id=message_id,  # so a redelivery is known to be this message
                )
            )
        turn = max(state.turn, (kept or state.transcript)[-1].turn)
        state = state.model_copy(update={"transcript": [*state.transcript, *kept], "turn": turn})
        escalation = fallback_escalation(
            fallback, deps.policies, state.active_intent, detail=error[:200]
        )
        update = await hand_off(state, escalation, deps)
        reply = update["this_turn"].changes["reply"]
        update |= {
            "transcript": [
                *kept,
                Message(role="agent", text=reply.text, turn=turn, at=deps.clock()),
            ],
            "status": "handed_off",
            "turn": turn,
            "pending": None,
            **fresh,  # a conversation set aside starts again from nothing
        }
        await graph.aupdate_state(config, update, as_node="respond")
        return dict((await graph.aget_state(config)).values)

    async def prune_checkpoints(self, *, now: datetime | None = None) -> PruneReport:
        """Delete superseded checkpoints, and conversations idle past the retention days.

        ``resolve serve`` runs this every ``RESOLVE_CHECKPOINT_PRUNE_INTERVAL_S``; see
        :mod:`agent.storage.retention` for what is kept.
        """
        self._require()
        assert self._storage is not None  # set whenever the agent is open
        return await prune_checkpoints(
            self._storage, retention_days=self.settings.checkpoint_retention_days, now=now
        )

    async def audit_events(self, conversation_id: str) -> list[AuditEvent]:
        """Every audit event of a conversation, in order (guard decisions, tool calls ...)."""
        _, deps = self._require()
        check_id("conversation_id", conversation_id)
        events = await deps.audit.events(conversation_id)
        if not events:
            await self.get_conversation(conversation_id)  # raises if it does not exist
        return events

    async def get_conversation(self, conversation_id: str) -> Conversation:
        graph, _ = self._require()
        check_id("conversation_id", conversation_id)
        try:
            snapshot = await graph.aget_state({"configurable": {"thread_id": conversation_id}})
            if not snapshot.values:
                raise UnknownConversationError(conversation_id)
            state = ConversationState.model_validate(snapshot.values)
        except CONVERSATION_DAMAGE as exc:  # reading changes nothing: the next turn hands off
            raise DamagedConversationError(conversation_id, type(exc).__name__) from exc
        return Conversation(
            conversation_id=conversation_id,
            customer_id=state.customer_id,
            status=state.status,
            first_intent=state.first_intent,
            transcript=state.transcript,
            actions=[action_taken(a) for a in state.actions],
            handoff=state.handoff,
            state=state,
        )


def _config(conversation_id: str) -> Any:
    return {"configurable": {"thread_id": conversation_id}}


def _inputs(
    conversation_id: str,
    customer_id: str,
    text: str,
    identity: IdentityLevel,
    message_id: str | None,
) -> dict[str, Any]:
    return {
        "incoming": text,
        "message_id": message_id,
        "inbound_identity": identity,
        "conversation_id": conversation_id,
        "customer_id": customer_id,
    }
