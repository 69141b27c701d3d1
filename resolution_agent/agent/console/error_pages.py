"""What a COp is shown when a request fails, and what the structured log is told.

A COp reads the page; the platform team reads the log. So the page says, in a COp's words,
what happened and what to do, and the technical detail (the exception, a file path, a
setting such as ``RESOLVE_DATA_DIR``) goes only to the log. Errors a COp can cause and act on
(a case someone else holds, a blank field, a stale form) keep their message, which already
says what to do. A failure they cannot act on (storage out of reach, a bug) is plain advice
with a reference id, which is also in the log line that holds the detail, so the two meet
when the COp reports it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import structlog

from resolution_agent.agent.console.forms import CrossSiteFormError
from resolution_agent.agent.errors import (
    CaseConflictError,
    InvalidRequestError,
    StorageError,
    UnknownConversationError,
    UnknownProposalError,
    storage_failure,
)

log = structlog.get_logger("resolution_agent.agent.console")

#: Errors a COp causes, whose own message tells them what to do: class -> (status, title);
#: the first class that matches decides, so a subclass comes before its base.
REFUSALS: dict[type[Exception], tuple[int, str]] = {
    CaseConflictError: (409, "This case cannot be changed by you now"),
    UnknownProposalError: (404, "No such proposed action"),
    InvalidRequestError: (400, "That request is not valid"),
    CrossSiteFormError: (403, "Form refused"),
}
STORAGE_ADVICE = (
    "The console cannot reach its storage. Try again in a minute, and tell your platform team "
    "if it persists."
)
FAILURE_ADVICE = (
    "Something went wrong in the console. Try again in a minute, and tell your platform team "
    "if it persists."
)


@dataclass(frozen=True)
class ErrorPage:
    """The error page's status, title and message, and the reference of its log line, if any."""

    status: int
    title: str
    message: str
    reference: str = ""


def error_page(exc: Exception, *, method: str, path: str) -> ErrorPage:
    """The page for ``exc`` (raised answering ``method path``), logged with its detail."""
    if isinstance(exc, UnknownConversationError):
        log.info("console_unknown_case", path=path, detail=str(exc))
        return ErrorPage(
            404,
            "No such case",
            f"There is no case {exc.conversation_id}. Check the link, or open the case from "
            "the queue.",
        )
    for kind, (status, title) in REFUSALS.items():
        if isinstance(exc, kind):
            log.info("console_refused", status=status, method=method, path=path, detail=str(exc))
            return ErrorPage(status, title, str(exc))
    reference = secrets.token_hex(4)
    storage = isinstance(exc, StorageError) or storage_failure(exc) is not None
    log.error(
        "console_failed",
        reference=reference,
        storage=storage,
        method=method,
        path=path,
        error=type(exc).__name__,
        detail=str(exc),
        exc_info=exc,
    )
    if storage:
        return ErrorPage(503, "Storage out of reach", STORAGE_ADVICE, reference)
    return ErrorPage(500, "Something went wrong", FAILURE_ADVICE, reference)
