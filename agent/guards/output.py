"""The output guard: no secrets, no unbacked promises, no advice, only retrieved citations.

A failing reply is not edited: it is replaced as a whole by a safe reply, and the incident is
recorded with its rule id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.policies import Policies
from agent.state import Citation, ConversationState, ProposeReply

_CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_SORT_AND_ACCOUNT = re.compile(r"\b\d{2}[- ]?\d{2}[- ]?\d{2}\b\D{0,20}\b\d{8}\b")
_URL = re.compile(r"https?://([^/\s)]+)", re.I)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


@dataclass(frozen=True, slots=True)
class OutputVerdict:
    ok: bool
    rule_id: str
    reason: str
    citations: list[Citation]


def check_output(
    state: ConversationState, reply: ProposeReply, policies: Policies
) -> OutputVerdict:
    rules = policies.output
    text = reply.text
    lowered = text.lower()
    retrieved = {p.article_id for p in state.retrieved}
    citations = [c for c in reply.citations if c.article_id in retrieved]
    dropped = len(citations) != len(reply.citations)

    for match in _CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            return OutputVerdict(False, "OUT-CARD-NUMBER", "reply contains a card number", [])
    if _SORT_AND_ACCOUNT.search(text):
        return OutputVerdict(
            False, "OUT-ACCOUNT-NUMBER", "reply contains a sort code with an account number", []
        )
    for word in rules.secret_words:
        if re.search(re.escape(word) + r"\W{0,12}(?:is\W{0,5})?\d{3,6}\b", lowered):
            return OutputVerdict(False, "OUT-SECRET", f"reply may disclose a secret ({word})", [])
    backed = any(a.ok and a.call.tool in rules.promise_backed_by for a in state.actions)
    for phrase in rules.promise_phrases:
        if phrase in lowered and not backed:
            return OutputVerdict(
                False,
                "OUT-UNBACKED-PROMISE",
                f"reply promises money back ({phrase!r}) with no action behind it",
                [],
            )
    for phrase in rules.advice_phrases:
        if phrase in lowered:
            return OutputVerdict(False, "OUT-ADVICE", "reply gives investment advice", [])
    for host in _URL.findall(text):
        if host.lower() != rules.help_centre_host:
            return OutputVerdict(False, "OUT-LINK", f"link to {host} is not our help centre", [])
    if dropped:
        return OutputVerdict(
            True,
            "OUT-CITATION-DROPPED",
            "a citation that was not retrieved this turn was removed",
            citations,
        )
    return OutputVerdict(True, "OUT-OK", "reply passed", citations)
