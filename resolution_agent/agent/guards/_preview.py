"""What of a streamed reply may be shown while the model is still writing it."""

from __future__ import annotations

import re

from resolution_agent.agent.guards._content import first_match, fraud_instruction, off_topic
from resolution_agent.agent.guards._secrets import (
    card_numbers,
    contact_details,
    disclosed_secret,
    link_hosts,
    secret_pattern,
    shows_account_number,
    spelled_out,
)
from resolution_agent.agent.guards._unicode import fold
from resolution_agent.agent.policies import Policies

__all__ = ["PreviewScreen"]


class PreviewScreen:
    """What of a streamed reply may be shown while the model is still writing it.

    The final reply passes :func:`check_output`; the preview a chat channel shows meanwhile
    must not leak what that check would stop. So the preview is released a word at a time,
    only up to the last whole word and never ending in digits (a card number arrives in
    pieces, none of which looks like one), and only while everything released so far passes
    the checks that need no conversation state: length, card and account numbers, secrets
    (digits spelled in words read as digits), contact details, fraud instructions, abuse,
    another identity, off-topic patterns, links and requests for a yes. Once it fails,
    nothing more is released; the final reply replaces the preview anyway.
    """

    def __init__(self, policies: Policies) -> None:
        self._rules = policies.output
        self._secret = secret_pattern(self._rules.secret_words)
        self._text = ""
        self._shown = 0
        self._stopped = False

    def feed(self, delta: str) -> str:
        """Add ``delta``; the text that may be shown now (often empty)."""
        self._text += delta
        cut = _last_safe_end(self._text)
        return self._release(cut) if cut > self._shown else ""

    def finish(self) -> str:
        """The stream ended: the rest, if the whole text passes."""
        return self._release(len(self._text))

    def _release(self, end: int) -> str:
        if self._stopped or not self._passes(self._text[:end]):
            self._stopped = True
            return ""
        released, self._shown = self._text[self._shown : end], end
        return released

    def _passes(self, text: str) -> bool:
        rules = self._rules
        folded = " ".join(fold(text).split())
        lowered = folded.lower()
        digits = spelled_out(folded)
        return not (
            len(folded) > rules.max_reply_chars
            or card_numbers(digits)
            or shows_account_number(digits)
            or disclosed_secret(digits, self._secret) is not None
            or contact_details(folded)
            or fraud_instruction(folded, rules.fraud_patterns) is not None
            or first_match(folded, rules.abuse_patterns) is not None
            or first_match(folded, rules.identity_patterns) is not None
            or off_topic(folded, rules.off_topic, None) is not None
            or any(host != rules.help_centre_host for host in link_hosts(folded))
            or any(phrase in lowered for phrase in rules.confirm_phrases)
        )


# The end of the last whole word before trailing digits and separators: "Your card 4539 14"
# is released as far as "Your card ".
_UNSAFE_TAIL = re.compile(r"(?:[\d.,:/-]+\s*)*\S*$")


def _last_safe_end(text: str) -> int:
    match = _UNSAFE_TAIL.search(text)
    return match.start() if match else len(text)
