"""A simulated fortnight of turn signals with planted incidents, to measure the detectors on.

Seeded and deterministic. The first ``warmup_days`` are ordinary traffic the detectors learn
from; the ``days`` after them carry the planted incidents. Traffic follows a daily shape (quiet
nights, a morning ramp, an evening peak), a weekly one (quieter, later weekends) and noise on
top: Poisson arrivals, a wobble per day and per ten minutes, intents whose share drifts with
the hour, merchants by a Zipf law, regions by population, hand-offs, tool failures, messages
the agent did not understand (from varied templates) and scam reports naming one-off payees
and links. Five kinds of incident are planted twice each: a merchant outage, an app login
failure, a new scam script (one payee and link), a card-delivery delay in one region, and a fee
change that confuses customers (questions the agent does not understand).

The stream is held as NumPy columns (a million turns in a few tens of MB); :meth:`signals`
builds each :class:`TurnSignal` as it is read. Each row knows the incident it belongs to, which
only the scoring reads (:mod:`agent.patterns.scoring`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from resolution_agent.agent.patterns.signals import TurnSignal
from resolution_agent.agent.vocabulary import QUEUES, Queue

IncidentKind = Literal[
    "merchant_outage", "app_login_failure", "scam_script", "regional_card_delay", "fee_confusion"
]
INCIDENT_KINDS: tuple[IncidentKind, ...] = get_args(IncidentKind)

#: Relative traffic per hour of day (UTC as local time), weekdays.
_HOURLY = np.array(
    [0.12, 0.08, 0.06, 0.05, 0.06, 0.10, 0.25, 0.55, 0.85, 1.00, 1.05, 1.00,
     0.98, 0.95, 0.90, 0.88, 0.90, 0.95, 1.00, 1.02, 0.92, 0.72, 0.45, 0.25]
)  # fmt: skip
_WEEKDAY = np.array([1.0, 0.97, 0.96, 0.98, 1.05, 0.82, 0.72])
_MERCHANTS = (
    "Tesco", "Amazon", "Sainsbury's", "Uber", "Deliveroo", "Asda", "Boots", "Greggs", "Costa",
    "Pret", "Netflix", "Spotify", "TfL", "Trainline", "Argos", "Currys", "John Lewis", "Lidl",
    "Aldi", "Morrisons", "Waitrose", "Just Eat", "eBay", "Apple", "Google", "Shell", "BP",
    "Esso", "Primark", "Next", "ASOS", "Zara", "H&M", "IKEA", "B&Q", "Wickes", "Screwfix",
    "Halfords", "Ryanair", "easyJet", "British Airways", "Airbnb", "Booking.com", "Odeon",
    "Vue", "Gymbox", "PureGym", "Nando's", "Wagamama", "Starbucks", "McDonald's", "KFC",
    "Domino's", "Ocado", "Superdrug", "WHSmith", "Waterstones", "Selfridges", "Lush", "O2",
)  # fmt: skip
_REGIONS = (
    ("London", 13.4), ("South East", 13.8), ("North West", 11.0), ("East of England", 9.4),
    ("West Midlands", 8.9), ("South West", 8.5), ("Yorkshire", 8.2), ("Scotland", 8.1),
    ("East Midlands", 7.3), ("Wales", 4.7), ("North East", 4.0), ("Northern Ireland", 2.8),
)  # fmt: skip
_FAILURES = (
    ("list_transactions:timeout", 4.0), ("freeze_card:unavailable", 1.0),
    ("get_customer:timeout", 2.0), ("dispute_transaction:server_error", 1.0),
    ("send_verification:rate_limited", 1.0), ("get_card:timeout", 2.0),
)  # fmt: skip
_CHATTER = (
    "what's the weather like in {place} today",
    "can you recommend a good restaurant in {place}",
    "tell me a joke",
    "are you a real person or a robot",
    "who won the football last night",
    "should I buy bitcoin now",
    "what time does the {place} branch open",
    "can I get a mortgage with you",
    "how do I invest in stocks and shares",
    "I want to speak to someone in {place}",
    "is there a branch near {place}",
    "my friend said you give free money",
    "can you help with my tax return",
    "do you do car insurance",
    "what is the meaning of life",
    "hello? anyone there",
    "I need a pension advice appointment",
    "can I open a business account for my shop",
    "how do I apply for a credit card with you",
    "what's your phone number",
    "I'm moving to {place}, what do I do",
    "do you sponsor any football teams",
    "can my child have an account, she is {n}",
    "are you open on bank holidays",
    "how do I write a cheque",
    "is it safe to use public wifi for banking",
    "where do I send a complaint letter",
    "can you translate this to {lang}",
    "I need help with my {lang} visa",
    "my neighbour keeps parking in my space",
)
_SCAM_REPORTS = (
    "someone called pretending to be the bank and I moved {amount} to them",
    "I paid {amount} for a {thing} on marketplace and the seller vanished",
    "I think I've been scammed, I sent {amount} to an investment scheme",
    "a text said my parcel was held and I entered my card details",
    "I got an email from the tax office asking for {amount}, was it real",
    "a man on a dating site asked me for {amount} and now he is gone",
)
_SCAM_SCRIPT = (
    "got a text saying my kestrel account is locked, clicked {link} and was told to move "
    "{amount} to a safe account {payee}",
    "a caller from kestrel fraud team said my savings are at risk and to pay {amount} to "
    "{payee}, the safe account, they sent {link}",
    "message about suspicious login told me to verify at {link} then transfer {amount} to {payee}",
)
_FEE_QUESTIONS = (
    "why have I been charged a {fee} monthly account fee",
    "what is this new {fee} fee on my account",
    "nobody told me about a {fee} a month charge",
    "there is a {fee} account maintenance fee I never agreed to",
    "since when do you charge {fee} every month to have an account",
    "I see a {fee} monthly fee, can I get rid of it",
    "why is my account costing {fee} a month now",
    "new account fee of {fee}? I want it refunded",
)
_PLACES = ("Leeds", "Bristol", "Glasgow", "Cardiff", "Norwich", "York", "Hull", "Bath", "Derby")
_LANGS = ("French", "Polish", "Urdu", "Spanish", "Romanian")
_THINGS = ("sofa", "phone", "car", "puppy", "concert ticket", "laptop")


@dataclass(frozen=True, slots=True)
class PlantedIncident:
    kind: IncidentKind
    start: datetime
    end: datetime
    #: What is planted: the merchant, region, payee ... (for the report).
    detail: str


@dataclass(frozen=True, slots=True)
class _Plan:
    kind: IncidentKind
    day: int
    hour: float
    minutes: int
    per_minute: float


_PLANS = (
    _Plan("merchant_outage", 0, 13.1, 120, 1.2),
    _Plan("app_login_failure", 1, 8.2, 120, 1.5),
    _Plan("regional_card_delay", 1, 6.0, 24 * 60, 0.5),
    _Plan("scam_script", 2, 10.0, 8 * 60, 0.3),
    _Plan("fee_confusion", 3, 9.0, 10 * 60, 0.6),
    _Plan("merchant_outage", 4, 20.6, 90, 1.0),
    _Plan("regional_card_delay", 5, 9.0, 12 * 60, 0.6),
    _Plan("app_login_failure", 5, 23.2, 60, 1.0),
    _Plan("scam_script", 6, 2.0, 10 * 60, 0.25),
    _Plan("fee_confusion", 6, 14.0, 6 * 60, 0.6),
)


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    seed: int = 0
    days: int = 7
    warmup_days: int = 7
    #: Conversations on an ordinary weekday.
    per_day: int = 82_000
    #: A Monday, so the day-of-week shape starts on one.
    start: datetime = datetime(2026, 3, 2, tzinfo=UTC)
    #: Incidents are planted at this multiple of their rate (small streams for tests).
    incident_scale: float = 1.0
    not_understood: float = 0.04
    scam_reports: float = 0.004
    merchant_share: float = 0.3
    handed_off: float = 0.12
    tool_failures: float = 0.004


class Simulation:
    """A generated stream: its columns, the planted incidents, and each row's incident."""

    def __init__(self, config: SimulationConfig, intents: Sequence[str]) -> None:
        self.config = c = config
        self._rng = rng = np.random.default_rng(c.seed)
        self.intents = tuple(i for i in intents if i != "out_of_scope")
        self.texts: list[str] = []
        self._text_ids: dict[str, int] = {}
        self.payees: list[str] = []
        self.links: list[str] = []
        self.incidents: list[PlantedIncident] = []
        self.learn_until = c.start + timedelta(days=c.warmup_days)
        self.end = self.learn_until + timedelta(days=c.days)

        n_intents = len(self.intents)
        self._intent_weight = rng.pareto(1.2, n_intents) + 0.2
        self._intent_phase = rng.uniform(0, 24, n_intents)
        self._intent_queue = rng.integers(0, len(QUEUES), n_intents)
        merchant_weight = 1.0 / np.arange(1, len(_MERCHANTS) + 1)
        self._merchant_p = merchant_weight / merchant_weight.sum()
        region_weight = np.array([w for _, w in _REGIONS])
        self._region_p = region_weight / region_weight.sum()
        failure_weight = np.array([w for _, w in _FAILURES])
        self._failure_p = failure_weight / failure_weight.sum()

        parts = [self._ordinary()]
        for plan in _PLANS:
            if plan.day < c.days:
                parts.append(self._planted(len(self.incidents), plan))
        columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.argsort(columns["t"], kind="stable")
        self._cols = {k: v[order] for k, v in columns.items()}
        self.size = len(order)

    # --- ordinary traffic ----------------------------------------------------------------

    def _ordinary(self) -> dict[str, NDArray[np.generic]]:
        c, rng = self.config, self._rng
        days = c.warmup_days + c.days
        minutes = np.arange(days * 24 * 60)
        hour = (minutes // 60) % 24
        day = minutes // (24 * 60)
        weekday = (c.start.weekday() + day) % 7
        shape = _HOURLY[hour].copy()
        weekend = weekday >= 5
        shape[weekend & (hour >= 6) & (hour <= 9)] *= 0.6  # later mornings at weekends
        day_noise = rng.lognormal(0, 0.05, days)[day]
        bucket_noise = rng.lognormal(0, 0.08, days * 144)[minutes // 10]
        per_minute = c.per_day / (_HOURLY.sum() * 60)
        rate = per_minute * shape * _WEEKDAY[weekday] * day_noise * bucket_noise
        counts = rng.poisson(rate)
        n = int(counts.sum())
        t = (np.repeat(minutes, counts) + rng.random(n)) * 60.0
        hours = (t / 3600.0) % 24

        # intent shares drift with the hour (each intent has its own peak)
        cols = self._rows(n, t)
        drift = 1 + 0.3 * np.sin(2 * np.pi * (hours[:, None] - self._intent_phase) / 24)
        weights = self._intent_weight * drift
        cumulative = np.cumsum(weights, axis=1)
        pick = rng.random(n) * cumulative[:, -1]
        cols["intent"] = (cumulative < pick[:, None]).sum(axis=1).astype(np.int32)

        lost = rng.random(n) < c.not_understood
        cols["understood"] = ~lost
        chatter = [self._chatter() for _ in range(int(lost.sum()))]
        cols["text"][lost] = [self._text(s) for s in chatter]

        has_merchant = rng.random(n) < c.merchant_share
        cols["merchant"][has_merchant] = rng.choice(
            len(_MERCHANTS), int(has_merchant.sum()), p=self._merchant_p
        )
        cols["region"] = rng.choice(len(_REGIONS), n, p=self._region_p).astype(np.int32)
        handed = rng.random(n) < c.handed_off
        cols["queue"][handed] = self._intent_queue[cols["intent"][handed]]
        failed = rng.random(n) < c.tool_failures
        cols["failure"][failed] = rng.choice(len(_FAILURES), int(failed.sum()), p=self._failure_p)

        scam = rng.random(n) < c.scam_reports
        cols["scam"] = scam
        for row in np.flatnonzero(scam):
            cols["text"][row] = self._text(self._scam_report())
            if rng.random() < 0.5:
                cols["payee"][row] = self._payee(self._random_payee())
            if rng.random() < 0.2:
                cols["link"][row] = self._link(self._random_link())
        return cols

    def _rows(self, n: int, t: NDArray[np.float64]) -> dict[str, NDArray[np.generic]]:
        none = np.full(n, -1, dtype=np.int32)
        return {
            "t": t,
            "intent": none.copy(),
            "understood": np.ones(n, dtype=bool),
            "merchant": none.copy(),
            "region": none.copy(),
            "queue": none.copy(),
            "failure": none.copy(),
            "scam": np.zeros(n, dtype=bool),
            "payee": none.copy(),
            "link": none.copy(),
            "text": none.copy(),
            "incident": none.copy(),
        }

    # --- planted incidents -----------------------------------------------------------------

    def _planted(self, number: int, plan: _Plan) -> dict[str, NDArray[np.generic]]:
        c, rng = self.config, self._rng
        offset = (c.warmup_days + plan.day) * 86400.0 + plan.hour * 3600.0
        offset += float(rng.integers(0, 10)) * 60.0  # not aligned to a bucket
        n = int(rng.poisson(plan.per_minute * plan.minutes * c.incident_scale))
        t = np.sort(offset + rng.random(n) * plan.minutes * 60.0)
        cols = self._rows(n, t)
        cols["incident"][:] = number
        cols["region"] = rng.choice(len(_REGIONS), n, p=self._region_p).astype(np.int32)
        detail = ""
        if plan.kind == "merchant_outage":
            merchant = 6 + 9 * (number % 2)  # a mid-popular merchant
            cols["intent"][:] = self._intent("declined_card_payment")
            cols["merchant"][:] = merchant
            detail = _MERCHANTS[merchant]
        elif plan.kind == "app_login_failure":
            cols["intent"][:] = np.where(
                rng.random(n) < 0.7,
                self._intent("passcode_forgotten"),
                self._intent("unable_to_verify_identity"),
            )
            cols["failure"][rng.random(n) < 0.2] = 2  # get_customer:timeout
            detail = "passcode_forgotten, unable_to_verify_identity"
        elif plan.kind == "regional_card_delay":
            region = 7 if number < len(_PLANS) // 2 else 9  # Scotland, then Wales
            cols["intent"][:] = self._intent("card_arrival")
            cols["region"][:] = region
            detail = _REGIONS[region][0]
        elif plan.kind == "scam_script":
            payee = self._payee(self._random_payee())
            link = self._link(self._random_link())
            cols["scam"][:] = True
            cols["intent"][:] = self._intent("compromised_card")
            for row in range(n):
                show_link, show_payee = rng.random() < 0.7, rng.random() < 0.85
                text = str(rng.choice(_SCAM_SCRIPT)).format(
                    link=self.links[link] if show_link else "a link",
                    payee=self.payees[payee] if show_payee else "",
                    amount=f"£{int(rng.integers(5, 90)) * 100}",
                )
                cols["text"][row] = self._text(text)
                cols["payee"][row] = payee if show_payee else -1
                cols["link"][row] = link if show_link else -1
            detail = f"{self.payees[payee]}, {self.links[link]}"
        else:  # fee_confusion
            cols["understood"][:] = False
            fee = ("£3", "£4.50")[number % 2]
            for row in range(n):
                cols["text"][row] = self._text(str(rng.choice(_FEE_QUESTIONS)).format(fee=fee))
            detail = f"{fee} monthly fee"
        start = c.start + timedelta(seconds=float(t[0]) if n else offset)
        self.incidents.append(
            PlantedIncident(
                kind=plan.kind,
                start=start,
                end=c.start + timedelta(seconds=offset + plan.minutes * 60),
                detail=detail,
            )
        )
        return cols

    # --- tables ----------------------------------------------------------------------------

    def _intent(self, name: str) -> int:
        return self.intents.index(name) if name in self.intents else 0

    def _text(self, text: str) -> int:
        found = self._text_ids.get(text)
        if found is None:
            found = self._text_ids[text] = len(self.texts)
            self.texts.append(text)
        return found

    def _payee(self, payee: str) -> int:
        self.payees.append(payee)
        return len(self.payees) - 1

    def _link(self, link: str) -> int:
        self.links.append(link)
        return len(self.links) - 1

    def _chatter(self) -> str:
        rng = self._rng
        return str(rng.choice(_CHATTER)).format(
            place=rng.choice(_PLACES), n=int(rng.integers(6, 17)), lang=rng.choice(_LANGS)
        )

    def _scam_report(self) -> str:
        rng = self._rng
        return str(rng.choice(_SCAM_REPORTS)).format(
            amount=f"£{int(rng.integers(1, 60)) * 50}", thing=rng.choice(_THINGS)
        )

    def _random_payee(self) -> str:
        rng = self._rng
        initial = chr(ord("A") + int(rng.integers(26)))
        surname = "".join(chr(ord("a") + int(k)) for k in rng.integers(0, 26, 6)).capitalize()
        code = "-".join(f"{int(k):02d}" for k in rng.integers(0, 100, 3))
        return f"{initial} {surname} {code}"

    def _random_link(self) -> str:
        rng = self._rng
        word = "".join(chr(ord("a") + int(k)) for k in rng.integers(0, 26, 8))
        return f"{word}-secure.co.uk"

    # --- reading ---------------------------------------------------------------------------

    def signals(self) -> Iterator[TurnSignal]:
        """Every turn in time order."""
        cols, start = self._cols, self.config.start
        queues: tuple[Queue, ...] = QUEUES
        rows = zip(*(cols[k].tolist() for k in _ORDER), strict=True)
        for i, (t, intent, understood, merchant, region, queue, failure, scam, payee, link,
                text) in enumerate(rows):  # fmt: skip
            yield TurnSignal.model_construct(
                conversation_id=f"sim-{i:07d}",
                at=start + timedelta(seconds=t),
                intent=self.intents[intent] if understood else "out_of_scope",
                confidence=0.9 if understood else 0.2,
                understood=understood,
                merchants=(_MERCHANTS[merchant],) if merchant >= 0 else (),
                payees=(self.payees[payee],) if payee >= 0 else (),
                links=(self.links[link],) if link >= 0 else (),
                risk_signals=("scam",) if scam else (),
                outcome="handed_off" if queue >= 0 else "resolved",
                queue=queues[queue] if queue >= 0 else None,
                guard_blocks=(),
                tool_failures=(_FAILURES[failure][0],) if failure >= 0 else (),
                region=_REGIONS[region][0] if region >= 0 else None,
                text=self.texts[text] if text >= 0 else "",
            )

    @property
    def measured_size(self) -> int:
        """Turns after the learning period (the week the incidents are planted in)."""
        learning = (self.learn_until - self.config.start).total_seconds()
        return int((self._cols["t"] >= learning).sum())

    def incident_of(self, conversation_id: str) -> int:
        """The planted incident a simulated conversation belongs to, or -1 (ordinary)."""
        return int(self._cols["incident"][int(conversation_id.removeprefix("sim-"))])


_ORDER = (
    "t", "intent", "understood", "merchant", "region", "queue", "failure", "scam", "payee",
    "link", "text",
)  # fmt: skip


def simulate(config: SimulationConfig | None = None, intents: Sequence[str] = ()) -> Simulation:
    """Generate a stream (``intents``: the intent names; default, those of the policies)."""
    if not intents:
        from resolution_agent.agent.policies import load_policies
        from resolution_agent.agent.settings import Settings

        intents = tuple(load_policies(Settings().policies_dir).intents)
    return Simulation(config or SimulationConfig(), intents)
