"""The Patterns page: what the detectors see across many conversations, for support leads.

Open alerts first (most severe, then newest), then closed ones last seen within the window
the lead chose; each with its chart (:mod:`agent.console.alert_chart`), its redacted examples
and links to the cases behind it. The alerts are exactly
:meth:`ResolutionAgent.pattern_alerts`, also served as JSON for tools. Every logged-in COp may
look: the console has no roles, and an alert shows no more than the cases it links to.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations, and
# ``Cop`` and ``Window`` are local to pattern_routes.
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter

from resolution_agent.agent.console.alert_chart import AlertChart, alert_chart
from resolution_agent.agent.console.context import Console, SignedIn
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.patterns import Alert

#: How far back closed alerts are listed, in hours, as a lead may choose; the first is the default.
WINDOW_HOURS = (24, 6, 72, 168)
#: Conversations listed under an alert; the rest are counted.
SHOWN_CONVERSATIONS = 12
_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
_ALERTS = TypeAdapter(list[Alert])


def window_hours(hours: Annotated[int, Query()] = WINDOW_HOURS[0]) -> int:
    """A FastAPI dependency: the look-back window in a Patterns URL, checked (else a 400)."""
    if hours not in WINDOW_HOURS:
        choices = ", ".join(str(h) for h in sorted(WINDOW_HOURS))
        raise InvalidRequestError(f"hours must be one of {choices}; got {hours}")
    return hours


@dataclass(frozen=True)
class ShownAlert:
    """One alert as the page shows it: its chart, and its conversations split by whether a
    COp has a case for them (a link) or the agent resolved them alone (an id)."""

    alert: Alert
    chart: AlertChart | None
    cases: tuple[str, ...]
    conversations: tuple[str, ...]
    unlisted: int


@dataclass(frozen=True)
class PatternsView:
    hours: int
    since: datetime
    open: list[ShownAlert]
    closed: list[ShownAlert]


async def patterns_view(console: Console, hours: int) -> PatternsView:
    """The alerts open now or last seen in the last ``hours``, ready to render."""
    since = console.now() - timedelta(hours=hours)
    alerts = await console.agent.pattern_alerts(since=since)
    with_case = {c.conversation_id for c in await console.agent.list_cases(include_closed=True)}
    shown = [_shown(alert, with_case) for alert in alerts]
    return PatternsView(
        hours=hours,
        since=since,
        open=sorted(
            (s for s in shown if s.alert.is_open),
            key=lambda s: (_SEVERITY_RANK[s.alert.severity], -s.alert.opened_at.timestamp()),
        ),
        closed=sorted(
            (s for s in shown if not s.alert.is_open),
            key=lambda s: -(s.alert.closed_at or s.alert.opened_at).timestamp(),
        ),
    )


def _shown(alert: Alert, with_case: set[str]) -> ShownAlert:
    listed = alert.conversation_ids[:SHOWN_CONVERSATIONS]
    return ShownAlert(
        alert=alert,
        chart=alert_chart(alert),
        cases=tuple(c for c in listed if c in with_case),
        conversations=tuple(c for c in listed if c not in with_case),
        unlisted=len(alert.conversation_ids) - len(listed),
    )


def pattern_routes(console: Console) -> APIRouter:
    router = APIRouter()
    Cop = Annotated[SignedIn, Depends(console.signed_in)]
    Window = Annotated[int, Depends(window_hours)]

    @router.get("/patterns", response_class=HTMLResponse)
    async def patterns_page(request: Request, cop: Cop, hours: Window) -> HTMLResponse:
        """Open and recently closed alerts, each with its chart."""
        return console.page(
            request,
            "patterns.html.j2",
            session=cop.session,
            view=await patterns_view(console, hours),
            windows=WINDOW_HOURS,
        )

    @router.get("/patterns.json")
    async def patterns_json(_: Cop, hours: Window) -> Response:
        """The same alerts as the page, as ``ResolutionAgent.pattern_alerts`` returns them."""
        since = console.now() - timedelta(hours=hours)
        alerts = await console.agent.pattern_alerts(since=since)
        return Response(_ALERTS.dump_json(alerts), media_type="application/json")

    return router
