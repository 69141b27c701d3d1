"""Per-intent procedures of the offline planner: deterministic, one function per problem.

A procedure is a pure function of the conversation so far (the tool results of this episode,
the customer's words, what was declined) to the next step. Running it again after each tool
result walks the procedure forward, so there is no hidden step counter to get out of sync
with what really happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from resolution_agent.agent.planning.schemes import SCHEMES
from resolution_agent.agent.planning.steps import (
    Call,
    Escalate,
    Say,
    Step,
    View,
    name_mentioned,
    name_words,
    name_words_mentioned,
    named_party,
    said_as_the_one,
    working_days_since,
)
from resolution_agent.agent.understanding.choice import read_position
from resolution_agent.agent.understanding.confirm import read_confirmation
from resolution_agent.agent.understanding.entities import card_endings_named, four_digits_alone
from resolution_agent.agent.understanding.misuse import misuse_told
from resolution_agent.agent.understanding.signals import (
    reports_card_details_given,
    reports_card_gone,
)
from resolution_agent.agent.vocabulary import COMPROMISED_CARD
from resolution_agent.tools.models import (
    Account,
    AccountList,
    Card,
    CardCancellation,
    CardDelivery,
    CardList,
    DirectDebit,
    DirectDebitList,
    Dispute,
    Payment,
    PaymentList,
    Transaction,
    TransactionList,
)
from resolution_agent.tools.vocabulary import AccountType, CancelReason

Procedure = Callable[[View], Step]


# ---- shared steps ----------------------------------------------------------------------------
def _cards(v: View) -> list[Card] | Call:
    found = v.result("list_cards", CardList, customer_id=v.customer_id)
    if found is None:
        return Call("list_cards", {"customer_id": v.customer_id})
    return found.cards


def _pick_card(
    v: View, cards: list[Card], usable: set[str], prefer: Callable[[Card], bool]
) -> Card | Say | Call | None:
    """The card the customer means: named by last four digits, or the only likely one.

    A card named by an ending none of theirs has ("card ending 7324, please freeze it" after
    "my girlfriend's card got stolen") is someone else's: no card of theirs is picked instead.
    """
    named = card_endings_named(v.state.incoming)
    if named and not any(c.last4 in named for c in cards):
        return Say("replies/someone_elses_card.j2", "resolved")
    candidates = [c for c in cards if c.status in usable]
    # "card ending 3344" first; then four digits alone that are one of these cards' endings
    # ("3344" or "me own one, 3344" answering which card, after a long first message that put
    # "card" too far from them for the entity rule); never an amount ("£3344") or a longer number.
    bare = four_digits_alone(v.state.episode_text)
    for last4 in [*reversed(v.entities.card_last4), *reversed(bare)]:
        for card in candidates:
            if card.last4 == last4:
                return card
    preferred = [c for c in candidates if prefer(c)] or candidates
    kind = _account_kind_named(v.state.episode_text)
    if len(preferred) > 1 and kind is not None and len({c.account_id for c in preferred}) > 1:
        # "the one for the house account that I share with my wife, not my own one": the card
        # is named by the account it is on
        accounts = _accounts(v)
        if isinstance(accounts, Call):
            return accounts
        of_kind = {a.id for a in accounts if a.type == kind}
        preferred = [c for c in preferred if c.account_id in of_kind] or preferred
    if len(preferred) == 1:
        return preferred[0]
    if not preferred:
        return None
    return Say(
        "replies/ask_card.j2",
        "awaiting_customer",
        {"cards": [c.model_dump() for c in preferred]},
        slot="card",
    )


# A card named by its account: a joint one ("the house account I share with my wife", "our
# joint card") or the customer's own ("my personal one"); a kind said with "not" is the one not
# meant ("not my own one").
_NOT_THIS_ONE = re.compile(r"\bnot (?:my|the|our) (?:\w+ ){0,2}(?:one|account|card)\b", re.I)
_JOINT = re.compile(
    r"\b(?:joint|shared|household|house account|bills account|(?:that |which )?(?:i|we) share)\b",
    re.I,
)
_SOLE = re.compile(r"\b(?:my own|personal|sole|everyday|just mine|in my name only)\b", re.I)


def _account_kind_named(text: str) -> AccountType | None:
    """The kind of account the customer names a card by, when they name just one kind."""
    said = _NOT_THIS_ONE.sub(" ", text)
    joint, sole = _JOINT.search(said) is not None, _SOLE.search(said) is not None
    if joint == sole:
        return None
    return "joint" if joint else "current"


def _accounts(v: View) -> list[Account] | Call:
    found = v.result("list_accounts", AccountList, customer_id=v.customer_id)
    if found is None:
        return Call("list_accounts", {"customer_id": v.customer_id})
    return [a for a in found.accounts if a.type in ("current", "joint")] or found.accounts


def _transactions(v: View) -> list[Transaction] | Call:
    accounts = _accounts(v)
    if isinstance(accounts, Call):
        return accounts
    out: list[Transaction] = []
    for account in accounts:
        listed = v.result("list_transactions", TransactionList, account_id=account.id)
        if listed is None:
            return Call("list_transactions", {"account_id": account.id})
        out.extend(listed.transactions)
    return sorted(out, key=lambda t: t.created_at, reverse=True)


def _payments(v: View) -> list[Payment] | Call:
    accounts = _accounts(v)
    if isinstance(accounts, Call):
        return accounts
    out: list[Payment] = []
    for account in accounts:
        listed = v.result("list_payments", PaymentList, account_id=account.id)
        if listed is None:
            return Call("list_payments", {"account_id": account.id})
        out.extend(listed.payments)
    return out


# "a playstation payment of 40.98": pounds and pence written without a pound sign. Only used to
# pick among the customer's own payments, so "at 10.30" matches nothing unless one was £10.30.
_BARE_PENCE = re.compile(r"(?<![\w.,£€$/:-])(\d{1,5}\.\d{2})(?!\d|%|[.,:]\d)")


def _bare_pounds_and_pence(text: str) -> set[int]:
    return {round(float(number) * 100) for number in _BARE_PENCE.findall(text)}


def _mentioned(v: View, txns: list[Transaction]) -> list[Transaction]:
    """The customer's transactions the message points at: by merchant, then amount or date."""
    by_name = [t for t in txns if name_mentioned(t.merchant, v.words)]
    days = set(v.entities.dates)
    if days:
        on_day = [t for t in (by_name or txns) if t.created_at.date().isoformat() in days]
        if on_day and (by_name or not v.entities.amounts):
            by_name = on_day
    amounts = {m.pence for m in v.entities.amounts} or _bare_pounds_and_pence(v.state.episode_text)
    if amounts:
        by_amount = [
            t
            for t in (by_name or txns)
            if abs(t.amount) in amounts
            or (t.original_amount is not None and abs(t.original_amount) in amounts)
        ]
        if by_amount:
            return by_amount
    return by_name


