"""The output guard: no secrets, no other people's data, no unbacked promises, no advice, only
our links, and a confirmation question only when the agent really asked one.

A failing reply is not edited: it is replaced as a whole by a safe reply, and the incident is
recorded with its rule id. Rules, in the order they are checked (the first failing one
decides):

- ``OUT-TOO-LONG``: longer than ``max_reply_chars`` (``policies/output.yaml``): no reply of
  ours is, and a model's runaway output is not read out to the customer.
- ``OUT-CARD-NUMBER``: a 13-19 digit number that passes the Luhn check.
- ``OUT-ACCOUNT-NUMBER``: a sort code with an eight-digit account number (either order, in
  any spacing: ``04 00 75``, ``040075``, ``1234 5678``), or an account number named as such.
- ``OUT-SECRET``: a CVV, PIN, passcode or one-time code next to its digits (``secret_words`` in
  ``policies/output.yaml``), or a code the customer typed repeated back, however spaced.
- ``OUT-OTHER-CUSTOMER``: a record id that is not the customer's (``cus_1002``,
  ``card_1002a``), since the only ids a reply may carry are ones the bank returned for them.
- ``OUT-PERSONAL-DATA``: an email address or phone number; the agent never needs to show one,
  and one in a reply is most likely someone else's.
- ``OUT-UNBACKED-PROMISE``: money back promised with no successful tool call behind it (a
  tool declared with ``backs_refund_promise`` in ``tools.declarations``).
- ``OUT-UNBACKED-CLAIM``: the agent says it did something ("I've cancelled your card", "the
  payment has been stopped", "I refunded you") that no successful tool call in the
  conversation backs (``agent.claims``: each tool declares the words its success backs; a
  refund is backed by none). A state read back ("your card is already frozen") is no claim.
- ``OUT-ADVICE``: investment or financial advice.
- ``OUT-LINK``: a link (URL, ``www.`` or bare domain) outside our help centre. Merchant and
  payee names carry none: they are made plain where they enter the conversation
  (``guards.third_party``), so a planted link cannot pass as the customer's own merchant.
- ``OUT-CONFIRM-UNASKED``: a reply posing as the confirmation question when the guard did not
  ask for confirmation of the pending call this turn, or whose text is not the agent's own
  question about that call (a planner can neither arm a "yes" nor word the question); and any
  other reply that asks for a yes (``confirm_phrases``), since that yes would confirm nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from resolution_agent.agent.claims import claimed_as_done
from resolution_agent.agent.guards._secrets import (
    RECORD_ID,
    card_numbers,
    contact_details,
    disclosed_secret,
    echoed_codes,
    link_hosts,
    luhn_ok,
    secret_pattern,
    shows_account_number,
)
from resolution_agent.agent.guards._unicode import fold
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import Citation, ConversationState, ProposeReply
from resolution_agent.tools.declarations import TOOLS

__all__ = ["OutputVerdict", "check_output", "luhn_ok"]

# Tools whose success makes a refund promise fair: each declares ``backs_refund_promise``.
_PROMISE_BACKERS = frozenset(spec.name for spec in TOOLS if spec.backs_refund_promise)


@dataclass(frozen=True, slots=True)
class OutputVerdict:
    ok: bool
    rule_id: str
    reason: str
    citations: list[Citation]


def _fail(rule: str, reason: str) -> OutputVerdict:
    return OutputVerdict(False, rule, reason, [])


def check_output(
    state: ConversationState,
    reply: ProposeReply,
    policies: Policies,
    *,
    question: str | None = None,
) -> OutputVerdict:
    """The verdict on ``reply``; ``question`` is the agent's own confirmation question for the
    pending call (``agent.guards.confirmation``), which a confirmation reply must carry."""
    rules = policies.output
    # Folded, so full-width digits or Cyrillic look-alikes cannot disguise what is shown.
    text = fold(reply.text)
    lowered = text.lower()
    retrieved = {p.article_id for p in state.this_turn.retrieved}
    citations = [c for c in reply.citations if c.article_id in retrieved]
    dropped = len(citations) != len(reply.citations)

    if len(text) > rules.max_reply_chars:
        return _fail("OUT-TOO-LONG", f"reply of {len(text)} characters")
    if card_numbers(text):
        return _fail("OUT-CARD-NUMBER", "reply contains a card number")
    if shows_account_number(text):
        return _fail("OUT-ACCOUNT-NUMBER", "reply contains a sort code with an account number")
    word = disclosed_secret(text, secret_pattern(rules.secret_words))
    if word is not None:
        return _fail("OUT-SECRET", f"reply may disclose a secret ({word.lower()})")
    customer_texts = [m.text for m in state.transcript if m.role == "customer"]
    if echoed_codes(text, [*customer_texts, state.incoming]):
        return _fail("OUT-SECRET", "reply repeats a code the customer typed")
    foreign = sorted(set(RECORD_ID.findall(text)) - _known_ids(state))
    if foreign:
        return _fail("OUT-OTHER-CUSTOMER", f"reply names records of someone else: {foreign}")
    if contact_details(text):
        return _fail("OUT-PERSONAL-DATA", "reply contains an email address or phone number")
    backed = any(a.ok and a.call.tool in _PROMISE_BACKERS for a in state.actions)
    if not backed:
        for phrase in rules.promise_phrases:
            if phrase in lowered:
                return _fail(
                    "OUT-UNBACKED-PROMISE",
                    f"reply promises money back ({phrase!r}) with no action behind it",
                )
    succeeded = {a.call.tool for a in state.actions if a.ok}
    for claim, words in claimed_as_done(text):
        if not claim.tools & succeeded:
            return _fail(
                "OUT-UNBACKED-CLAIM",
                f"reply claims {words!r} ({claim.label}) with no successful action behind it",
            )
    for phrase in rules.advice_phrases:
        if phrase in lowered:
            return _fail("OUT-ADVICE", "reply gives investment advice")
    for host in link_hosts(text):
        if host != rules.help_centre_host:
            return _fail("OUT-LINK", f"link to {host} is not our help centre")
    if reply.slot != "confirmation" and any(p in lowered for p in rules.confirm_phrases):
        return _fail("OUT-CONFIRM-UNASKED", "a reply asks for a yes that would confirm nothing")
    if reply.slot == "confirmation" and not _asked_this_turn(state):
        return _fail(
            "OUT-CONFIRM-UNASKED",
            "a confirmation question with no guard request for confirmation behind it",
        )
    if reply.slot == "confirmation" and (question is None or question not in reply.text):
        return _fail(
            "OUT-CONFIRM-UNASKED",
            "a confirmation question that does not describe the pending call",
        )
    if dropped:
        return OutputVerdict(
            True,
            "OUT-CITATION-DROPPED",
            "a citation that was not retrieved this turn was removed",
            citations,
        )
    return OutputVerdict(True, "OUT-OK", "reply passed", citations)


def _asked_this_turn(state: ConversationState) -> bool:
    pending, guard = state.pending, state.this_turn.guard
    return (
        pending is not None
        and pending.kind == "confirmation"
        and pending.asked_turn == state.turn
        and guard is not None
        and guard.verdict == "confirm"
        and guard.call == pending.call
    )


def _known_ids(state: ConversationState) -> set[str]:
    """Ids the customer may see: their own id and every id the bank returned for them."""
    known = {state.customer_id}
    for ids in state.owned.values():
        known.update(ids)
    for action in state.actions:
        if action.ok:
            known.update(_ids_in(action.result.data))
    return known


def _ids_in(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and (key == "id" or key.endswith("_id")):
                found.add(value)
            else:
                found |= _ids_in(value)
    elif isinstance(data, list):
        for item in data:
            found |= _ids_in(item)
    return found


class PreviewScreen:
    """What of a streamed reply may be shown while the model is still writing it.

    The final reply passes :func:`check_output`; the preview a chat channel shows meanwhile
    must not leak what that check would stop. So the preview is released a word at a time,
    only up to the last whole word and never ending in digits (a card number arrives in
    pieces, none of which looks like one), and only while everything released so far passes
    the checks that need no conversation state: length, card and account numbers, secrets,
    contact details, links and requests for a yes. Once it fails, nothing more is released;
    the final reply replaces the preview anyway.
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
        folded = fold(text)
        lowered = folded.lower()
        return not (
            len(folded) > rules.max_reply_chars
            or card_numbers(folded)
            or shows_account_number(folded)
            or disclosed_secret(folded, self._secret) is not None
            or contact_details(folded)
            or any(host != rules.help_centre_host for host in link_hosts(folded))
            or any(phrase in lowered for phrase in rules.confirm_phrases)
        )


# The end of the last whole word before trailing digits and separators: "Your card 4539 14"
# is released as far as "Your card ".
_UNSAFE_TAIL = re.compile(r"(?:[\d.,:/-]+\s*)*\S*$")


def _last_safe_end(text: str) -> int:
    match = _UNSAFE_TAIL.search(text)
    return match.start() if match else len(text)
