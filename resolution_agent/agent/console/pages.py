"""The console's pages: the queue, one case, and the summary as JSON.

The queue is exactly ``list_cases`` (most urgent first: priority, then SLA deadline); the
console never re-sorts, so the order a COp sees is the order the API promises. Every page
needs a logged-in COp.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations, and
# ``Cop`` is local to page_routes.
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from resolution_agent.agent.console.context import Console, SignedIn
from resolution_agent.agent.console.render import render_handoff_html, render_handoff_json
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.vocabulary import QUEUES, ResolutionCode

NOTICES = {
    "claimed": "You have claimed this case.",
    "replied": "Your reply was added to the conversation.",
    "closed": "The case is closed.",
}


def page_routes(console: Console) -> APIRouter:
    router = APIRouter()
    Cop = Annotated[SignedIn, Depends(console.signed_in)]

    @router.get("/", response_class=HTMLResponse)
    async def queue_page(
        request: Request,
        cop: Cop,
        queue: Annotated[str, Query()] = "",
        skill: Annotated[str, Query()] = "",
        closed: Annotated[bool, Query()] = False,
    ) -> HTMLResponse:
        """The queue, filtered by queue and skill; an empty value (the form's "any") is none."""
        if queue and queue not in QUEUES:
            raise InvalidRequestError(f"queue must be one of {', '.join(QUEUES)}; got {queue!r}")
        cases = await console.agent.list_cases(
            queue=queue or None, skill=skill or None, include_closed=closed
        )
        suggested = await console.agent.routing_suggestions()
        return console.page(
            request,
            "queue.html.j2",
            session=cop.session,
            cases=cases,
            suggested=suggested,
            queues=QUEUES,
            skills=console.skills,
            queue=queue,
            skill=skill,
            closed=closed,
            now=console.now(),
        )

    @router.get("/cases/{conversation_id}", response_class=HTMLResponse)
    async def case_page(
        request: Request, conversation_id: str, cop: Cop, done: str = ""
    ) -> HTMLResponse:
        """One case: the summary as handed off, then the live conversation and its actions."""
        case = await console.agent.get_case(conversation_id)
        conversation = await console.agent.get_conversation(conversation_id)
        return console.page(
            request,
            "case.html.j2",
            session=cop.session,
            case=case,
            conversation=conversation,
            summary_html=Markup(render_handoff_html(case.summary, console.templates)),
            codes=get_args(ResolutionCode),
            notice=NOTICES.get(done, ""),
            now=console.now(),
        )

    @router.get("/cases/{conversation_id}/summary.json")
    async def case_summary_json(conversation_id: str, _: Cop) -> Response:
        case = await console.agent.get_case(conversation_id)
        return Response(render_handoff_json(case.summary), media_type="application/json")

    return router
