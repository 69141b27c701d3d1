"""Customer turns: validate the request, admit it, run the graph, recover from a failure.

``handle_message`` is the drained form of ``stream``: both run one turn body, which takes the
conversation's lock, admits the customer, runs the graph (hands off if it fails) and ends with
the :class:`Reply`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any, get_args

import structlog

from resolution_agent.agent.api._models import Conversation, Reply, action_taken, reply_of
from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.errors import (
    ConversationOwnershipError,
    InvalidRequestError,
    UnknownConversationError,
    UnknownCustomerError,
)
from resolution_agent.agent.escalation import fallback_escalation
from resolution_agent.agent.ids import check_id
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.nodes.escalate import hand_off
from resolution_agent.agent.observability import turn_span
from resolution_agent.agent.planning.llm import AgentEvent, LLMPlanner, agent_events
from resolution_agent.agent.state import ConversationState, Message
from resolution_agent.agent.storage.base import ChannelMessages
from resolution_agent.agent.wiring import Wiring
from resolution_agent.tools.declarations import get_tool
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
                await self._admit(graph, deps, conversation_id, customer_id)
                config = _config(conversation_id)
                tagged = None if message_id is None else f"{channel}:{message_id}"
                if message_id is not None:
                    recorded = await self._channel_messages().claim(
                        channel, message_id, conversation_id
                    )
                    if recorded is not None:  # answered before: the same reply, nothing runs
                        log.info("message_redelivered", message_id=message_id)
                        yield Reply.model_validate_json(recorded)
                        return
                inputs = _inputs(conversation_id, customer_id, text, identity, tagged)
                with turn_span(deps.tracer, conversation_id=conversation_id):
                    try:
                        values = await self._resume(graph, config, tagged)
                        if values is None and events:
                            chunks = graph.astream(
                                inputs, config, stream_mode=["updates", "custom"]
                            )
                            async for event in agent_events(chunks):
                                yield event
                            values = (await graph.aget_state(config)).values
                        elif values is None:
                            values = await graph.ainvoke(inputs, config)
                    except Exception as exc:  # a bug must hand off safely, never lose a message
                        log.exception("turn_failed", error=type(exc).__name__)
                        values = await self._recover(
                            graph, deps, config, conversation_id, customer_id, text, repr(exc)
                        )
                reply = self._finish(values)
                if message_id is not None:
                    await self._channel_messages().answer(
                        channel, message_id, reply.model_dump_json()
                    )
                deps.metrics.observe_turn(reply.status, time.perf_counter() - started)
                yield reply
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
        """
        if tagged is None:
            return None
        snapshot = await graph.aget_state(config)
        if not snapshot.values:
            return None
        state = ConversationState.model_validate(snapshot.values)
        if not any(m.message_id == tagged for m in state.transcript):
            return None
        if snapshot.next:
            log.warning("turn_resumed", next=list(snapshot.next))
            return await graph.ainvoke(None, config)
        return snapshot.values

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
        reply = reply_of(state)
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
        last = state.transcript[-1] if state.transcript else None
        kept: list[Message] = []  # the customer's message, unless the graph already recorded it
        if last is None or last.role != "customer" or last.text != text:
            kept.append(
                Message(
                    role="customer",
                    text=text[: deps.settings.max_message_chars],
                    turn=state.turn + 1,
                    at=now,
                )
            )
        turn = max(state.turn, (kept or state.transcript)[-1].turn)
        state = state.model_copy(update={"transcript": [*state.transcript, *kept], "turn": turn})
        escalation = fallback_escalation(
            "internal_error", deps.policies, state.active_intent, detail=error[:200]
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
        }
        await graph.aupdate_state(config, update, as_node="respond")
        return dict((await graph.aget_state(config)).values)

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
