"""What a procedure returns, and the view of the state it decides from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, JsonValue

from resolution_agent.agent.guards.third_party import WITHHELD, plain_name
from resolution_agent.agent.policies import FallbackName
from resolution_agent.agent.state import ActionRecord, ConversationState, ToolCall
from resolution_agent.agent.understanding.entities import extract_entities
from resolution_agent.agent.vocabulary import ConversationStatus
from resolution_agent.tools.declarations import TOOLS_BY_NAME

_M = TypeVar("_M", bound=BaseModel)


@dataclass(frozen=True)
class Call:
    tool: str
    args: dict[str, JsonValue]

    def as_call(self) -> ToolCall:
        return ToolCall(tool=self.tool, args=self.args)


@dataclass(frozen=True)
class Say:
    template: str
    status: ConversationStatus
    context: dict[str, Any] = field(default_factory=dict)
    cite: tuple[str, ...] = ()
    slot: str | None = None


@dataclass(frozen=True)
class Escalate:
    fallback: FallbackName
    detail: str = ""


Step = Call | Say | Escalate

_NOISE = frozenset(
    {
        "ltd",
        "limited",
        "plc",
        "the",
        "and",
        "com",
        "www",
        "payments",
        "payment",
        "gb",
        "uk",
        "london",
        "services",
        "online",
        "store",
        "bill",
    }
)


def _stem(word: str) -> str:
    word = word.lower().strip("'*")
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def name_mentioned(name: str, words: list[str]) -> bool:
    """Whether a merchant or payee name is mentioned: any distinctive word of it, stemmed.

    Long words also match with one typo ("amazn", "sainsburys" for "Sainsbury's"): customers
    type merchant names from memory, and only the customer's own records are candidates, so a
    near miss cannot pick someone else's merchant. A name with no word of three letters ("EE",
    "BT") is matched by its two-letter words exactly, or it could never be named at all.
    """
    if name_words_mentioned(name, words):
        return True
    stems = {_stem(w) for w in words}
    parts = [_stem(p) for p in re.findall(r"[a-z]+", name.lower())]
    distinctive = [p for p in parts if len(p) >= 3 and p not in _NOISE]
    long_words = [w for w in stems if len(w) >= 5]
    return any(len(p) >= 5 and any(_one_edit_apart(p, w) for w in long_words) for p in distinctive)


def name_words_mentioned(name: str, words: list[str]) -> int:
    """How many distinct distinctive words of a name are mentioned, stemmed.

    Breaks a tie between names that are both mentioned: "cancel the Fitlife gym direct debit,
    I've joined the council leisure centre" names FITLIFE GYMS LTD twice over and Council Tax
    once, in passing.
    """
    stems = {_stem(w) for w in words}
    parts = {_stem(p) for p in re.findall(r"[a-z]+", name.lower())} - _NOISE
    # a name with no word of three letters ("EE") counts its two-letter words, as it is named
    least = 3 if any(len(p) >= 3 for p in parts) else 2
    return sum(1 for p in parts if len(p) >= least and p in stems)


# "the sky one", "the british gas one": a name said as the pick among those shown
_THE_ONE = re.compile(r"\bthe ((?:[\w'&]+ ){1,3})one\b", re.I)
# "the 76 quid one. no wait, sorry - the sky one": what comes after a self-correction replaces
# what came before it
_CORRECTION = re.compile(
    r"\b(?:no wait|wait no|no sorry|sorry,? i mean|i mean|i meant|scratch that|or rather|"
    r"actually no|no actually)\b",
    re.I,
)


def said_as_the_one(name: str, text: str) -> bool:
    """Whether the message picks ``name`` as "the <name> one", after any self-correction."""
    corrections = list(_CORRECTION.finditer(text))
    tail = text[corrections[-1].end() :] if corrections else text
    return any(
        name_words_mentioned(name, name_words(m.group(1))) > 0 for m in _THE_ONE.finditer(tail)
    )


# "the payment to Ayesha Khan", "the one at Amazon": up to four capitalised words after a
# preposition that introduces whom money went to. Spaces only, so a name never runs into the
# next message of the episode.
_NAMED = re.compile(r"\b(?:to|at|from|with|by)[ ]+([A-Z][\w'&.-]*(?:[ ][A-Z][\w'&.-]*){0,3})")
_NOT_A_NAME = frozenset(
    "i me my you your the a an it this that monday tuesday wednesday thursday friday saturday "
    "sunday january february march april may june july august september october november "
    "december christmas easter".split()
)


def named_party(text: str) -> str | None:
    """The shop or person the customer names last, plain, whether or not their records hold it.

    Only names the customer capitalised count ("to my landlord" names nobody), so a reply can
    say "I can't find a payment to Amazon" rather than offer a different payment in its place.
    Made plain as a merchant name is (``guards.third_party``): it is quoted back.
    """
    names = [
        m.group(1)
        for m in _NAMED.finditer(text)
        if m.group(1).split()[0].lower().strip(".") not in _NOT_A_NAME
    ]
    if not names:
        return None
    name = plain_name(names[-1])
    return None if name == WITHHELD else name


def name_words(name: str) -> list[str]:
    """A name's words as :func:`name_mentioned` reads a message's."""
    return re.findall(r"[a-z][a-z'&*]+", name.lower())


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance exactly one (a substitution, insertion or deletion)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
            continue
        i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) == 1


def working_days_since(since: date, today: date) -> int:
    """Working days (Monday to Friday) after ``since`` up to and including ``today``."""
    days = (since + timedelta(days=n) for n in range(1, (today - since).days + 1))
    return sum(1 for day in days if day.weekday() < 5)


class View:
    """Read-only questions a procedure asks about the conversation so far."""

    def __init__(self, state: ConversationState, now: datetime) -> None:
        self.state = state
        self.now = now
        self.customer_id = state.customer_id
        self.intent = state.active_intent or "out_of_scope"
        self.entities = extract_entities(state.episode_text, now=now)
        self.words = self.entities.words

    def records(self, tool: str) -> list[ActionRecord]:
        return [a for a in self.state.episode_actions() if a.call.tool == tool]

    def ok(self, tool: str, **args: JsonValue) -> ActionRecord | None:
        for record in reversed(self.records(tool)):
            if record.ok and all(record.call.args.get(k) == v for k, v in args.items()):
                return record
        return None

    def tried(self, tool: str, **args: JsonValue) -> ActionRecord | None:
        for record in reversed(self.records(tool)):
            if all(record.call.args.get(k) == v for k, v in args.items()):
                return record
        return None

    def result(self, tool: str, model: type[_M], **args: JsonValue) -> _M | None:
        record = self.ok(tool, **args)
        return record.result.parsed(model) if record else None

    def this_turn(self, tool: str) -> ActionRecord | None:
        for record in reversed(self.state.turn_actions()):
            if record.call.tool == tool:
                return record
        return None

    def declined(self, tool: str, **args: JsonValue) -> bool:
        """Whether the customer said no to ``tool`` (with these arguments) in this episode."""
        return any(
            c.tool == tool and all(c.args.get(k) == v for k, v in args.items())
            for c in self.state.declined[-3:]
        )

    def spec_ok(self, tool: str) -> bool:
        return tool in TOOLS_BY_NAME
