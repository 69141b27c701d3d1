"""What the console lists: the queue (filtered, searched by id) and one customer's cases.

The queue is exactly ``list_cases`` (most urgent first: priority, then SLA deadline); the
console only leaves cases out, never re-sorts, so the order a COp sees is the order the API
promises. A customer with several open cases is shown as such on each of their rows (a count
that links to a search for them), which keeps most-urgent-first intact where grouping rows by
customer would not.
"""

# No ``from __future__ import annotations``: FastAPI reads :func:`queue_filter`'s annotations.
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Query

from resolution_agent.agent.console.context import Console
from resolution_agent.agent.desk.cases import Case
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.vocabulary import QUEUES

MAX_SEARCH_CHARS = 128
#: How often an open queue page asks for its cases again (only while its tab is visible).
POLL_S = 5


@dataclass(frozen=True)
class QueueFilter:
    """The queue page's form; an empty value (the form's "any", a blank search) is no filter."""

    queue: str = ""
    skill: str = ""
    closed: bool = False
    search: str = ""

    @property
    def narrowed(self) -> bool:
        """Whether any filter is set (the page then offers to clear them)."""
        return bool(self.queue or self.skill or self.closed or self.search)

    def found(self, case: Case) -> bool:
        """The search matches the start (or the whole) of the customer's or conversation's id."""
        wanted = self.search.casefold()
        return any(
            value.casefold().startswith(wanted)
            for value in (case.customer_id, case.conversation_id)
        )


def queue_filter(
    queue: Annotated[str, Query()] = "",
    skill: Annotated[str, Query()] = "",
    closed: Annotated[bool, Query()] = False,
    q: Annotated[str, Query()] = "",
) -> QueueFilter:
    """A FastAPI dependency: the filter in a queue URL, checked (a bad one is a clear 400)."""
    if queue and queue not in QUEUES:
        raise InvalidRequestError(f"queue must be one of {', '.join(QUEUES)}; got {queue!r}")
    search = q.strip()
    if len(search) > MAX_SEARCH_CHARS:
        raise InvalidRequestError(f"a search is at most {MAX_SEARCH_CHARS} characters")
    return QueueFilter(queue=queue, skill=skill, closed=closed, search=search)


@dataclass(frozen=True)
class QueueView:
    """One look at the queue, as the page and its live refresh render it."""

    chosen: QueueFilter
    cases: list[Case]
    open_cases_of: dict[str, int]  # customer id -> their open cases, in any queue
    suggested: dict[str, str | None]  # queued case -> the COp the router suggests
    now: datetime  # for "overdue"


async def queue_view(console: Console, chosen: QueueFilter) -> QueueView:
    """The cases ``chosen`` lets through, in ``list_cases`` order."""
    agent = console.agent
    cases = await agent.list_cases(
        queue=chosen.queue or None, skill=chosen.skill or None, include_closed=chosen.closed
    )
    # A customer's open cases are counted in every queue, whatever this page is filtered to.
    everyone = await agent.list_cases() if chosen.queue or chosen.skill else cases
    counts = Counter(c.customer_id for c in everyone if c.status != "closed")
    return QueueView(
        chosen=chosen,
        cases=[c for c in cases if chosen.found(c)],
        open_cases_of=dict(counts),
        suggested=await agent.routing_suggestions(),
        now=console.now(),
    )


async def other_cases_of_customer(console: Console, case: Case) -> list[Case]:
    """The customer's other cases, open and closed, most urgent first."""
    every = await console.agent.list_cases(include_closed=True)
    return [
        c
        for c in every
        if c.customer_id == case.customer_id and c.conversation_id != case.conversation_id
    ]
