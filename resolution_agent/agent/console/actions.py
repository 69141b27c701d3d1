"""The console's forms: claim, reply, close, approve or reject a proposed action. Each is POST,
then a 303 redirect to the case.

Redirecting after every post means a refresh never sends a reply twice. Each acts as the
logged-in COp (the session's, never a form field) and needs the session's CSRF token.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations, and
# ``Cop`` is local to action_routes.
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from resolution_agent.agent.console.context import Console, SignedIn, base_of
from resolution_agent.agent.console.forms import case_url, check_csrf, field, read_form
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.vocabulary import ResolutionCode


def action_routes(console: Console) -> APIRouter:
    router = APIRouter()
    Cop = Annotated[SignedIn, Depends(console.signed_in)]

    async def form_of(request: Request, cop: SignedIn) -> dict[str, str]:
        form = await read_form(request)
        check_csrf(form, cop.session.csrf)
        return form

    @router.post("/cases/{conversation_id}/claim")
    async def claim(request: Request, conversation_id: str, cop: Cop) -> RedirectResponse:
        await form_of(request, cop)
        await console.agent.claim_case(conversation_id, cop.cop_id)
        return _back(request, conversation_id, "claimed")

    @router.post("/cases/{conversation_id}/reply")
    async def reply(request: Request, conversation_id: str, cop: Cop) -> RedirectResponse:
        text = field(await form_of(request, cop), "text", "the reply")
        await console.agent.cop_reply(conversation_id, cop.cop_id, text)
        return _back(request, conversation_id, "replied")

    @router.post("/cases/{conversation_id}/close")
    async def close(request: Request, conversation_id: str, cop: Cop) -> RedirectResponse:
        form = await form_of(request, cop)
        code = _resolution_code(field(form, "resolution_code", "a resolution code"))
        await console.agent.close_case(conversation_id, cop.cop_id, code)
        return _back(request, conversation_id, "closed")

    @router.post("/cases/{conversation_id}/proposals/{proposal_id}/approve")
    async def approve(
        request: Request, conversation_id: str, proposal_id: str, cop: Cop
    ) -> RedirectResponse:
        await form_of(request, cop)
        await console.agent.approve_proposal(conversation_id, proposal_id, cop.cop_id)
        return _back(request, conversation_id, "approved")

    @router.post("/cases/{conversation_id}/proposals/{proposal_id}/reject")
    async def reject(
        request: Request, conversation_id: str, proposal_id: str, cop: Cop
    ) -> RedirectResponse:
        note = (await form_of(request, cop)).get("note", "")
        await console.agent.reject_proposal(conversation_id, proposal_id, cop.cop_id, note)
        return _back(request, conversation_id, "rejected")

    return router


def _resolution_code(value: str) -> ResolutionCode:
    for code in get_args(ResolutionCode):
        if value == code:
            return code  # type: ignore[no-any-return]
    raise InvalidRequestError(
        f"resolution code must be one of {', '.join(get_args(ResolutionCode))}; got {value!r}"
    )


def _back(request: Request, conversation_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(case_url(base_of(request), conversation_id, done), status_code=303)
