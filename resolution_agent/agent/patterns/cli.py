"""``resolve patterns``: the alerts of the configured data dir's signal log, as a table or JSON.

It opens the signal log alone (no agent, no model training): the log is all detection reads.
"""

from __future__ import annotations

import asyncio
import json
import re
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.patterns.alerts import Alert
from resolution_agent.agent.patterns.log import open_signal_log
from resolution_agent.agent.patterns.service import current_alerts
from resolution_agent.agent.settings import Settings

_AGO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}
DEFAULT_SINCE = "24h"


def parse_since(text: str, now: datetime) -> datetime:
    """``90m``, ``24h``, ``7d`` before ``now``, or an ISO time (UTC when it names no zone)."""
    ago = _AGO.match(text)
    if ago:
        return now - timedelta(**{_UNIT[ago.group(2)]: float(ago.group(1))})
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequestError(
            f"--since {text!r} is neither a span (90m, 24h, 7d) nor an ISO time "
            "(2026-11-27T09:00 or 2026-11-27T09:00+00:00)"
        ) from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def show_patterns(settings: Settings, *, since: str, as_json: bool) -> str:
    """The text ``resolve patterns`` prints."""
    now = settings.clock or datetime.now(UTC)
    start = parse_since(since, now)

    async def read() -> list[Alert]:
        async with AsyncExitStack() as stack:
            signals = await open_signal_log(settings, stack)
            return await current_alerts(signals, since=start, now=now)

    alerts = asyncio.run(read())
    if as_json:
        return json.dumps([a.model_dump(mode="json") for a in alerts], indent=2)
    return table(alerts, since=start, now=now)


def table(alerts: list[Alert], *, since: datetime, now: datetime) -> str:
    head = f"pattern alerts from {since:%Y-%m-%d %H:%M} to {now:%Y-%m-%d %H:%M} UTC"
    if not alerts:
        return f"{head}: none"
    lines = [
        f"{head}: {sum(a.is_open for a in alerts)} open, {sum(not a.is_open for a in alerts)} "
        "closed",
        "",
        f"{'state':<7}{'severity':<9}{'rule':<18}{'opened':<13}{'obs':>5}{'exp':>8}  subject",
    ]
    for a in alerts:
        state = "open" if a.is_open else "closed"
        lines.append(
            f"{state:<7}{a.severity:<9}{a.rule_id:<18}{a.opened_at:%m-%d %H:%M}  "
            f"{a.observed:>5}{a.expected:>8.1f}  {a.subject}"
        )
    lines.append("")
    for a in alerts:
        lines.append(f"{a.alert_id}: {a.title}")
        for example in a.examples:
            lines.append(f"    e.g. {example}")
        lines.append(f"    conversations: {', '.join(a.conversation_ids[:5])}"
                     f"{' ...' if len(a.conversation_ids) > 5 else ''}")  # fmt: skip
        lines.append(f"    action: {a.suggested_action}")
    return "\n".join(lines)