# ---- lost or stolen card ---------------------------------------------------------------------
# "both my debit cards were in it", "all my cards": every one of them is at risk.
_EVERY_CARD = re.compile(
    r"\b(?:both|all)\s+(?:of\s+)?(?:my\s+|the\s+|our\s+)?(?:\w+\s+)?cards\b|"
    r"\bcards\b.{0,20}\b(?:both|all) (?:of them|gone|taken|stolen|lost)\b",
    re.I,
)


def _every_card_meant(v: View, cards: list[Card]) -> list[Card]:
    """The cards a customer says were all lost or taken at once, physical ones first.

    Only when they say so ("both my cards"); a freeze needs no yes, so it is never guessed at.
    """
    if not v.entities.card_last4 and _EVERY_CARD.search(v.state.episode_text):
        usable = [c for c in cards if c.status in ("active", "frozen")]
        physical = [c for c in usable if c.type == "physical"]
        every = physical if len(physical) >= 2 else usable
        return every if len(every) >= 2 else []
    return []


def lost_card(v: View) -> Step:
    cards = _cards(v)
    if isinstance(cards, Call):
        return cards
    every = _every_card_meant(v, cards)
    for each in every:
        if each.status == "active" and v.ok("freeze_card", card_id=each.id) is None:
            return Call("freeze_card", {"card_id": each.id})
    # A card gone is a plastic one; details typed into a site may be either card's, so with
    # a physical and a virtual card the customer is asked which. Spending already made on it
    # is not asked about first: the plastic card is frozen and the fraud team takes it.
    details_only = (
        v.intent == COMPROMISED_CARD
        and not reports_card_gone(v.state.episode_text)
        and not misuse_told(v.state)
    )
    picked: Card | Say | Call | None = (
        every[0]
        if every
        else _pick_card(
            v, cards, {"active", "frozen"}, lambda c: details_only or c.type == "physical"
        )
    )
    if picked is None:
        return Say("replies/no_usable_card.j2", "resolved", cite=("lost-or-stolen-card",))
    if isinstance(picked, Say | Call):
        return picked
    card = picked
    cancelled = v.result("cancel_card", CardCancellation, card_id=card.id)
    if cancelled is not None:
        return Say(
            "replies/lost_card_replaced.j2",
            "resolved",
            {
                "card": cancelled.card.model_dump(),
                "replacement": cancelled.replacement.model_dump()
                if cancelled.replacement
                else None,
            },
            cite=("lost-or-stolen-card",),
        )
    frozen_now = v.ok("freeze_card", card_id=card.id)
    if card.status == "active" and frozen_now is None:
        return Call("freeze_card", {"card_id": card.id})
    if misuse_told(v.state) or "scam" in v.state.risk_flags:
        # Money already taken on a lost or stolen card is fraud: the card is safe now, and
        # the fraud team, not a replacement card, deals with what was taken.
        return Escalate("card_misused", "lost or stolen card already used by someone else")
    if reports_card_details_given(v.state.episode_text):
        # Details typed into a fake text or read out to a caller: a new card would not stop
        # what the fraudster already set up; the fraud team checks what was tried.
        return Escalate("card_details_given", "card details given to someone else")
    if v.declined("cancel_card"):
        return Say(
            "replies/lost_card_kept_frozen.j2",
            "resolved",
            {"card": card.model_dump()},
            cite=("freeze-and-unfreeze-card",),
        )
    return Call("cancel_card", {"card_id": card.id, "reason": _cancel_reason(v), "replace": True})


