"""Text from outside the bank, made safe to show: a merchant or payee name, never a message.

A merchant or payee name is written by whoever set up the merchant account or the payment,
so an attacker can make it say "… visit https://… and enter your card details". The agent
quotes names back (a dispute question, a payment explained), and the output guard cannot tell
a planted link from the customer's own merchant. So the names are made plain once, where a
tool result enters the conversation (``agent.nodes.act``): everything downstream (planner,
templates, model prompts, handoff summaries) sees only the plain name.

A plain name has no links (a URL or ``www.`` name ends it; a bare domain such as
``NETFLIX.COM`` keeps its words, not its dots), no instructions (it ends before an imperative
cue or a sentence break after its first word), only the characters names use, and at most
:data:`MAX_CHARS` characters, cut at a word.
"""

from __future__ import annotations

import re

from pydantic import JsonValue

from resolution_agent.agent.guards._secrets import BARE_HOST, link_start
from resolution_agent.agent.guards._unicode import fold
from resolution_agent.tools.declarations import TOOLS_BY_NAME

#: Longest name shown; the longest in the seed bank is 41 characters.
MAX_CHARS = 60
#: Shown instead of a name with nothing plain left in it.
WITHHELD = "(name not shown)"

# Words that start an instruction to the reader rather than continue a name. Only from the
# second word on: "Ring" or "Post Office" are names, "… call 0800 …" is an order.
_CUE = re.compile(
    r"\s(?:visit|click|tap|go to|enter|type|call|ring|text|reply|send|ignore|disregard|"
    r"forget|log ?in|sign ?in|verify|confirm|update|tell|say|respond|instructions?|"
    r"system|assistant|admin|override|note to|we|you|your|please|must|now|cancel|unfreeze|unblock|"
    r"dispute)\b",
    re.I,
)
_BREAK = re.compile(r"[!?;:\n\r\t\"<>{}\[\]|]|\.\s")
_NOT_NAME = re.compile(r"[^\w &'.,()*/+-]")
_SPACES = re.compile(r"\s+")


def plain_name(text: str) -> str:
    """``text`` as a plain name (see the module docstring), or :data:`WITHHELD`."""
    name = fold(text)
    link = link_start(name)
    if link is not None:
        name = name[:link]
    for pattern in (_BREAK, _CUE):
        found = pattern.search(name)
        if found is not None:
            name = name[: found.start()]
    name = BARE_HOST.sub(lambda m: m.group(0).replace(".", " "), name)
    name = _SPACES.sub(" ", _NOT_NAME.sub(" ", name)).strip(" .,-/*+&'")
    if len(name) > MAX_CHARS:
        cut = name[: MAX_CHARS + 1]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_CHARS]).rstrip(" .,-/*+&'")
    return name or WITHHELD


def plain_result(tool: str, data: JsonValue) -> JsonValue:
    """``data`` of ``tool``'s result with each declared ``free_text`` field made a plain name.

    The fields are the tool's ``free_text`` on its declaration, at any depth (they sit in the
    records of a list); an undeclared tool's data is returned as it is.
    """
    spec = TOOLS_BY_NAME.get(tool)
    if spec is None or not spec.free_text:
        return data
    return _plain(data, frozenset(spec.free_text))


def _plain(data: JsonValue, fields: frozenset[str]) -> JsonValue:
    if isinstance(data, dict):
        return {
            key: plain_name(value)
            if key in fields and isinstance(value, str)
            else _plain(value, fields)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_plain(item, fields) for item in data]
    return data
