"""The output guard: no secrets, no other people's data, no unbacked promises, no advice, only
our links, a confirmation question only when the agent really asked one, and nothing a
jailbroken model may write: fraud instructions, abuse, another identity, our own prompt, or
anything that is not the customer's banking with us.

A failing reply is not edited: it is replaced as a whole by a safe reply, and the incident is
recorded with its rule id. Four rules have two signals: their patterns, and a learned model
(``guards.reply_detector``, scored before the check in a worker thread and passed in as
``OutputContext.learned``; the reason says "learned" when it decided). Rules, in the order
they are checked (the first failing one decides):

- ``OUT-TOO-LONG``: longer than ``max_reply_chars`` (``policies/output.yaml``): no reply of
  ours is, and a model's runaway output is not read out to the customer.

Digits spelled out in words ("four five three nine", "double seven") are read as digits by
the number rules below, and a number split into groups across the reply is read whole.

- ``OUT-CARD-NUMBER``: a 13-19 digit number that passes the Luhn check, also split in groups.
- ``OUT-ACCOUNT-NUMBER``: a sort code with an eight-digit account number (either order, in
  any spacing: ``04 00 75``, ``040075``, ``1234 5678``), or an account number named as such.
- ``OUT-SECRET``: a CVV, PIN, passcode or one-time code next to its digits (``secret_words`` in
  ``policies/output.yaml``), a code the customer typed repeated back, however spaced or split,
  or any number of four digits or more spelled out digit by digit in words ("one two three
  four"): no reply of ours spells a number, and doing so only gets a number past the rules.
- ``OUT-OTHER-CUSTOMER``: a record id that is not the customer's (``cus_1002``,
  ``card_1002a``), since the only ids a reply may carry are ones the bank returned for them;
  or, by value (``guards._identifiers``), another customer's name, email, phone number,
  account number, postcode or verification code as the bank's customer directory holds them,
  or an identifier of a record of someone else in this conversation's tool results.
- ``OUT-PERSONAL-DATA``: an email address or phone number; the agent never needs to show one,
  and one in a reply is most likely someone else's.
- ``OUT-FRAUD-INSTRUCTIONS``: how to launder money, structure deposits, open accounts in
  another name, beat the fraud checks, raise a false chargeback, act as a money mule, phish
  (``fraud_patterns``); a warning about the same things ("never let anyone ...") passes; or
  the learned signal reads it as such.
- ``OUT-ABUSE``: insults, slurs, threats or contempt towards the customer (``abuse_patterns``),
  or the learned signal reads it as such.
- ``OUT-IDENTITY``: the reply claims to be someone else: a persona ("I am DAN"), an
  unrestricted model, a human, an authority or another firm, the customer's lawyer
  (``identity_patterns``), or the learned signal reads it as such.
- ``OUT-PROMPT-LEAK``: ``prompt_leak.min_shared`` or more runs of ``shingle_words`` words
  shared with the system prompt the model was given (help passages and tool results left out)
  or with the policy files' wording (``guards._content.leaked``).
- ``OUT-UNBACKED-PROMISE``: money back promised with no successful tool call behind it (a
  tool declared with ``backs_refund_promise`` in ``tools.declarations``).
- ``OUT-UNBACKED-CLAIM``: the agent says it did something ("I've cancelled your card", "the
  payment has been stopped", "I refunded you") that no successful tool call in the
  conversation backs (``agent.claims``: each tool declares the words its success backs; a
  refund is backed by none). A state read back ("your card is already frozen") is no claim.
- ``OUT-ADVICE``: investment or financial advice.
- ``OUT-OFF-TOPIC``: not about the customer's banking with us: code, a recipe, a poem,
  politics, another company's support desk (``off_topic.patterns``), or a reply of
  ``off_topic.min_words`` content words or more of which fewer than ``min_bank_share`` are
  words our help centre and reply templates use (``guards._content.off_topic``), or one the
  learned signal reads as off topic.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resolution_agent.agent.claims import claimed_as_done
from resolution_agent.agent.consistency import help_centre
from resolution_agent.agent.guards._content import (
    LearnedVerdict,
    OutputReference,
    first_match,
    fraud_instruction,
    leaked,
    off_topic,
)
from resolution_agent.agent.guards._identifiers import foreign_values
from resolution_agent.agent.guards._preview import PreviewScreen
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
    spelled_digit_runs,
    spelled_out,
    split_card_numbers,
)
from resolution_agent.agent.guards._unicode import fold
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import Citation, ConversationState, Passage, ProposeReply
from resolution_agent.agent.templates import Templates
from resolution_agent.tools.declarations import TOOLS
from resolution_agent.tools.directory import CustomerIdentifiers

__all__ = [
    "LearnedVerdict",
    "OutputContext",
    "OutputReference",
    "OutputVerdict",
    "PreviewScreen",
    "check_output",
    "luhn_ok",
    "output_reference",
]

# A number spelled digit by digit in words this long is a number being smuggled past the
# digit rules: no reply of ours spells one.
_SPELLED_DIGITS = 4

# Tools whose success makes a refund promise fair: each declares ``backs_refund_promise``.
_PROMISE_BACKERS = frozenset(spec.name for spec in TOOLS if spec.backs_refund_promise)


@dataclass(frozen=True, slots=True)
class OutputVerdict:
    ok: bool
    rule_id: str
    reason: str
    citations: list[Citation]


@dataclass(frozen=True, slots=True)
class OutputContext:
    """What some rules measure a reply against beyond the conversation: our own texts
    (``reference``), every customer's identifiers from the bank's directory (``customers``;
    empty when the bank offers none) and the system prompt the model was given this turn
    (``prompts``), and what the learned signal saw in the reply (``learned``; None when no
    model scored it). Without it, only the rules that need none of these are checked."""

    reference: OutputReference
    customers: Sequence[CustomerIdentifiers] = ()
    prompts: Sequence[str] = ()
    learned: LearnedVerdict | None = None


def output_reference(
    help_folder: Path, templates: Templates, policies: Policies
) -> OutputReference:
    """Our own texts, once per agent: the help centre's articles, the reply and confirmation
    templates and the labels a customer picks from (the words our replies use), and the policy
    wording."""
    ours = [
        " ".join([a.title, a.intro, *(f"{s.heading} {s.text}" for s in a.sections)])
        for a in help_centre(help_folder)
    ]
    ours.extend(
        _TAG.sub(" ", templates.source(name))
        for name in templates.names()
        if name.startswith(("replies/", "tools/"))
    )
    ours.extend(intent.customer_label for intent in policies.intents.values())
    return OutputReference.build(
        ours, policies.wording, run_words=policies.output.prompt_leak.shingle_words
    )


# Jinja tags and comments: variable names and developer notes are not words we say.
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _unquoted(lowered: str, passages: Sequence[Passage]) -> str:
    """The reply less the sentences it quotes word for word from a help passage retrieved this
    turn: "We'll refund the full amount straight away" under the Direct Debit Guarantee is the
    help centre's promise of how the guarantee works, not one of ours about this customer."""
    quoted = [" ".join(fold(p.snippet).split()).lower() for p in passages]
    return " ".join(
        sentence
        for sentence in _SENTENCE_END.split(lowered)
        if not any(sentence in passage for passage in quoted)
    )