_STOLEN_WORDS = frozenset({"stolen", "stole", "nicked", "robbed", "mugged", "pickpocketed"})
_DETAILS_WORDS = frozenset({"details", "detail", "info", "cloned", "copied", "skimmed"})


def _cancel_reason(v: View) -> CancelReason:
    """Stolen when the customer says the card itself was taken, whatever the intent.

    A pasted card number or security code reads as a compromised card, yet "my card was
    stolen" means the card is gone; only stolen *details* ("my card details were stolen")
    leave it a copied card. The bank records the reason, so it must be what happened.
    """
    stolen = any(w in _STOLEN_WORDS for w in v.words)
    if stolen and not any(w in _DETAILS_WORDS for w in v.words):
        return "stolen"
    if v.intent == COMPROMISED_CARD:
        return "compromised"
    return "stolen" if stolen else "lost"


# ---- card kept by a cash machine -------------------------------------------------------------
def swallowed_card(v: View) -> Step:
    """Freeze the card a cash machine kept, as the help centre's first advice says, then answer.

    A freeze runs without a yes, so only on the card it must be: the one the customer names by
    its last four digits, or their only active physical card (a machine cannot keep a virtual
    one). With several, none is guessed at: the reply asks for the last four digits instead.
    """
    cards = _cards(v)
    if isinstance(cards, Call):
        return cards
    picked = _pick_card(v, cards, {"active", "frozen"}, lambda c: c.type == "physical")
    if isinstance(picked, Call):
        return picked
    kept = picked if isinstance(picked, Card) and picked.type == "physical" else None
    frozen_now = kept is not None and v.ok("freeze_card", card_id=kept.id) is not None
    if kept is not None and kept.status == "active" and not frozen_now:
        return Call("freeze_card", {"card_id": kept.id})
    physical = [c for c in cards if c.type == "physical" and c.status == "active"]
    return Say(
        "replies/card_swallowed.j2",
        "resolved",
        {
            "card": kept.model_dump() if kept is not None else None,
            "frozen_before": kept is not None and kept.status == "frozen" and not frozen_now,
            "cards": [] if kept is not None else [c.model_dump() for c in physical],
        },
        cite=("card-swallowed-by-atm",),
    )


