"""The console's forms: claim, reply, close. Each is POST, then a 303 redirect to the case.

Redirecting after every post means a refresh never sends a reply twice. The COp id typed into
a form is remembered in a cookie so the next form is already filled in.
"""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from resolution_agent.agent.console.context import COP_COOKIE, Console
from resolution_agent.agent.console.forms import case_url, field, read_form
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.vocabulary import ResolutionCode

COOKIE_MAX_AGE_S = 30 * 24 * 3600


def action_routes(console: Console) -> APIRouter:
    router = APIRouter()

    @router.post("/cases/{conversation_id}/claim")
    async def claim(request: Request, conversation_id: str) -> RedirectResponse:
        cop_id = field(await read_form(request), "cop_id", "your COp id")
        await console.agent.claim_case(conversation_id, cop_id)
        return _back(conversation_id, "claimed", cop_id)

    @router.post("/cases/{conversation_id}/reply")
    async def reply(request: Request, conversation_id: str) -> RedirectResponse:
        form = await read_form(request)
        cop_id = field(form, "cop_id", "your COp id")
        text = field(form, "text", "the reply")
        await console.agent.cop_reply(conversation_id, cop_id, text)
        return _back(conversation_id, "replied", cop_id)

    @router.post("/cases/{conversation_id}/close")
    async def close(request: Request, conversation_id: str) -> RedirectResponse:
        form = await read_form(request)
        cop_id = field(form, "cop_id", "your COp id")
        code = _resolution_code(field(form, "resolution_code", "a resolution code"))
        await console.agent.close_case(conversation_id, cop_id, code)
        return _back(conversation_id, "closed", cop_id)

    return router


def _resolution_code(value: str) -> ResolutionCode:
    for code in get_args(ResolutionCode):
        if value == code:
            return code  # type: ignore[no-any-return]
    raise InvalidRequestError(
        f"resolution code must be one of {', '.join(get_args(ResolutionCode))}; got {value!r}"
    )


def _back(conversation_id: str, done: str, cop_id: str) -> RedirectResponse:
    response = RedirectResponse(case_url(conversation_id, done), status_code=303)
    response.set_cookie(
        COP_COOKIE, cop_id, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="strict"
    )
    return response
