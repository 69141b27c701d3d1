"""Words that say something was done, and the tools whose success backs each of them.

Each tool declares the claims it backs (``ToolSpec.claims``); they are gathered here by label,
in the order first declared, so the handoff narrative check and the output guard read one
table. A refund is claimed by no tool's success: nothing the agent can do backs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resolution_agent.tools.declarations import TOOLS


@dataclass(frozen=True, slots=True)
class BackedClaim:
    """A claim's ``label``, its case-insensitive ``pattern`` and the ``tools`` that back it."""

    label: str
    pattern: re.Pattern[str]
    tools: frozenset[str]


_REFUNDED = (
    "refunded",
    r"\b(?:refunded|reimbursed|credited|reversed|refund (?:was |has been |is being |will be )?"
    r"(?:issued|made|processed|sent|paid|arranged|approved)|will (?:be )?refund(?:ed)?|"
    r"(?:money|funds) (?:is |are |has been |have been )?(?:on (?:its|their) way back|sent back|"
    r"returned))\b",
)

# Other words for a declared claim, by its label: what a model says instead ("I've blocked
# your card" for a freeze). The tools backing each label stay those that declare it.
_PARAPHRASES = {
    "froze": r"(?<!un)(?:blocked|locked) (?:your |the |this |that )?(?:card|it)|"
    r"card (?:is |has been )?(?:now )?(?<!un)(?:blocked|locked)|"
    r"put (?:a|the) (?:block|freeze|stop) on",
    "cancelled": r"deactivated|disabled|terminated",
}


def _claims() -> tuple[BackedClaim, ...]:
    patterns: dict[str, str] = {}
    backers: dict[str, set[str]] = {}
    for spec in TOOLS:
        for claim in spec.claims:
            patterns.setdefault(claim.label, claim.pattern)
            backers.setdefault(claim.label, set()).add(spec.name)
    for label, extra in _PARAPHRASES.items():
        patterns[label] = rf"(?:{patterns[label]})|\b(?:{extra})\b"
    patterns[_REFUNDED[0]] = _REFUNDED[1]
    return tuple(
        BackedClaim(label, re.compile(pattern, re.I), frozenset(backers.get(label, ())))
        for label, pattern in patterns.items()
    )


CLAIMS: tuple[BackedClaim, ...] = _claims()

#: A claim preceded closely by one of these, in the same clause, says it was *not* done.
NEGATION = re.compile(
    r"(?:\b(?:not|never|no|nothing|without|neither|nor)\b|n't\b)[\w\s'-]{0,20}$", re.I
)

# Said of the agent's own doing: "I've cancelled", "we have now frozen", "I froze your card
# and refunded", "has been cancelled", "is now frozen". A state read back ("I can see your
# card is frozen", "it was already cancelled") or help text ("a frozen card can't be used")
# is not a claim of an action, so a first-person subject counts only with up to five words
# before the claim, none of which turns it into a report of a state.
_REPORT = (
    r"(?:is|are|was|were|be|been|isn't|wasn't|can|could|see|saw|shows?|check(?:ed)?|"
    r"if|whether|when|because|that|already)"
)
_DOING = re.compile(
    rf"(?:\b(?:i|we)(?:'ve|'d|'m)?(?:\s+(?!(?:{_REPORT}|will)\b)[\w'-]+){{0,5}}\s+"
    r"|\b(?:has|have) (?:now |just )?been |\b(?:is|are) now "
    # "Done - your card is blocked", "All done: payment stopped"
    r"|(?:^|[.!?]\s+)(?:all |consider it |that's |it's )?done\b\W+(?:[\w'-]+\s+){0,4}"
    # a sentence of a thing and what was done to it: "Refund processed.", "Card cancelled!"
    r"|(?:^|[.!?]\s+)(?:(?:the|your)\s+)?(?:refund|card|payment|transfer|direct debit|"
    r"dispute|pin)\s+)$",
    re.I,
)
# "The dispute has been raised.": a claim that carries its own subject and verb, opening a
# sentence.
_PASSIVE = re.compile(r"\w+ (?:was|has been|have been) ", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)(?:(?:the|your)\s+)?$", re.I)
# "Your card is cancelled now": a state with "now" after it reports a change just made.
_NOW_AFTER = re.compile(r"\s+now\b", re.I)
_STATE_BEFORE = re.compile(r"\b(?:is|are)\s+$", re.I)


def claimed_as_done(text: str) -> list[tuple[BackedClaim, str]]:
    """Each claim ``text`` makes of the agent's own doing, with the words that make it.

    A promise ("we will refund you") is not a claim of something done: the output guard's
    promise rule decides it, since a raised dispute may back one.
    """
    found: list[tuple[BackedClaim, str]] = []
    for claim in CLAIMS:
        for m in claim.pattern.finditer(text):
            if m.group(0).lower().startswith("will"):
                continue
            before = text[max(0, m.start() - 40) : m.start()]
            now = _STATE_BEFORE.search(before) and _NOW_AFTER.match(text, m.end())
            told = _PASSIVE.match(m.group(0)) and _SENTENCE_START.search(before)
            if (_DOING.search(before) or now or told) and not NEGATION.search(before):
                found.append((claim, m.group(0)))
    return found