# ---- a lost or stolen phone -------------------------------------------------------------------
# "can u lock everything down?", "freeze my card on it", "block it all": asked in words. The app
# on the phone is behind a passcode, so nothing is frozen unasked; the help centre's first step
# is to freeze the card, which a customer without their phone may ask us to do.
_SECURE_ASK = re.compile(
    r"\b(?:freeze|froze|lock|block|stop|secure|disable|shut)\b(?!\s+(?:my|the)\s+(?:sim|number))",
    re.I,
)


def lost_phone(v: View) -> Step:
    """The help centre's steps for a lost phone; the card frozen first when the customer asks.

    Which card is the one in Apple Pay or Google Pay: named by its last four digits, or the
    only active one. With several and none named, the reply asks which, as a freeze is never
    guessed at.
    """
    asked = _SECURE_ASK.search(v.state.episode_text) is not None
    card: Card | None = None
    if asked:
        cards = _cards(v)
        if isinstance(cards, Call):
            return cards
        picked = _pick_card(v, cards, {"active", "frozen"}, lambda c: c.status == "active")
        if isinstance(picked, Say | Call):
            return picked
        card = picked
        frozen_now = card is not None and v.ok("freeze_card", card_id=card.id) is not None
        if card is not None and card.status == "active" and not frozen_now:
            return Call("freeze_card", {"card_id": card.id})
    return Say(
        "replies/phone_lost.j2",
        "resolved",
        {
            "asked": asked,
            "card": card.model_dump() if card is not None else None,
            "frozen_before": card is not None and card.status == "frozen",
        },
        cite=("lost-or-stolen-phone",),
    )


# ---- unfreeze a card that turned up ----------------------------------------------------------
def unfreeze_card(v: View) -> Step:
    """Unfreeze the frozen card the customer means, after their yes (the guard asks)."""
    cards = _cards(v)
    if isinstance(cards, Call):
        return cards
    done = v.this_turn("unfreeze_card")
    if done is not None and done.ok:
        return Say("replies/card_unfrozen.j2", "resolved", cite=("freeze-and-unfreeze-card",))
    picked = _pick_card(v, cards, {"frozen"}, lambda c: c.type == "physical")
    if picked is None:
        active = [c.model_dump() for c in cards if c.status == "active"]
        return Say(
            "replies/nothing_to_unfreeze.j2",
            "resolved",
            {"cards": active},
            cite=("freeze-and-unfreeze-card",),
        )
    if isinstance(picked, Say | Call):
        return picked
    if v.declined("unfreeze_card"):
        return Say("replies/nothing_changed.j2", "resolved")
    return Call("unfreeze_card", {"card_id": picked.id})


# ---- card delivery ---------------------------------------------------------------------------
# "cancel it and send another one", "can you replace it", "send me a new one": what the reply to
# a card marked delivered offers to do once the customer has looked for it.
_REPLACE_ASKED = re.compile(
    r"\b(?:cancel|replace|block|stop) (?:it|that|the card|that card|this card|the old one)\b|"
    r"\bsend (?:me )?(?:another|a new|a replacement)\b|\b(?:another|a new) one\b",
    re.I,
)


