"""The options of the clarifying question, and reading which one the customer picks.

The question offers the classifier's two or three likeliest problems in the words of
``customer_label`` (``policies/intents.yaml``: reviewed text a customer recognises, never a
description). The clarify node asks with :func:`clarify_options` and ``understand`` reads the
answer against the same function, so the options need no state of their own: the classifier
is deterministic and the episode's text is what it was asked about.

A pick is by position ("the first", "2", "second one please", "the last") or by words that
only one option shares ("the stolen one"). Anything else is not a pick, and the answer is
read as the customer explaining again.
"""

from __future__ import annotations

import re

from resolution_agent.agent.guards.input import normalise
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import IntentPrediction

MAX_OPTIONS = 3
#: A third likely problem is offered only when the classifier gives it at least this score;
#: a long list of faint guesses is harder to answer than "something else".
THIRD_OPTION_FLOOR = 0.08

_POSITION = {
    "1": 0,
    "1st": 0,
    "first": 0,
    "top": 0,
    "2": 1,
    "2nd": 1,
    "second": 1,
    "3": 2,
    "3rd": 2,
    "third": 2,
}
_PICK = re.compile(
    r"^\s*(?:(?:the|its|it'?s|it is|option|number|no\.?|yes|yeah|yep)[\s,]+)*"
    r"(1st|2nd|3rd|first|second|third|top|last|[123])"
    r"(?:\s+(?:one|option))?"
    # "the first one you said", "second on the list"
    r"(?:\s+(?:you (?:said|mentioned|listed|showed|gave)|on (?:the|that|your) list|in the list|"
    r"there))?"
    r"(?:[\s,]+(?:please|pls|plz|thanks|ta))?[\s.!)]*$",
    re.I,
)
_PLAIN = frozenset(
    "a an the your you my me i it its is or about of to for in on with and that this being "
    "by from someone else one which what want need".split()
)


def clarify_options(prediction: IntentPrediction, policies: Policies) -> list[str]:
    """The intents the clarifying question offers, likeliest first (never ``out_of_scope``)."""
    scored = [(prediction.intent, prediction.confidence)]
    scored += [(a.intent, a.score) for a in prediction.alternatives]
    options: list[str] = []
    for intent, score in scored:
        if intent == "out_of_scope" or intent in options or intent not in policies.intents:
            continue
        if len(options) == MAX_OPTIONS - 1 and score < THIRD_OPTION_FLOOR:
            break
        options.append(intent)
        if len(options) == MAX_OPTIONS:
            break
    return options


def read_position(text: str, count: int) -> int | None:
    """The index a pick by position names among ``count`` listed things ("the first one you
    said", "2", "the last"), or ``None`` when the answer is no such pick."""
    position = _PICK.match(normalise(text).strip().lower())
    if position is None or count == 0:
        return None
    word = position.group(1)
    index = count - 1 if word == "last" else _POSITION[word]
    return index if index < count else None


def read_pick(text: str, options: list[str], policies: Policies) -> str | None:
    """The option the customer picks, or ``None`` when the answer is not a pick."""
    if not options:
        return None
    clean = normalise(text).strip().lower()
    if _PICK.match(clean) is not None:
        index = read_position(clean, len(options))
        return options[index] if index is not None else None
    words = _words(clean)
    if not words or len(words) > 5:
        return None
    shared = [len(words & _words(policies.intent(o).customer_label.lower())) for o in options]
    best = max(shared)
    if best == 0 or shared.count(best) > 1:
        return None
    return options[shared.index(best)]


def _words(text: str) -> set[str]:
    found = {w.strip("'") for w in re.findall(r"[a-z][a-z']+", text)}
    return {w for w in found if w not in _PLAIN and len(w) >= 3}
