"""The COp desk's methods of the agent: the case queue, claim, reply, close, and routing.

COps work handed-off cases through these (and the console, :mod:`agent.console`, built on
them); the live router (:class:`agent.routing.RoutingService`) suggests who takes what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from resolution_agent.agent.desk._aid import DecisionAid
from resolution_agent.agent.desk.cases import Case
from resolution_agent.agent.desk.notices import CustomerNotice
from resolution_agent.agent.errors import (
    CaseConflictError,
    InvalidRequestError,
    UnknownConversationError,
)
from resolution_agent.agent.ids import check_id
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.routing import (
    CopId,
    Roster,
    RoutingService,
    UnknownCopError,
    cases_from_handoffs,
    load_roster,
)
from resolution_agent.agent.state import ConversationState, Message
from resolution_agent.agent.vocabulary import ResolutionCode


class CopDesk(DecisionAid):
    """The COp side of the agent; shares the per-conversation locks with customer turns.

    The decision aid (:meth:`similar_cases`, :meth:`draft_reply`) comes from
    :class:`agent.desk._aid.DecisionAid`.
    """

    _roster: Roster | None = None  # loaded on first use

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
        check_id("cop_id", cop_id)
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
        check_id("conversation_id", conversation_id)
        case = await deps.cases.get(conversation_id)
        if case is None:
            raise UnknownConversationError(conversation_id)
        return case

    async def claim_case(self, conversation_id: str, cop_id: str) -> Case:
        """A COp takes the case; nobody else can reply or close it until it is closed."""
        _, deps = self._require()
        check_id("cop_id", cop_id)
        async with self._locks.hold(conversation_id):
            case = await self.get_case(conversation_id)
            if case.status == "closed":
                raise CaseConflictError(f"case {conversation_id} is closed")
            if case.owner not in (None, cop_id):
                raise CaseConflictError(f"case {conversation_id} is claimed by {case.owner}")
            updated = case.model_copy(
                update={"status": "claimed", "owner": cop_id, "updated_at": _now(deps)}
            )
            await deps.cases.save(updated)
            if case.status != "claimed":
                await self._notify(
                    CustomerNotice(
                        kind="case_claimed", conversation_id=conversation_id, at=_now(deps)
                    )
                )
            return updated

    async def _notify(self, notice: CustomerNotice) -> None:
        """Queue a notice for the customer's channel (webhook or poll): the outbox keeps it."""
        await self.deliveries.enqueue(
            notice.conversation_id, notice.model_dump_json(), now=notice.at
        )

    async def cop_reply(self, conversation_id: str, cop_id: str, text: str) -> Case:
        """A COp's message to the customer: added to the transcript and sent to their channel."""
        graph, deps = self._require()
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequestError("a COp reply needs some text")
        async with self._locks.hold(conversation_id):
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
            await graph.aupdate_state(config, {"transcript": [message]}, as_node="respond")
            await self._record_shadow_sent(conversation_id, state.turn, message.text)
            updated = case.model_copy(update={"updated_at": _now(deps)})
            await deps.cases.save(updated)
            await self._notify(
                CustomerNotice(
                    kind="cop_reply",
                    conversation_id=conversation_id,
                    at=message.at,
                    text=message.text,
                )
            )
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
        async with self._locks.hold(conversation_id):
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
            await self._notify(
                CustomerNotice(
                    kind="case_closed",
                    conversation_id=conversation_id,
                    at=_now(deps),
                    status="resolved",
                )
            )
            return updated


def _now(deps: Deps) -> datetime:
    return deps.clock()