def card_delivery(v: View) -> Step:
    cards = _cards(v)
    if isinstance(cards, Call):
        return cards
    cancelled = v.this_turn("cancel_card")
    if cancelled is not None and cancelled.ok:
        replaced = cancelled.result.parsed(CardCancellation)
        return Say(
            "replies/lost_card_replaced.j2",
            "resolved",
            {
                "card": replaced.card.model_dump(),
                "replacement": replaced.replacement.model_dump() if replaced.replacement else None,
            },
            cite=("card-delivery-times",),
        )
    picked = _pick_card(v, cards, {"pending_delivery"}, lambda c: c.type == "physical")
    if picked is None:
        return Say(
            "replies/no_card_on_the_way.j2",
            "resolved",
            {"cards": [c.model_dump() for c in cards if c.status != "cancelled"]},
            cite=("card-delivery-times",),
        )
    if isinstance(picked, Say | Call):
        return picked
    delivery = v.result("get_card_delivery", CardDelivery, card_id=picked.id)
    if delivery is None:
        return Call("get_card_delivery", {"card_id": picked.id})
    info = delivery.delivery
    if info is not None and info.status == "delivered":
        # "yes please" to the offer below is asking for it as plainly as "send another one"
        took_offer = v.state.slot == "question" and read_confirmation(v.state.incoming) == "yes"
        if took_offer or _REPLACE_ASKED.search(v.state.episode_text):
            # Marked delivered, never received, and they ask for another: the card may be in
            # someone else's hands, so it is cancelled (after their yes) and replaced.
            if v.declined("cancel_card", card_id=picked.id):
                return Say("replies/nothing_changed.j2", "resolved")
            return Call("cancel_card", {"card_id": picked.id, "reason": "lost", "replace": True})
        # The reply offers to cancel and replace once they have looked for it: their answer
        # ("nobody has it, send another one") is more of this problem, not a new one.
        return Say(
            "replies/card_marked_delivered.j2",
            "awaiting_customer",
            {"card": picked.model_dump(), "delivery": info.model_dump()},
            cite=("card-delivery-times",),
            slot="question",
        )
    late = bool(info and info.expected_by and info.expected_by < v.now.date())
    follow_up = (info.expected_by + timedelta(days=3)) if info and info.expected_by else None
    return Say(
        "replies/card_delivery_status.j2",
        "resolved",
        {
            "card": picked.model_dump(),
            "delivery": info.model_dump() if info else None,
            "late": late,
            "follow_up": follow_up,
        },
        cite=("card-delivery-times",),
    )


# ---- PIN blocked -----------------------------------------------------------------------------
def pin_unblock(v: View) -> Step:
    cards = _cards(v)
    if isinstance(cards, Call):
        return cards
    unblocked = v.this_turn("unblock_pin")
    if unblocked is not None and unblocked.ok:
        return Say(
            "replies/pin_unblocked.j2",
            "resolved",
            {"card": unblocked.result.data or {}},
            cite=("pin-blocked",),
        )
    picked = _pick_card(v, cards, {"active", "frozen"}, lambda c: c.pin_blocked)
    if picked is None or isinstance(picked, Say | Call):
        return picked or Say("replies/no_usable_card.j2", "resolved", cite=("pin-blocked",))
    if not picked.pin_blocked:
        return Say(
            "replies/pin_not_blocked.j2",
            "resolved",
            {"card": picked.model_dump()},
            cite=("pin-blocked",),
        )
    return Call("unblock_pin", {"card_id": picked.id})


# ---- declined or pending card payment --------------------------------------------------------
def card_payment_status(v: View) -> Step:
    txns = _transactions(v)
    if isinstance(txns, Call):
        return txns
    wanted = "declined" if v.intent == "declined_card_payment" else "pending"
    candidates = [t for t in txns if t.status == wanted and t.card_id is not None]
    named = _mentioned(v, candidates)
    elsewhere = _mentioned(v, [t for t in txns if t.card_id])
    if not named and elsewhere:
        # The payment they name exists but is not declined/pending: say what it really is.
        return Say(
            "replies/card_payment_other_status.j2",
            "resolved",
            {"txn": elsewhere[0].model_dump(), "asked": wanted},
            cite=("card-payment-pending",),
        )
    chosen = named[0] if named else (candidates[0] if candidates else None)
    cite = ("card-payment-declined",) if wanted == "declined" else ("card-payment-pending",)
    if chosen is None:
        return Say("replies/no_matching_card_payment.j2", "resolved", {"status": wanted}, cite=cite)
    return Say(
        "replies/card_payment_explained.j2",
        "resolved",
        {"txn": chosen.model_dump(), "others": max(len(candidates) - 1, 0)},
        cite=cite,
    )


