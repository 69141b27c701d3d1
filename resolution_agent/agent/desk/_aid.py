"""The COp desk's decision aid, as methods of the agent: similar closed cases, a drafted reply,
and the shadow-mode agreement report.

Similar cases and drafts read the case and its conversation as stored and change nothing: a COp
may open a case page as often as they like. The encoder is the intent classifier's shared
MiniLM (one copy of the weights per process), run in a worker thread so the event loop never
waits on it. The shadow report and the record of a COp's send live in
:mod:`agent.desk.shadow`; the methods here reach them through the agent's storage.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import datetime
from typing import Any

import numpy as np

from resolution_agent.agent.desk.cases import Case
from resolution_agent.agent.desk.drafts import DraftReply, draft_for
from resolution_agent.agent.desk.shadow import (
    SENT_RULE,
    ShadowReport,
    agreement,
    pending_draft,
    shadow_report,
)
from resolution_agent.agent.desk.similar import CaseFacts, SimilarCase, issue_text, rank_similar
from resolution_agent.agent.errors import (
    CaseConflictError,
    InvalidRequestError,
    UnknownConversationError,
)
from resolution_agent.agent.ids import check_id
from resolution_agent.agent.models import Model
from resolution_agent.agent.planning.llm import LLMPlanner
from resolution_agent.agent.state import ConversationState
from resolution_agent.agent.understanding.classifier.embedding import (
    Encoder,
    Matrix,
    shared_encoder,
)
from resolution_agent.agent.wiring import Wiring

#: The closed cases compared, newest first: a desk's recent precedent, read in well under a
#: second; older cases say less about how the bank handles a problem today.
MAX_CANDIDATES = 500
MAX_SIMILAR = 20
_KEPT_CLOSED = 2 * MAX_CANDIDATES
#: Tool argument and result fields that name a merchant or payee.
_MERCHANT_FIELDS = ("merchant", "payee_name")


class DecisionAid(Wiring):
    """Similar cases and drafted replies for the COp working a case."""

    _aid_encoder: Encoder | None = None  # the shared MiniLM, taken on first use
    # Closed cases read and embedded, by (id, last change): a closed case changes only when
    # it is reopened, so a page view embeds only the case in hand and the newly closed.
    _aid_closed: OrderedDict[tuple[str, datetime], tuple[CaseFacts, Matrix]] | None = None

    async def similar_cases(self, conversation_id: str, *, limit: int = 5) -> list[SimilarCase]:
        """The closed cases closest to this one (meaning and facts), best first, each with its
        resolution code and the COp reply that closed it."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_SIMILAR:
            raise InvalidRequestError(f"limit must be a whole number from 1 to {MAX_SIMILAR}")
        case = await self._aid_case(conversation_id)
        _, deps = self._require()
        closed = await deps.cases.list(statuses=("closed",))
        closed = sorted(
            (c for c in closed if c.conversation_id != case.conversation_id),
            key=lambda c: (c.updated_at, c.conversation_id),
            reverse=True,
        )[:MAX_CANDIDATES]
        if not closed:
            return []
        target = _facts(case, await self._aid_state(conversation_id))
        known = self._aid_closed if self._aid_closed is not None else OrderedDict()
        self._aid_closed = known
        missing = [c for c in closed if (c.conversation_id, c.updated_at) not in known]
        facts = [_facts(c, await self._aid_state(c.conversation_id)) for c in missing]
        encoder = self._aid_encoder = self._aid_encoder or shared_encoder()
        vectors = await asyncio.to_thread(encoder.encode, [target.text, *(f.text for f in facts)])
        for c, f, v in zip(missing, facts, vectors[1:], strict=True):
            known[(c.conversation_id, c.updated_at)] = (f, v)
        while len(known) > _KEPT_CLOSED:
            known.popitem(last=False)
        chosen = [known[(c.conversation_id, c.updated_at)] for c in closed]
        return rank_similar(
            target,
            vectors[0],
            [f for f, _ in chosen],
            np.stack([v for _, v in chosen]),
            limit=limit,
        )

    async def draft_reply(self, conversation_id: str) -> DraftReply:
        """A suggested reply for the COp on an open case, passed through the output guard:
        the configured model's when there is one, else the reviewed template's."""
        case = await self._aid_case(conversation_id)
        if case.status == "closed":
            raise CaseConflictError(
                f"case {conversation_id} is closed: there is no reply to draft; "
                "the agent answers this customer again"
            )
        _, deps = self._require()
        held = pending_draft(await deps.audit.events(conversation_id))
        if held is not None and isinstance(held.detail.get("text"), str):
            # shadow mode: the agent's own reply to the last message, already through the guard
            return DraftReply(
                conversation_id=conversation_id,
                text=str(held.detail["text"]),
                source="agent",
                template=None,
                withheld=[],
            )
        state = await self._aid_state(conversation_id)
        return await draft_for(deps, state, case.summary, self._draft_model())

    async def shadow_report(self) -> ShadowReport:
        """How COps treated the agent's shadow-mode drafts, by intent: sent unchanged, edited
        or replaced; and how many drafts wait for a COp now."""
        _, deps = self._require()
        cases = await deps.cases.list(statuses=("queued", "claimed", "closed"))
        return shadow_report([await deps.audit.events(c.conversation_id) for c in cases])

    async def _record_shadow_sent(self, conversation_id: str, turn: int, text: str) -> None:
        """Compare a COp's reply with the shadow draft it answers (if one waits) and audit it."""
        _, deps = self._require()
        held = pending_draft(await deps.audit.events(conversation_id))
        if held is None or not isinstance(held.detail.get("text"), str):
            return
        said, ratio = agreement(str(held.detail["text"]), text)
        await deps.record(
            conversation_id,
            turn,
            "output",
            SENT_RULE,
            action="sent_by_cop",
            intent=held.detail.get("intent"),
            agreement=said,
            similarity=ratio,
        )

    def _draft_model(self) -> Model | None:
        planner = self._active_planner
        return planner.draft_model if isinstance(planner, LLMPlanner) else None

    async def _aid_case(self, conversation_id: str) -> Case:
        check_id("conversation_id", conversation_id)
        _, deps = self._require()
        case = await deps.cases.get(conversation_id)
        if case is None:
            raise UnknownConversationError(conversation_id)
        return case

    async def _aid_state(self, conversation_id: str) -> ConversationState:
        graph, _ = self._require()
        snapshot = await graph.aget_state({"configurable": {"thread_id": conversation_id}})
        return ConversationState.model_validate(snapshot.values)


def _facts(case: Case, state: ConversationState) -> CaseFacts:
    cop_lines = [m.text for m in state.transcript if m.role == "cop"]
    return CaseFacts(
        conversation_id=case.conversation_id,
        headline=case.summary.headline,
        text=issue_text(case.summary),
        intent=case.summary.intent,
        queue=case.queue,
        risks=frozenset(case.summary.risk_flags),
        merchants=frozenset(_merchants(state)),
        resolution_code=case.resolution_code,
        closing_reply=cop_lines[-1] if cop_lines else None,
    )


def _merchants(state: ConversationState) -> set[str]:
    """Merchant and payee names the conversation's tool calls named or answered with one."""
    found: set[str] = set()
    for action in state.actions:
        sources: list[dict[str, Any]] = [dict(action.call.args)]
        if action.result.data is not None:
            sources.append(dict(action.result.data))
        for source in sources:
            for name in _MERCHANT_FIELDS:
                value = source.get(name)
                if isinstance(value, str) and value.strip():
                    found.add(value.strip().lower())
    return found