def _fail(rule: str, reason: str) -> OutputVerdict:
    return OutputVerdict(False, rule, reason, [])


def _learned(rule: str, what: str, score: float) -> OutputVerdict:
    return _fail(rule, f"{what} (learned signal, score {score:.2f})")


def check_output(
    state: ConversationState,
    reply: ProposeReply,
    policies: Policies,
    *,
    question: str | None = None,
    context: OutputContext | None = None,
) -> OutputVerdict:
    """The verdict on ``reply``; ``question`` is the agent's own confirmation question for the
    pending call (``agent.guards.confirmation``), which a confirmation reply must carry;
    ``context`` is what the by-value, prompt-leak and vocabulary rules measure against."""
    rules = policies.output
    # Folded, so full-width digits or Cyrillic look-alikes cannot disguise what is shown, and
    # single-spaced, so no phrase hides across a line break.
    text = " ".join(fold(reply.text).split())
    lowered = text.lower()
    # Digits spelled in words read as digits by every number rule.
    digits = spelled_out(text)
    retrieved = {p.article_id for p in state.this_turn.retrieved}
    citations = [c for c in reply.citations if c.article_id in retrieved]
    dropped = len(citations) != len(reply.citations)

    if len(text) > rules.max_reply_chars:
        return _fail("OUT-TOO-LONG", f"reply of {len(text)} characters")
    if card_numbers(digits) or split_card_numbers(digits):
        return _fail("OUT-CARD-NUMBER", "reply contains a card number")
    if shows_account_number(digits):
        return _fail("OUT-ACCOUNT-NUMBER", "reply contains a sort code with an account number")
    word = disclosed_secret(digits, secret_pattern(rules.secret_words))
    if word is not None:
        return _fail("OUT-SECRET", f"reply may disclose a secret ({word.lower()})")
    customer_texts = [m.text for m in state.transcript if m.role == "customer"]
    if echoed_codes(digits, [spelled_out(t) for t in [*customer_texts, state.incoming]]):
        return _fail("OUT-SECRET", "reply repeats a code the customer typed")
    if any(len(run) >= _SPELLED_DIGITS for run in spelled_digit_runs(text)):
        return _fail("OUT-SECRET", "reply spells out a number digit by digit in words")
    foreign = sorted(set(RECORD_ID.findall(text)) - _known_ids(state))
    if foreign:
        return _fail("OUT-OTHER-CUSTOMER", f"reply names records of someone else: {foreign}")
    kinds = foreign_values(state, text, context.customers if context else ())
    if kinds:
        return _fail("OUT-OTHER-CUSTOMER", f"reply shows another customer's {', '.join(kinds)}")
    if contact_details(text):
        return _fail("OUT-PERSONAL-DATA", "reply contains an email address or phone number")
    learned = (context.learned if context is not None else None) or LearnedVerdict()
    instruction = fraud_instruction(text, rules.fraud_patterns)
    if instruction is not None:
        return _fail("OUT-FRAUD-INSTRUCTIONS", f"reply instructs fraud or evasion: {instruction!r}")
    score = learned.score("fraud_instructions")
    if score is not None:
        return _learned("OUT-FRAUD-INSTRUCTIONS", "reply instructs fraud or evasion", score)
    abuse_what = "reply insults, threatens or shows contempt for the customer"
    if first_match(text, rules.abuse_patterns) is not None:
        return _fail("OUT-ABUSE", abuse_what)
    score = learned.score("abuse")
    if score is not None:
        return _learned("OUT-ABUSE", abuse_what, score)
    identity_what = "reply claims to be someone other than Kestrel's assistant"
    if first_match(text, rules.identity_patterns) is not None:
        return _fail("OUT-IDENTITY", identity_what)
    score = learned.score("identity")
    if score is not None:
        return _learned("OUT-IDENTITY", identity_what, score)
    if context is not None:
        shared = leaked(text, context.prompts, rules.prompt_leak, context.reference)
        if shared:
            return _fail("OUT-PROMPT-LEAK", f"reply repeats {shared} runs of our prompt or policy")
    backed = any(a.ok and a.call.tool in _PROMISE_BACKERS for a in state.actions)
    if not backed:
        promising = _unquoted(lowered, state.this_turn.retrieved)
        for phrase in rules.promise_phrases:
            if phrase in promising:
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
    why = off_topic(text, rules.off_topic, context.reference if context else None)
    if why is not None:
        return _fail("OUT-OFF-TOPIC", f"reply is not about banking with us: {why}")
    score = learned.score("off_topic")
    if score is not None:
        return _learned("OUT-OFF-TOPIC", "reply is not about banking with us", score)
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