# ---- payment not recognised or charged twice -------------------------------------------------
def dispute_transaction(v: View) -> Step:
    txns = _transactions(v)
    if isinstance(txns, Call):
        return txns
    raised = v.this_turn("raise_dispute")
    if raised is not None and raised.ok:
        dispute = raised.result.parsed(Dispute)
        return Say(
            "replies/dispute_raised.j2",
            "resolved",
            {"dispute": dispute.model_dump()},
            cite=("disputes-and-chargebacks",),
        )
    spendable = [t for t in txns if t.amount < 0 and t.status in ("settled", "pending")]
    target: Transaction | None = None
    reason = "unrecognised"
    pairs: list[tuple[Transaction, Transaction]] = []
    if v.intent == "transaction_charged_twice":
        reason = "duplicate"
        pairs = [
            (a, b)
            for i, a in enumerate(spendable)
            for b in spendable[i + 1 :]
            if a.merchant == b.merchant
            and a.amount == b.amount
            and abs(a.created_at - b.created_at) <= timedelta(days=2)
        ]
        named = [p for p in pairs if name_mentioned(p[0].merchant, v.words)] or pairs
        if named:
            target = named[0][0]  # the later of the two (list is newest first)
    else:
        named_txns = _mentioned(v, [t for t in spendable if t.card_id])
        if len(named_txns) >= 1:
            target = named_txns[0]
    asked = named_party(v.state.episode_text)
    if (
        target is None
        and asked
        and not any(name_mentioned(t.merchant, name_words(asked)) for t in txns)
    ):
        # A shop they named that is not on the account: say so; the same list again would
        # read as if we had not heard them.
        return Say(
            "replies/no_payment_to_name.j2",
            "awaiting_customer",
            {"asked": asked},
            slot="transaction",
            cite=("payment-not-recognised",),
        )
    if target is None:
        return Say(
            "replies/ask_transaction.j2",
            "awaiting_customer",
            {
                "txns": [t.model_dump() for t in spendable if t.card_id][:5],
                "duplicate": reason == "duplicate",
            },
            slot="transaction",
            cite=("payment-not-recognised",),
        )
    disputed = _earlier_dispute(target, pairs if reason == "duplicate" else [])
    if disputed is not None and disputed.status in ("open", "under_review"):
        return Say(
            "replies/dispute_already_open.j2",
            "resolved",
            {"txn": target.model_dump(), "dispute": disputed.model_dump()},
            cite=("disputes-and-chargebacks",),
        )
    if disputed is not None and disputed.status == "resolved_declined":
        return Escalate("dispute_declined", f"{disputed.id} on this payment was declined")
    if v.declined("raise_dispute"):
        return Say(
            "replies/dispute_not_raised.j2",
            "resolved",
            {"txn": target.model_dump()},
            cite=("disputes-and-chargebacks",),
        )
    return Call("raise_dispute", {"transaction_id": target.id, "reason": reason})


def _earlier_dispute(
    target: Transaction, pairs: list[tuple[Transaction, Transaction]]
) -> Dispute | None:
    """The dispute already raised on this payment (or its double), if any: the latest.

    One still open means the disputes team has it, so a second would only be refused; one
    declined means the team has decided, and only a person may reopen it. A double charge is
    one problem, so a dispute on either of the two payments counts.
    """
    twins = [b if a.id == target.id else a for a, b in pairs if target.id in (a.id, b.id)]
    found = [d for t in (target, *twins) for d in t.disputes]
    return max(found, key=lambda d: (d.opened_on or date.min, d.id)) if found else None


# ---- bank transfers --------------------------------------------------------------------------
#: "the first one failed", "did it go through in the end", "sent it again": a failed try the
#: customer already knows of, so the question is about the payment made after it.
_RETRIED = re.compile(
    r"\b(?:first|1st|earlier|original|other) (?:one|try|attempt|payment|time)\b.{0,20}"
    r"\b(?:failed|bounced|didn'?t go|was declined|got declined)\b|\bin the end\b|"
    r"\b(?:tried|sent it|did it) again\b|\bsecond (?:try|attempt|time)\b",
    re.I,
)


