"""Each rule on small streams: it fires on what it is for, stays quiet on ordinary traffic, and
one incident is one alert that closes when the incident ends."""

from __future__ import annotations

from datetime import datetime, timedelta

from resolution_agent.agent.patterns import Alert, TurnSignal
from resolution_agent.agent.patterns.clusters import NewClusters
from resolution_agent.agent.patterns.engine import PatternEngine
from resolution_agent.agent.patterns.fixed import FixedThresholds
from resolution_agent.agent.patterns.scams import ScamRepeats
from resolution_agent.agent.patterns.volume import VolumeSpikes
from tests.patterns.conftest import T0, MakeSignal
from tests.patterns.streams import BagOfWords, steady

DAY = timedelta(days=1)


def run(signals: list[TurnSignal], *detectors: object, until: datetime) -> list[Alert]:
    engine = PatternEngine(detectors, learn_until=T0 + DAY)  # type: ignore[arg-type]
    engine.feed_all(sorted(signals, key=lambda s: s.at))
    engine.advance(until)
    return engine.alerts()


def test_a_merchant_spike_is_one_alert_that_closes_when_it_is_quiet(signal: MakeSignal) -> None:
    history = list(steady(T0, 36))
    start = T0 + DAY + timedelta(hours=6, minutes=2)
    spike = [
        signal(
            at=start + timedelta(seconds=20 * k), merchants=("Gymbox",), intent="card_acceptance"
        )
        for k in range(60)  # 20 minutes
    ]

    alerts = run(history + spike, VolumeSpikes(), until=T0 + DAY + timedelta(hours=12))

    merchant = [a for a in alerts if a.subject == "merchant:Gymbox"]
    assert len(merchant) == 1
    (alert,) = merchant
    assert alert.rule_id == "PAT-VOLUME-SPIKE"
    assert alert.opened_at == start.replace(minute=10, second=0)
    assert alert.closed_at is not None and alert.closed_at - alert.last_seen_at == timedelta(
        hours=1
    )
    assert set(alert.conversation_ids) <= {s.conversation_id for s in spike}
    assert alert.series and max(p.observed for p in alert.series) >= 20
    assert "merchant" in alert.suggested_action.lower()
    assert all(a.subject in ("merchant:Gymbox", "intent:card_acceptance") for a in alerts)


def test_ordinary_traffic_raises_nothing() -> None:
    assert run(list(steady(T0, 60)), VolumeSpikes(), until=T0 + timedelta(hours=60)) == []


def test_a_subject_busy_every_morning_is_not_a_spike_but_fixed_thresholds_cry_wolf() -> None:
    def mornings(i: int, at: datetime) -> dict[str, object]:
        return {"intent": "pin_blocked"} if at.hour == 9 else {}

    stream = list(steady(T0, 72, extra=mornings))

    assert run(stream, VolumeSpikes(), until=T0 + timedelta(hours=72)) == []
    fixed = run(stream, FixedThresholds(), until=T0 + timedelta(hours=72))
    assert {a.subject for a in fixed} == {"intent:pin_blocked"}


def test_three_scam_reports_naming_one_payee_are_a_campaign(signal: MakeSignal) -> None:
    def ordinary_scams(i: int, at: datetime) -> dict[str, object]:
        if i % 97:
            return {}
        return {"risk_signals": ("scam",), "text": f"I have been scammed, I sent £{i} to them"}

    history = list(steady(T0, 30, extra=ordinary_scams))
    at = T0 + DAY + timedelta(hours=5)
    reports = [
        signal(
            at=at + timedelta(minutes=4 * k),
            risk_signals=("scam",),
            payees=("R HUGHES 40-11-62",),
            text=f"a caller said move £{k}00 to a safe account",
        )
        for k in range(3)
    ]
    one_customer = [
        signal(
            conversation_id="same",
            at=at + timedelta(minutes=k),
            risk_signals=("scam",),
            payees=("A LONE 11-11-11",),
        )
        for k in range(3)
    ]

    alerts = run(history + reports + one_customer, ScamRepeats(), until=at + timedelta(hours=3))

    assert [(a.rule_id, a.subject, a.observed) for a in alerts] == [
        ("PAT-SCAM-REPEAT", "payee:R HUGHES 40-11-62", 3)
    ]
    assert set(alerts[0].conversation_ids) == {r.conversation_id for r in reports}
    assert alerts[0].examples


def test_a_new_question_not_understood_is_a_labelled_cluster() -> None:
    chatter = ("what is the weather in leeds", "tell me a joke please", "who won the football")

    def lost(i: int, at: datetime) -> dict[str, object]:
        if i % 10:
            return {}
        return {"understood": False, "intent": "out_of_scope", "text": chatter[i // 10 % 3]}

    history = list(steady(T0, 36, extra=lost))
    at = T0 + DAY + timedelta(hours=6, minutes=1)
    fees = [
        TurnSignal(
            conversation_id=f"fee-{k}",
            at=at + timedelta(minutes=k),
            intent="out_of_scope",
            confidence=0.1,
            understood=False,
            outcome="handed_off",
            text=("why is there a new monthly account fee", "new account fee each month why")[
                k % 2
            ],
        )
        for k in range(8)
    ]

    alerts = run(history + fees, NewClusters(BagOfWords()), until=at + timedelta(hours=3))

    assert len(alerts) == 1
    (alert,) = alerts
    assert alert.rule_id == "PAT-NEW-CLUSTER"
    assert "fee" in alert.subject
    assert set(alert.conversation_ids) == {f.conversation_id for f in fees}
    assert alert.opened_at - at <= timedelta(minutes=20)
    assert alert.closed_at is not None
