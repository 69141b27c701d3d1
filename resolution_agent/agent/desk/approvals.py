"""The COp desk's approvals: propose, approve and reject actions the agent may not take alone.

Approval runs the call as the agent would have: the action guard decides again (with the
approving COp standing in for the limit, the staff approval and the customer's yes; see
:mod:`agent.guards.action`), then the ``act`` node itself sends it, so the ``tool_intent`` /
``tool_call`` audit events and the idempotency key are the agent's own. The key names the
proposal, so the bank does an approved call at most once. The customer is told the outcome
through the outbox, as a COp's reply is, and it joins the conversation's transcript.

Every decision happens under the conversation's lock and is a compare-and-set on the
proposal's status, so of two COps (or workers) approving at once exactly one runs the call;
the other gets :class:`ProposalConflictError` and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from pydantic import JsonValue

from resolution_agent.agent.desk.cases import Case
from resolution_agent.agent.desk.notices import CustomerNotice
from resolution_agent.agent.desk.proposals import (
    PROPOSAL_APPROVED,
    PROPOSAL_MADE,
    PROPOSAL_REJECTED,
    Proposal,
    ProposalStore,
    audit_detail,
    proposal_id,
)
from resolution_agent.agent.errors import (
    CaseConflictError,
    InvalidRequestError,
    ProposalConflictError,
    UnknownConversationError,
    UnknownProposalError,
)
from resolution_agent.agent.guards.action import check_action
from resolution_agent.agent.ids import check_id
from resolution_agent.agent.nodes.act import act
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.routing import Roster, load_roster
from resolution_agent.agent.state import ConversationState, Message, ProposeTool, ToolCall
from resolution_agent.agent.wiring import Wiring
from resolution_agent.tools.declarations import get_tool
from resolution_agent.tools.models import ToolResult

log = structlog.get_logger("resolution_agent.agent.desk.approvals")

OUTCOME_TEMPLATE = "replies/proposal_outcome.j2"


class ApprovalDesk(Wiring):
    """Proposed actions on cases, and the COps' decisions on them."""

    _approvers: Roster | None = None  # the roster, loaded on first use

    async def list_proposals(self, conversation_id: str) -> list[Proposal]:
        """The case's proposed actions, oldest first, whatever their status."""
        _, deps = self._require()
        await self._case(conversation_id, deps)
        return await self._proposals(deps).of_conversation(conversation_id)

    async def propose_action(
        self,
        conversation_id: str,
        cop_id: str,
        tool: str,
        args: Mapping[str, JsonValue],
        reason: str,
    ) -> Proposal:
        """A COp who holds the case proposes a call for a colleague (or, without four-eyes,
        themselves) to approve. The action guard must let an approved call run now."""
        graph, deps = self._require()
        self._check_cop(cop_id)
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidRequestError("a proposal needs a reason a colleague can judge it by")
        async with self._locks.hold(conversation_id):
            case = await self._case(conversation_id, deps)
            if case.status != "claimed" or case.owner != cop_id:
                raise CaseConflictError(
                    f"case {conversation_id} must be claimed by {cop_id} before proposing"
                )
            state = await _state(graph, conversation_id)
            call = ToolCall(tool=tool, args=dict(args))
            decision = check_action(state, call, deps.policies, approved_by=cop_id)
            if decision.verdict != "allow":
                raise InvalidRequestError(
                    f"the action guard would not run {tool} even approved "
                    f"({decision.rule_id}: {decision.reason})"
                )
            proposal = Proposal(
                id=proposal_id(conversation_id, state.turn, cop_id, call),
                conversation_id=conversation_id,
                call=call,
                rule_id="COP-PROPOSED",
                reason=reason.strip()[:500],
                proposer=cop_id,
                four_eyes=deps.policies.tools[tool].four_eyes,
                status="pending",
                turn=state.turn,
                created_at=deps.clock(),
            )
            await self._proposals(deps).add(proposal)
            await deps.record(
                conversation_id, state.turn, "escalation", PROPOSAL_MADE, **audit_detail(proposal)
            )
            return proposal

    async def approve_proposal(
        self, conversation_id: str, proposal_id: str, cop_id: str
    ) -> Proposal:
        """Approve and run a pending proposal; the customer is told the outcome.

        Raises :class:`ProposalConflictError` (nothing changes) when the case is closed, the
        proposal was decided already, four-eyes forbids the COp, or the action guard refuses
        the call now; :class:`UnknownProposalError` and :class:`InvalidRequestError` for an
        unknown proposal or COp.
        """
        graph, deps = self._require()
        self._check_cop(cop_id)
        store = self._proposals(deps)
        async with self._locks.hold(conversation_id):
            case, proposal = await self._pending(conversation_id, proposal_id, deps)
            if proposal.four_eyes and proposal.proposer == cop_id:
                raise ProposalConflictError(
                    f"four-eyes: {cop_id} proposed {proposal.call.tool} and may not approve it; "
                    "another COp must",
                    rule_id="FOUR-EYES",
                )
            state = await _state(graph, conversation_id)
            decision = check_action(state, proposal.call, deps.policies, approved_by=cop_id)
            await deps.record(
                conversation_id,
                state.turn,
                "guard",
                decision.rule_id,
                verdict=decision.verdict,
                tool=proposal.call.tool,
                args=dict(proposal.call.args),
                reason=decision.reason,
                proposal=proposal.id,
                cop=cop_id,
            )
            if decision.verdict != "allow":
                raise ProposalConflictError(
                    f"the action guard refuses {proposal.call.tool} now ({decision.rule_id}: "
                    f"{decision.reason}); the proposal stays pending: reject it",
                    rule_id=decision.rule_id,
                )
            approved = _decided(proposal, "approved", cop_id, deps)
            if not await store.replace(approved, expected="pending"):
                raise ProposalConflictError(f"proposal {proposal_id} was decided by someone else")
            await deps.record(
                conversation_id,
                state.turn,
                "escalation",
                PROPOSAL_APPROVED,
                **audit_detail(approved),
            )
            # The act node sends it: its audit events, and a key naming this proposal.
            proposed = state.model_copy(
                update={
                    "this_turn": state.this_turn.but(proposal=ProposeTool(call=proposal.call)),
                    "message_id": f"proposal:{proposal.id}",
                }
            )
            update = await act(proposed, deps)
            result: ToolResult = update["actions"][0].result
            done = approved.model_copy(
                update={
                    "status": "executed" if result.ok else "failed",
                    "outcome": result.outcome,
                }
            )
            await store.replace(done, expected="approved")
            log.info("proposal_approved", tool=proposal.call.tool, outcome=result.outcome)
            kept = {k: v for k, v in update.items() if k != "this_turn"}
            text = _outcome_text(deps, proposal.call, result)
            await self._tell_customer(case, state, cop_id, proposal, text, deps, kept)
            return done

    async def reject_proposal(
        self, conversation_id: str, proposal_id: str, cop_id: str, note: str = ""
    ) -> Proposal:
        """Reject a pending proposal: nothing is sent to the bank; the customer is told."""
        graph, deps = self._require()
        self._check_cop(cop_id)
        async with self._locks.hold(conversation_id):
            case, proposal = await self._pending(conversation_id, proposal_id, deps)
            rejected = _decided(proposal, "rejected", cop_id, deps).model_copy(
                update={"note": note.strip()[:500] if isinstance(note, str) else ""}
            )
            if not await self._proposals(deps).replace(rejected, expected="pending"):
                raise ProposalConflictError(f"proposal {proposal_id} was decided by someone else")
            state = await _state(graph, conversation_id)
            await deps.record(
                conversation_id,
                state.turn,
                "escalation",
                PROPOSAL_REJECTED,
                **audit_detail(rejected),
            )
            log.info("proposal_rejected", tool=proposal.call.tool)
            text = deps.templates.render_part(
                OUTCOME_TEMPLATE, "rejected", unconfirmed=_unconfirmed(deps, proposal.call)
            )
            await self._tell_customer(case, state, cop_id, proposal, text, deps, {})
            return rejected

    async def _tell_customer(
        self,
        case: Case,
        state: ConversationState,
        cop_id: str,
        proposal: Proposal,
        text: str,
        deps: Deps,
        update: dict[str, Any],
    ) -> None:
        """The outcome joins the transcript (with what ``act`` changed) and the outbox."""
        graph, _ = self._require()
        now = deps.clock()
        message = Message(
            role="cop",
            text=text,
            turn=state.turn,
            at=now,
            flags=[f"cop:{cop_id}", f"proposal:{proposal.id}"],
        )
        config = {"configurable": {"thread_id": case.conversation_id}}
        await graph.aupdate_state(config, {**update, "transcript": [message]}, as_node="respond")
        await deps.cases.save(case.model_copy(update={"updated_at": now}))
        await self.deliveries.enqueue(
            case.conversation_id,
            CustomerNotice(
                kind="proposal_decided", conversation_id=case.conversation_id, at=now, text=text
            ).model_dump_json(),
            now=now,
        )

    async def _case(self, conversation_id: str, deps: Deps) -> Case:
        check_id("conversation_id", conversation_id)
        case = await deps.cases.get(conversation_id)
        if case is None:
            raise UnknownConversationError(conversation_id)
        return case

    async def _pending(
        self, conversation_id: str, proposal_id: str, deps: Deps
    ) -> tuple[Case, Proposal]:
        """The open case and its pending proposal, or the error that says which is not."""
        case = await self._case(conversation_id, deps)
        check_id("proposal_id", proposal_id)
        proposal = await self._proposals(deps).get(proposal_id)
        if proposal is None or proposal.conversation_id != conversation_id:
            raise UnknownProposalError(conversation_id, proposal_id)
        if case.status == "closed":
            raise ProposalConflictError(
                f"case {conversation_id} is closed; its proposals can no longer be decided"
            )
        if proposal.status != "pending":
            raise ProposalConflictError(
                f"proposal {proposal_id} is {proposal.status} already "
                f"(by {proposal.decided_by}); it can be decided only once"
            )
        return case, proposal

    def _check_cop(self, cop_id: str) -> None:
        """Only a COp on the roster (``Settings.cops_roster``) decides or proposes."""
        check_id("cop_id", cop_id)
        if self._approvers is None:
            self._approvers = load_roster(self.settings.roster_file)
        if all(cop.id != cop_id for cop in self._approvers.cops):
            raise InvalidRequestError(
                f"COp {cop_id!r} is not on the roster {self.settings.roster_file}"
            )

    @staticmethod
    def _proposals(deps: Deps) -> ProposalStore:
        assert deps.proposals is not None, "an open agent's deps hold its proposal store"
        return deps.proposals


async def _state(graph: Any, conversation_id: str) -> ConversationState:
    snapshot = await graph.aget_state({"configurable": {"thread_id": conversation_id}})
    return ConversationState.model_validate(snapshot.values)


def _decided(proposal: Proposal, status: Any, cop_id: str, deps: Deps) -> Proposal:
    return proposal.model_copy(
        update={"status": status, "decided_by": cop_id, "decided_at": deps.clock()}
    )


def _unconfirmed(deps: Deps, call: ToolCall) -> str:
    template = get_tool(call.tool).template
    if deps.templates.has_part(template, "unconfirmed"):
        return deps.templates.render_part(template, "unconfirmed", args=call.args)
    return "this change"


def _outcome_text(deps: Deps, call: ToolCall, result: ToolResult) -> str:
    template = get_tool(call.tool).template
    if result.ok:
        done = (
            deps.templates.render_part(template, "done", data=result.data, args=call.args)
            if deps.templates.has_part(template, "done")
            else "It's done."
        )
        return deps.templates.render_part(OUTCOME_TEMPLATE, "executed", done=done)
    part = "unknown" if result.outcome == "unknown" else "failed"
    return deps.templates.render_part(OUTCOME_TEMPLATE, part, unconfirmed=_unconfirmed(deps, call))