def transfer_status(v: View) -> Step:
    payments = _payments(v)
    if isinstance(payments, Call):
        return payments
    wanted = {
        "failed_transfer": ["failed"],
        "declined_transfer": ["failed"],
        "pending_transfer": ["scheduled", "sent"],
        "transfer_not_received_by_recipient": ["sent"],
    }.get(v.intent, ["sent"])
    if _RETRIED.search(v.state.episode_text):
        wanted = ["sent"]
    named = [p for p in payments if name_mentioned(p.payee_name, v.words)]
    amounts = {m.pence for m in v.entities.amounts}
    if amounts:
        named = [p for p in (named or payments) if p.amount in amounts] or named
    # "Lin never got the 300 I sent her": of the payments to Lin, the one the question is
    # about (sent, not the failed first try); any of hers when none has that status.
    pool = [p for p in named if p.status in wanted] or named
    pool = pool or [p for p in payments if p.status in wanted]
    if not pool:
        return Say("replies/no_matching_transfer.j2", "resolved", cite=("transfer-timing",))
    chosen = min(pool, key=lambda p: _transfer_rank(p, v))
    late = _working_days_late(chosen, v)
    if (
        v.intent == "transfer_not_received_by_recipient"
        and late
        and _RECIPIENT_BANK_ASKED.search(v.state.episode_text)
    ):
        # Longer than expected and the recipient's bank already asked (the article's first
        # step): what is left is its last, a person tracing the payment.
        return Escalate("self_service_failed", f"{chosen.id}: {late} working days overdue")
    cite = {"failed": ("transfer-failed",), "scheduled": ("transfer-pending",)}.get(
        chosen.status, ("transfer-timing",)
    )
    scheme = SCHEMES.get(chosen.scheme or "")
    return Say(
        "replies/transfer_explained.j2",
        "resolved",
        {"payment": chosen.model_dump(), "timing": scheme.said if scheme else None},
        cite=cite,
    )


#: "He went to the bank two times and they say no money has come", "she's checked with her
#: bank": the recipient has done what the article asks of them.
_RECIPIENT_BANK_ASKED = re.compile(
    r"\b(?:checked|asked|rang|phoned|called|went to|been to|gone to|spoke to|spoken to|"
    r"visited)\b.{0,30}\bbank\b|\bbank\b.{0,40}\b(?:says?|said|saying|told|tells)\b",
    re.I,
)


def _working_days_late(payment: Payment, v: View) -> int:
    """Working days past its scheme's time that a sent transfer has not arrived (0: not late)."""
    scheme = SCHEMES.get(payment.scheme or "")
    if payment.status != "sent" or payment.sent_at is None or scheme is None:
        return 0
    waited = working_days_since(payment.sent_at.date(), v.now.date())
    return max(0, waited - scheme.working_days)


def _transfer_rank(payment: Payment, v: View) -> tuple[int, float]:
    """Most relevant first: a scheduled payment soonest due, else the most recently sent."""
    now = v.now.date()
    if payment.status == "scheduled" and payment.scheduled_for is not None:
        return (0, abs((payment.scheduled_for - now).days))
    moment = payment.sent_at.date() if payment.sent_at else payment.scheduled_for
    return (1, abs((now - moment).days) if moment else 10_000)


def cancel_payment(v: View) -> Step:
    payments = _payments(v)
    if isinstance(payments, Call):
        return payments
    done = v.this_turn("cancel_payment")
    if done is not None and done.ok:
        return Say(
            "replies/payment_cancelled.j2",
            "resolved",
            {"payment": done.result.parsed(Payment).model_dump()},
            cite=("cancel-scheduled-payment",),
        )
    scheduled = [p for p in payments if p.status == "scheduled"]
    named = [p for p in scheduled if name_mentioned(p.payee_name, v.words)]
    asked = named_party(v.state.episode_text)
    if (
        not named
        and asked
        and not any(name_mentioned(p.payee_name, name_words(asked)) for p in scheduled)
    ):
        # A payee with nothing scheduled: never offer to cancel someone else's payment instead.
        # The name is not said back: it may be another customer's payee, typed to fish.
        return Say(
            "replies/no_scheduled_payment_to.j2", "resolved", cite=("cancel-scheduled-payment",)
        )
    pool = named or scheduled
    if not pool:
        return Say(
            "replies/no_scheduled_payment.j2", "resolved", cite=("cancel-scheduled-payment",)
        )
    # "No, not that one, the bike club one": the one turned down is out, the other is meant.
    pool = [p for p in pool if not v.declined("cancel_payment", payment_id=p.id)] or pool
    # "The second one": a pick by position in the list we showed.
    if len(pool) > 1 and v.state.slot == "payment":
        index = read_position(v.state.incoming, len(pool))
        pool = [pool[index]] if index is not None else pool
    if len(pool) > 1:
        return Say(
            "replies/ask_payment.j2",
            "awaiting_customer",
            {"payments": [p.model_dump() for p in pool]},
            slot="payment",
        )
    if v.declined("cancel_payment", payment_id=pool[0].id):
        return Say("replies/nothing_changed.j2", "resolved")
    return Call("cancel_payment", {"payment_id": pool[0].id})


