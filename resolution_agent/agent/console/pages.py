"""The console's pages: the queue (and its cases, for the page's live refresh), one case, and
the summary as JSON. Every page needs a logged-in COp.

The queue page asks ``/queue/cases`` for its cases every few seconds, with its own filters, and
puts the answer in place: both render the same template from the same :class:`QueueView`, so
a refreshed queue is exactly the queue a reload would show.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations, and
# ``Cop`` and ``Chosen`` are local to page_routes.
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from resolution_agent.agent.console.context import Console, SignedIn
from resolution_agent.agent.console.queue import (
    POLL_S,
    QueueFilter,
    other_cases_of_customer,
    queue_filter,
    queue_view,
)
from resolution_agent.agent.console.render import render_handoff_html, render_handoff_json
from resolution_agent.agent.vocabulary import QUEUES, ResolutionCode

NOTICES = {
    "claimed": "You have claimed this case.",
    "replied": "Your reply was added to the conversation.",
    "closed": "The case is closed.",
    "approved": "The action was approved and sent to the bank; the customer has been told.",
    "rejected": "The action was rejected: nothing was sent to the bank; the customer was told.",
}
QUEUE_CASES = "_queue_cases.html.j2"


def page_routes(console: Console) -> APIRouter:
    router = APIRouter()
    Cop = Annotated[SignedIn, Depends(console.signed_in)]
    Chosen = Annotated[QueueFilter, Depends(queue_filter)]

    @router.get("/", response_class=HTMLResponse)
    async def queue_page(request: Request, cop: Cop, chosen: Chosen) -> HTMLResponse:
        """The queue, filtered by queue and skill and searched by id, refreshing itself."""
        return console.page(
            request,
            "queue.html.j2",
            session=cop.session,
            view=await queue_view(console, chosen),
            queues=QUEUES,
            skills=console.skills,
            poll_s=POLL_S,
        )

    @router.get("/queue/cases", response_class=HTMLResponse)
    async def queue_cases(request: Request, cop: Cop, chosen: Chosen) -> HTMLResponse:
        """Only the queue page's cases (an HTML fragment), for its live refresh."""
        return console.page(
            request, QUEUE_CASES, session=cop.session, view=await queue_view(console, chosen)
        )

    @router.get("/cases/{conversation_id}", response_class=HTMLResponse)
    async def case_page(
        request: Request, conversation_id: str, cop: Cop, done: str = ""
    ) -> HTMLResponse:
        """One case: the summary as handed off, the live conversation and actions, and the
        customer's other cases."""
        case = await console.agent.get_case(conversation_id)
        conversation = await console.agent.get_conversation(conversation_id)
        summary = render_handoff_html(case.summary, console.templates, history=False)
        # The decision aid: precedent for every case, a drafted reply while it is open.
        similar = await console.agent.similar_cases(conversation_id)
        draft = (
            None if case.status == "closed" else await console.agent.draft_reply(conversation_id)
        )
        return console.page(
            request,
            "case.html.j2",
            session=cop.session,
            case=case,
            conversation=conversation,
            summary_html=Markup(summary),
            others=await other_cases_of_customer(console, case),
            proposals=await console.agent.list_proposals(conversation_id),
            codes=get_args(ResolutionCode),
            notice=NOTICES.get(done, ""),
            similar=similar,
            draft=draft,
        )

    @router.get("/cases/{conversation_id}/summary.json")
    async def case_summary_json(conversation_id: str, _: Cop) -> Response:
        case = await console.agent.get_case(conversation_id)
        return Response(render_handoff_json(case.summary), media_type="application/json")

    return router
