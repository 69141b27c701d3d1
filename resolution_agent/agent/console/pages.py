"""The console's pages: the queue, one case, and the summary as JSON.

The queue is exactly ``list_cases`` (most urgent first: priority, then SLA deadline); the
console never re-sorts, so the order a COp sees is the order the API promises.
"""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from resolution_agent.agent.console.context import COP_COOKIE, Console
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

    @router.get("/", response_class=HTMLResponse)
    async def queue_page(
        request: Request,
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
            "queue.html.j2",
            cases=cases,
            suggested=suggested,
            queues=QUEUES,
            skills=console.skills,
            queue=queue,
            skill=skill,
            closed=closed,
            now=console.now(),
            cop_id=request.cookies.get(COP_COOKIE, ""),
        )

    @router.get("/cases/{conversation_id}", response_class=HTMLResponse)
    async def case_page(request: Request, conversation_id: str, done: str = "") -> HTMLResponse:
        """One case: the summary as handed off, then the live conversation and its actions."""
        case = await console.agent.get_case(conversation_id)
        conversation = await console.agent.get_conversation(conversation_id)
        return console.page(
            "case.html.j2",
            case=case,
            conversation=conversation,
            summary_html=Markup(render_handoff_html(case.summary, console.templates)),
            codes=get_args(ResolutionCode),
            notice=NOTICES.get(done, ""),
            now=console.now(),
            cop_id=request.cookies.get(COP_COOKIE, ""),
        )

    @router.get("/cases/{conversation_id}/summary.json")
    async def case_summary_json(conversation_id: str) -> Response:
        case = await console.agent.get_case(conversation_id)
        return Response(render_handoff_json(case.summary), media_type="application/json")

    return router
