"""A signal log for the Patterns page's tests: two days of ordinary turns, a scam campaign that
ended this morning (its alert is closed) and one going on now (open), appended to the agent's
own signal log so the page shows what the detectors find in it, not a hand-built alert.

Times are before :data:`tests.console.helpers.CLOCK`, the console agent's fixed "now".
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime, timedelta

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.patterns import TurnSignal
from resolution_agent.agent.patterns.log import open_signal_log
from tests.console.helpers import CLOCK, SCAM_ID

#: The scam going on now: reports naming one payee, the console's scam case among them.
LIVE_PAYEE = "J SMITH 12-34-56"
LIVE_CONVERSATIONS = ("conv-mule-1", "conv-mule-2", SCAM_ID, "conv-mule-3")
#: Its first report; one follows every 11 minutes.
LIVE_STARTS = CLOCK - timedelta(minutes=50)
#: What one of its customers typed (redacted): the page must show it as text, never markup.
HOSTILE_EXAMPLE = "they said pay J SMITH <script>alert('x')</script> at once"
#: The campaign that ended this morning: a phishing link.
PAST_LINK = "http://kestrel-verify.example/login"
PAST_CONVERSATIONS = ("conv-phish-1", "conv-phish-2", "conv-phish-3")
#: Its first report, and its last (one every 12 minutes).
PAST_STARTS = CLOCK - timedelta(hours=10)
PAST_ENDS = PAST_STARTS + timedelta(minutes=12 * (len(PAST_CONVERSATIONS) - 1))


def ordinary_turns(start: datetime, end: datetime) -> list[TurnSignal]:
    """One understood, resolved turn every ten minutes: normal, quiet traffic."""
    turns = []
    at, n = start, 0
    while at < end:
        turns.append(
            TurnSignal(
                conversation_id=f"conv-normal-{n}",
                at=at,
                intent="card_arrival",
                confidence=0.9,
                understood=True,
                outcome="resolved",
            )
        )
        at, n = at + timedelta(minutes=10), n + 1
    return turns


def scam_report(
    conversation_id: str, at: datetime, text: str, **found: tuple[str, ...]
) -> TurnSignal:
    return TurnSignal(
        conversation_id=conversation_id,
        at=at,
        intent="card_payment_not_recognised",
        confidence=0.9,
        understood=True,
        risk_signals=("scam",),
        outcome="handed_off",
        queue="fincrime",
        text=text,
        **found,
    )


def incident_signals() -> list[TurnSignal]:
    """Every signal of the stream, oldest first."""
    reports = [
        scam_report(
            c,
            PAST_STARTS + timedelta(minutes=12 * i),
            f"a text said verify at {PAST_LINK}",
            links=(PAST_LINK,),
        )
        for i, c in enumerate(PAST_CONVERSATIONS)
    ] + [
        scam_report(
            c,
            LIVE_STARTS + timedelta(minutes=11 * i),
            HOSTILE_EXAMPLE if i == 1 else f"I was told to move money to {LIVE_PAYEE}",
            payees=(LIVE_PAYEE,),
        )
        for i, c in enumerate(LIVE_CONVERSATIONS)
    ]
    stream = ordinary_turns(CLOCK - timedelta(days=2), CLOCK) + reports
    return sorted(stream, key=lambda s: s.at)


async def append_signals(agent: ResolutionAgent, signals: list[TurnSignal]) -> None:
    """Append ``signals`` to the signal log the agent's settings point at."""
    async with AsyncExitStack() as stack:
        log = await open_signal_log(agent.settings, stack)
        for signal in signals:
            await log.append(signal)
