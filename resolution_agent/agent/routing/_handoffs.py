"""Cases from the agent's handoff summaries: the bridge from a conversation to the router."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.routing._model import CaseId, HandleTimes, RoutingCase
from resolution_agent.agent.vocabulary import Priority, Queue

# A queue is a team, so a case in it needs the team's skill on top of the intent's skills.
QUEUE_SKILL: Mapping[Queue, str] = {
    "general": "general",
    "cards": "cards",
    "payments": "payments",
    "disputes": "disputes",
    "fincrime": "fincrime",
    "vulnerable_customers": "vulnerability",
    "complaints": "complaints",
}

# Mirrors ``sla_minutes`` in policies/escalation.yaml; only used to date a handoff that has
# no transcript, because this package may not read the agent's policies.
DEFAULT_SLA_MINUTES: Mapping[Priority, float] = {
    "urgent": 15,
    "high": 60,
    "normal": 240,
    "low": 1440,
}


def _waiting_since(summary: HandoffSummary, sla_minutes: Mapping[Priority, float]) -> datetime:
    if summary.transcript:
        return max(line.at for line in summary.transcript)
    return summary.sla_deadline - timedelta(minutes=sla_minutes[summary.priority])


def cases_from_handoffs(
    summaries: Sequence[HandoffSummary],
    *,
    handle_times: HandleTimes | None = None,
    languages: Mapping[str, str] | None = None,
    default_language: str = "en",
    sla_minutes: Mapping[Priority, float] = DEFAULT_SLA_MINUTES,
) -> list[RoutingCase]:
    """One case per handoff, keeping its queue, priority, skills and SLA deadline.

    The case waits from the handoff's last transcript line (the moment of the handoff).
    Summaries carry no language yet, so ``languages`` (conversation id to language) fills it
    in, else ``default_language``.
    """
    times = handle_times or HandleTimes()
    chosen = languages or {}
    cases: list[RoutingCase] = []
    for summary in summaries:
        skills = frozenset(summary.skills) | {QUEUE_SKILL[summary.queue]}
        cases.append(
            RoutingCase(
                id=CaseId(summary.conversation_id),
                queue=summary.queue,
                priority=summary.priority,
                required_skills=skills,
                language=chosen.get(summary.conversation_id, default_language),
                waiting_since=_waiting_since(summary, sla_minutes),
                sla_deadline=summary.sla_deadline,
                handle_minutes=times.base_minutes(skills),
            )
        )
    return cases