# ---- direct debits ---------------------------------------------------------------------------
_DD_WORDS = frozenset({"direct", "debit", "debits", "dd", "dds"})


def direct_debit(v: View) -> Step:
    accounts = _accounts(v)
    if isinstance(accounts, Call):
        return accounts
    debits: list[DirectDebit] = []
    for account in accounts:
        listed = v.result("list_direct_debits", DirectDebitList, account_id=account.id)
        if listed is None:
            return Call("list_direct_debits", {"account_id": account.id})
        debits.extend(listed.direct_debits)
    done = v.this_turn("cancel_direct_debit")
    if done is not None and done.ok:
        return Say(
            "replies/direct_debit_cancelled.j2",
            "resolved",
            {"dd": done.result.parsed(DirectDebit).model_dump()},
            cite=("direct-debit-guarantee",),
        )
    active = [d for d in debits if d.status == "active"]
    # "Cancel my direct debit" names no merchant, even one called Direct Line.
    words = [w for w in v.words if w not in _DD_WORDS]
    named = [d for d in active if name_mentioned(d.merchant, words)]
    # "The £41 one": a pick by amount when no merchant is named.
    amounts = {m.pence for m in v.entities.amounts}
    if not named and amounts:
        named = [d for d in active if d.amount in amounts]
    # "The first one you said": a pick by position in the list we showed.
    if not named and v.state.slot == "direct_debit":
        index = read_position(v.state.incoming, len(active))
        named = [active[index]] if index is not None else []
    # "No, not that one, the energy one": the one turned down is out, the other is meant.
    named = [d for d in named if not v.declined("cancel_direct_debit", direct_debit_id=d.id)] or (
        named
    )
    if len(named) > 1:
        # "the 76 quid one. no wait, sorry - the sky one. british gas is the heating": the
        # one said as the pick, after any self-correction, is the one meant
        picked = [d for d in named if said_as_the_one(d.merchant, v.state.incoming)]
        named = picked if len(picked) == 1 else named
    if len(named) > 1:
        # "the Fitlife gym direct debit ... joined the council leisure centre": the name said
        # most fully is the one meant, when one is said more fully than the rest
        strength = {d.id: name_words_mentioned(d.merchant, words) for d in named}
        best = max(strength.values())
        if sum(1 for d in named if strength[d.id] == best) == 1:
            named = [d for d in named if strength[d.id] == best]
    if not active:
        return Say(
            "replies/ask_direct_debit.j2", "resolved", {"debits": []}, cite=("direct-debits",)
        )
    if len(named) != 1:
        return Say(
            "replies/ask_direct_debit.j2",
            "awaiting_customer",
            {"debits": [d.model_dump() for d in active]},
            slot="direct_debit",
            cite=("direct-debits",),
        )
    if v.declined("cancel_direct_debit", direct_debit_id=named[0].id):
        return Say(
            "replies/direct_debit_kept.j2",
            "resolved",
            {"dd": named[0].model_dump()},
            cite=("direct-debit-guarantee",),
        )
    return Call("cancel_direct_debit", {"direct_debit_id": named[0].id})


PROCEDURES: dict[str, Procedure] = {
    "lost_card": lost_card,
    "swallowed_card": swallowed_card,
    "lost_phone": lost_phone,
    "unfreeze_card": unfreeze_card,
    "card_delivery": card_delivery,
    "pin_unblock": pin_unblock,
    "card_payment_status": card_payment_status,
    "dispute_transaction": dispute_transaction,
    "transfer_status": transfer_status,
    "cancel_payment": cancel_payment,
    "direct_debit": direct_debit,
}
