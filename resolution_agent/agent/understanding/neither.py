"""Reading "neither" in answer to a clarifying question ("is this about X, or about Y, or
something else?").

The question names the classifier's two likeliest guesses, and the customer's first message
is what led to them. So when the answer turns both down, that first message must not be read
again with the answer (it would pull the classifier back to a guess the customer has just
refused): only what the customer adds counts, and with nothing added no problem is known.
Only a turn-down at the start of the answer counts; "no money came through" begins a new
description, not a refusal, so a bare "no" counts only on its own.
"""

from __future__ import annotations

import re

from resolution_agent.agent.guards.input import normalise

_NEITHER = re.compile(
    r"^\s*(?:(?:no|nope|nah)\b[\s,.!:;-]*)?"
    r"(?:neither(?: of (?:them|those|these|the two))?(?! of\b)"
    r"|none of (?:them|those|these|the above|that)"
    r"|(?:it'?s |it is )?not (?:either|those|these|that|them|really)(?: one| ones)?(?! \w)"
    r"|(?:it'?s |it is )?(?:something|somethin|sth|anything) else"
    r"|nothing like that"
    r"|(?:no|nope|nah)\s*[.!]*\s*$)"
    r"[\s,.!?:;-]*",
    re.I,
)


def read_neither(text: str) -> str | None:
    """What the customer adds after turning down both options, or ``None`` if they did not.

    ``"neither, my card got stuck in a cash machine"`` gives ``"my card got stuck in a cash
    machine"``; ``"something else"`` gives ``""``; ``"the second one"`` gives ``None``.
    """
    clean = normalise(text).strip()
    match = _NEITHER.match(clean)
    if match is None:
        return None
    return clean[match.end() :].strip()
