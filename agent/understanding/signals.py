"""Risk signals that make a person decide: scam, vulnerability, complaint, asking for a human.

Patterns are anchored on phrases, not single words, so "I'm dying to know the exchange rate"
is not bereavement and "my card was declined at the fraud prevention office" is not a scam
report.
"""

from __future__ import annotations

import re

from agent.state import RiskSignal
from agent.vocabulary import RiskKind

_RULES: list[tuple[RiskKind, str]] = [
    (
        "scam",
        r"\b(i'?ve been|i have been|i was|i got|been|we'?ve been)\s+(scammed|conned|defrauded)",
    ),
    ("scam", r"\bsafe account\b"),
    (
        "scam",
        r"\b(pretending|claimed|claiming|said they) (to be|were|was) (from )?(the |your )?"
        r"(bank|kestrel|police|hmrc|fraud team)",
    ),
    (
        "scam",
        r"\b(someone|somebody|they)\b.{0,30}\b(using|used|spending on|emptied|took money)\b"
        r".{0,20}\b(my (card|account)|money)",
    ),
    ("scam", r"\bfraud(ulent)?\b.{0,30}\b(payments?|transactions?|on my account|activity)\b"),
    ("scam", r"\b(report|reporting)\b.{0,15}\b(a |an )?(scam|fraud)\b"),
    ("scam", r"\binvestment (scam|opportunity)\b.{0,40}\b(sent|paid|transferred)\b"),
    ("bereavement", r"\b(passed away|has died|had died|just died|died (last|on|in|recently))\b"),
    ("bereavement", r"\b(bereavement|funeral|deceased|probate|death certificate)\b"),
    (
        "financial_difficulty",
        r"\b(can'?t|cannot|unable to) (afford|pay (my|the) (bills|rent|debts?))",
    ),
    (
        "financial_difficulty",
        r"\b(in debt|struggling (financially|with (money|debt|bills))|"
        r"lost my job|skint|bailiffs|behind on (my )?(rent|bills))\b",
    ),
    (
        "vulnerability",
        r"\b(domestic abuse|abusive (partner|husband|wife)|controlling "
        r"(partner|husband|wife)|coercive)\b",
    ),
    (
        "vulnerability",
        r"\b(suicidal|want to die|end it all|depress(ed|ion)|anxiety attack|"
        r"mental health|diagnosed with|terminal(ly)? ill|in hospital|chemo)\b",
    ),
    ("complaint", r"\b(make|making|raise|file|lodge|log) an? (formal )?complaint\b"),
    ("complaint", r"\b(i want to|i wish to|i'?d like to|going to) complain\b"),
    ("complaint", r"\b(ombudsman|unacceptable service|appalling service|disgraceful service)\b"),
    (
        "human_request",
        r"\b(speak|talk|chat) (to|with) (a |an |someone|somebody|real|actual|human)"
        r"(\w| )*\b(person|human|agent|advisor|adviser|someone|somebody|staff)?",
    ),
    ("human_request", r"\b(real|actual) (person|human)\b"),
    ("human_request", r"\b(human|agent|advisor|adviser) please\b"),
    ("human_request", r"\b(transfer|put) me (to|through to) (a |an )?(human|person|agent)\b"),
    (
        "abuse",
        r"\b(f+u+c+k+ (you|off)|you'?re (useless|an idiot|stupid)|piece of (shit|crap)|"
        r"stupid bot)\b",
    ),
]
_COMPILED = [(kind, re.compile(pattern, re.I)) for kind, pattern in _RULES]


def detect_signals(text: str) -> list[RiskSignal]:
    found: dict[RiskKind, RiskSignal] = {}
    for kind, pattern in _COMPILED:
        if kind in found:
            continue
        match = pattern.search(text)
        if match:
            found[kind] = RiskSignal(kind=kind, evidence=match.group(0)[:80])
    return list(found.values())
