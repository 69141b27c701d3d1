"""Qualifiers: the words that narrow a help question to one fact, declared once.

"How long does a transfer take at the weekend?", "is there a fee to use my card abroad?",
"what's the most I can take out at a cash machine?": the article is easy to find, but the
answer is one sentence of it, the one about the weekend, the fee abroad, the cash machine's
limit. A qualifier has two sides: how customers ask for it (``asked``, matched in their
message) and how the help centre states it (``stated``, matched in a help sentence), so a
passage can be chosen for holding the fact asked for, not for being about the right topic.

Two roles. An ``ask`` names the kind of fact wanted (a fee, a limit, how long); a sentence
states it only with the fact itself (an amount, a percentage, "free", "up to", a span of
days), never with the topic word alone. A ``narrow`` says where, when or how it applies
(abroad, at the weekend, in the app, at a cash machine); a sentence states it by naming it.
Asks weigh twice a narrowing word: the fact asked for matters more than its setting.

The list is small on purpose: each entry is a reviewed reading of customers' words, and a
word that is in almost every article ("card", "account") would narrow nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QualifierKind = Literal["place", "time", "channel", "amount", "fee"]
QualifierRole = Literal["ask", "narrow"]

#: Places customers name for "abroad": the common destinations and regions, lower case.
_PLACES = (
    "america|australia|bali|belgium|canada|china|croatia|cyprus|dubai|egypt|europe|france|"
    "germany|ghana|greece|holland|hong kong|india|ireland|italy|jamaica|japan|kenya|malta|"
    "mexico|morocco|netherlands|new york|nigeria|pakistan|poland|portugal|romania|spain|"
    "switzerland|tenerife|thailand|the states|the us|the usa|turkey|usa|vietnam|"
    # cities customers send money to or travel to
    "amsterdam|barcelona|berlin|budapest|dublin|krak[oó]w|lagos|lisbon|madrid|mumbai|paris|"
    "prague|rome|warsaw|milan|florence|venice|naples|munich|frankfurt|vienna|zurich|geneva|"
    "brussels|copenhagen|stockholm|oslo|athens|istanbul|cairo|delhi|karachi|lahore|dhaka|"
    "manila|bangkok|tokyo|sydney|toronto|doha|riyadh|lyon|porto|seville|valencia|malaga|"
    "ibiza|majorca|mallorca|crete|corfu|accra|nairobi|bucharest|vilnius|riga"
)
#: A payment in another currency goes to, or is made in, another country ("a transfer in
#: złoty", "paid in koruna"); swapping pounds "into dollars" in the app is an exchange, not this.
_IN_CURRENCY = (
    r"\bin (?:z[lł]oty|z[lł]otys|euros?|us dollars?|dollars|rupees?|naira|dirhams?|lira|koruna|"
    r"forint|krona|kronor|kroner|yen|yuan|baht|pesos?|rand|cedis?)\b"
)


@dataclass(frozen=True, slots=True)
class Qualifier:
    """One way a question is narrowed: its name, kind, role and its two sets of words."""

    name: str
    kind: QualifierKind
    role: QualifierRole
    asked: re.Pattern[str]
    stated: re.Pattern[str]

    @property
    def weight(self) -> int:
        return 2 if self.role == "ask" else 1

    def in_question(self, text: str) -> bool:
        return self.asked.search(text) is not None

    def in_sentence(self, text: str) -> bool:
        return self.stated.search(text) is not None


def _q(name: str, kind: QualifierKind, role: QualifierRole, asked: str, stated: str) -> Qualifier:
    return Qualifier(name, kind, role, re.compile(asked, re.I), re.compile(stated, re.I))


QUALIFIERS: tuple[Qualifier, ...] = (
    # ---- asks: the fact wanted ----------------------------------------------------------------
    _q(
        "fee",
        "fee",
        "ask",
        r"\b(?:fees?|charges?|charging|costs?|costing|price|pricey|cheaper|cheapest|expensive|"
        r"free|mark-?ups?|commission)\b|\brate (?:is |be |gets? )?worse\b|\bworse rate\b|"
        r"\bhow much (?:is|does|do|will|would) (?:it|a|an|the|this|that|you|u)\b|"
        # "do i have to pay for the new one", "will I need to pay anything"
        r"\b(?:have|need|got) to pay (?:for|anything|extra)\b|"
        r"\bpay for (?:it|them|the new|a new)\b",
        r"\d(?:\.\d+)?\s?%|\bfree\b|\bno (?:\w+ ){0,2}(?:fees?|charges?|markups?)\b|"
        r"\b(?:doesn't|don't|won't|never) (?:charge|add (?:a|any) (?:fee|markup))\b|"
        r"\b(?:fee|charges?|costs?)\b[^.]*£\s?\d|£\s?\d[^.]*\b(?:fee|charge)s?\b",
    ),
    _q(
        "most",
        "amount",
        "ask",
        # "is there a cap", "how many" (of a count: "how many days" asks how long)
        r"\b(?:most|max|maximum|biggest|largest|highest|limits?|caps?|capped|ceiling)\b|"
        r"\bhow many\b(?! (?:\w+ )?(?:days|hours|weeks|minutes)\b)|"
        r"\bhow much (?:\w+ )?(?:can|could|may)\b|"
        # "need 600 in notes, can i withdraw all of it today": whether an amount is within it
        r"\b(?:withdraw|take out|get out|draw out)\b[^.?]{0,20}\b(?:all of it|that much|"
        r"all at once|in one go)\b",
        r"\bup to (?:£|\d)|\blimits?\b[^.]*£\s?\d|\bmaximum\b|\bat most (?:£|\d)|\bno more than\b|"
        r"\bthe most\b|\bno (?:\w+ )?limit\b|"
        # "mobile payments aren't limited to £100": the limit asked about, said not to apply
        r"\b(?:aren't|are not|isn't|is not|not) limited to\b",
    ),
    _q(
        "how_often",
        "amount",
        "ask",
        # "will it keep topping up all day or just the once?", "how often can I ..."
        r"\bhow often\b|\bhow many times\b|\b(?:just )?the once\b|\bmore than once\b|"
        r"\bkeep \w+ing (?:\w+ )?(?:all day|again and again|every time)\b",
        r"\b(?:only|just) (?:\w+ ){0,2}(?:one|once)\b[^.]*\b(?:a|per|each) (?:day|week|month)\b|"
        r"\bonce (?:a|per|every) (?:day|week|month)\b",
    ),
    _q(
        "steps",
        "channel",
        "ask",
        # "how do i get one of them disposable cards", "how can I add it to my watch": the steps
        r"(?:\b(?:how|hw) (?:do|can|would|should|shall) (?:i|we|u|you) (?:go about )?|\bhow to |"
        r"\b(?:what'?s|what is|whats) the (?:best |easiest )?way to |\bis there a way to )"
        r"(?:get|getting|order|ordering|add|adding|stick|put|link|set ?up|setting up|make|create|"
        r"turn on|switch on|replace|apply|request|activate|lower|reduce|claim|report|give|share|"
        # "how do i find my sort code n acc number": where in the app it is
        r"find|see|view|look up)\b(?! to\b)|"
        # "can i get one of them virtual cards to use til it turns up": a card of a kind, got
        r"\b(?:can|could) (?:i|we|u) (?:get|have|order|add) (?:one of (?:them|those|your) |an? )"
        r"(?:\w+ ){0,2}cards?\b",
        # the app's own labels, capitalised: "tap Card, then Add a card, then Disposable card"
        r"(?-i:\btap [A-Z]|\bthen [A-Z][a-z]|\bunder [A-Z][a-z]+ settings\b|\bgo to [A-Z][a-z])",
    ),
    _q(
        "protected",
        "amount",
        "ask",
        # "is it protected the same as pounds if yous went bust?": what the deposit scheme covers
        r"\b(?:protected|protection|fscs|compensation scheme)\b|\b(?:went|go|goes|going) "
        r"(?:bust|under)\b|\b(?:bank|you|yous|kestrel) (?:fails?|failed|collapses?|collapsed)\b",
        r"\b(?:protected|protects|fscs)\b",
    ),
    _q(
        "final_amount",
        "amount",
        "ask",
        # "is that what I'll actually pay or can it still change?", "will i get the exact £68.42
        # back or does it depend on the rate?": whether the amount shown is the final one
        r"\b(?:can|could|will|might|may) (?:it|that|the amount|the price) (?:still )?change\b|"
        r"\bactually (?:pay|be charged|get back)\b|\bfinal amount\b|\bthe exact\b|"
        r"\bdepends? on the rate\b",
        # firm words only: a hedged "may change" is no statement (``focus``)
        r"\bestimate\b|\bconverted at the (?:\w+ )?(?:exchange )?rate (?:on|of) the day\b",
    ),
    _q(
        "mismatch",
        "amount",
        "ask",
        # "the link machine says ive got about 70 quid more than the app does?? which one do i
        # believe": two balances that disagree, and which to trust
        r"\b(?:more|less|different|higher|lower)\b.{0,20}\bthan (?:the|my|what the) "
        r"(?:app|statement|machine|cash machine|atm)\b|\b(?:doesn'?t|does not|don'?t) match\b|"
        r"\bwhich (?:one|balance) (?:do i|should i|is (?:right|correct))\b",
        r"\bmay not include\b|\bbest place to check\b",
    ),
    _q(
        "least",
        "amount",
        "ask",
        r"\b(?:min|minimum|minimun|minimal|smallest|lowest|least)\b",
        r"\b(?:minimum|smallest|at least|lowest)\b",
    ),
    _q(
        "age",
        "amount",
        "ask",
        r"\bhow old\b|\bage limit\b|\bminimum age\b|\bold enough\b",
        r"\b\d{2} or (?:over|older)\b|\baged \d|\bunder \d{2}\b|\bover \d{2}\b",
    ),
    _q(
        "how_long",
        "time",
        "ask",
        r"\bhow (?:long|quick(?:ly)?|soon|fast)\b|\bsame[- ]day\b|"
        r"\bhow many (?:\w+ )?(?:days|hours|weeks|minutes)\b|"
        r"\btakes? to (?:arrive|come|clear|reach|get|show)\b|"
        # "will it go through or wait till monday": when it arrives, asked as a yes or no.
        r"\bwill (?:it|they) (?:go through|arrive|clear|get there|get to (?:him|her|them))\b|"
        r"\bwait (?:till|until|til|for) (?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
        r"\bwithin (?:\d|seconds|minutes|hours|a day|an hour)|"
        r"\b\d+ (?:to \d+ )?(?:working |business )?(?:days?|hours?|minutes?|seconds?)\b|"
        r"\bsame (?:working )?day\b|\b(?:instantly|straight away|immediately)\b|"
        r"\bnext working day\b",
    ),
    _q(
        "deadline",
        "time",
        "ask",
        # "is it too late to challenge a charge from july", "how long have i got to dispute it"
        r"\btoo late\b|\btime limits?\b|\bdeadline\b|\bcut-?off\b|\bhow far back\b|"
        r"\bhow long (?:have|do) i (?:got|have)\b|\bstill (?:able to |allowed to |time to )?"
        r"(?:dispute|challenge|claim|cancel)\b",
        r"\btime limits?\b|\bwithin \d+ (?:working )?days\b|\bthe day before\b|"
        r"\bcut-?off\b|\bno later than\b",
    ),
    _q(
        "reset",
        "time",
        "ask",
        r"\b(?:resets?|renews?|refresh(?:es)?|starts? again)\b",
        r"\b(?:resets?|renews?)\b|\bfirst day of\b",
    ),
    # ---- narrowing words: where, when and how it applies -----------------------------------------
    _q(
        "abroad",
        "place",
        "narrow",
        r"\b(?:abroad|overseas|foreign|internationally|another country|other countries|"
        r"outside the uk|travel(?:l?ing)?|trip|" + _PLACES + r")\b|(?<!bank )\bholidays?\b|"
        # "about €8,000 in a euro balance": money held in another currency
        r"\b(?:euro|dollar|usd|eur|currency|foreign currency) (?:balances?|pots?|wallets?)\b|"
        + _IN_CURRENCY,
        r"\b(?:abroad|overseas|international|other currenc(?:y|ies)|another currency|"
        r"outside the uk|other countries|another country|foreign)\b|"
        # "we can only send cards to addresses in the UK" answers "could you post it to Milan?"
        r"\bonly\b[^.]{0,40}\bin the uk\b",
    ),
    _q(
        "weekend",
        "time",
        "narrow",
        # a Friday night is the weekend's start for exchange ("from 10pm on Friday")
        # Christmas, Boxing Day, New Year's Day and Easter's Friday and Monday are bank holidays
        r"\b(?:weekends?|saturdays?|sundays?|bank holidays?|fri(?:day)? (?:night|nite|evening)|"
        r"christmas(?: day)?|xmas(?: day)?|boxing day|new year'?s? day|good friday|"
        r"easter (?:monday|weekend))\b",
        r"\b(?:weekends?|saturdays?|sundays?|bank holidays?|10pm on friday)\b",
    ),
    _q(
        "smaller_amount",
        "amount",
        "ask",
        # "it wouldn't give me £400 ... then I tried £100 and it worked": why a smaller amount
        # works asks for a limit lower than the customer's own
        r"\b(?:smaller|lower|less) amount\b|\btried (?:£\s?\d+|\d+ (?:quid|pounds))\b.{0,25}"
        r"\b(?:worked|went through|was fine|came out)\b",
        r"\b(?:smaller|lower) amount\b|\bin one go\b",
    ),
    _q(
        "night",
        "time",
        "narrow",
        # "at 2am", "in the middle of the night": whether it works round the clock
        r"\b(?:[1-5]\s?am|middle of the night|(?:late )?at night|overnight|midnight|"
        r"silly o'?clock|small hours)\b",
        r"\b(?:24 hours a day|24/7|any time of (?:the )?day|round the clock|around the clock)\b",
    ),
    _q(
        "weekday",
        "time",
        "narrow",
        r"\b(?:week ?days?|working days?|business days?)\b",
        r"\b(?:weekdays?|working days?|business days?|monday to friday)\b",
    ),
    _q(
        "per_period",
        "time",
        "narrow",
        r"\b(?:a|per|each|one|single|every) (?:day|month|week|year)\b|"
        r"\b(?:daily|monthly|weekly|yearly)\b",
        r"\b(?:a|per|each) (?:day|month|week|year)\b|\b(?:daily|monthly|weekly)\b|"
        r"\bcalendar month\b|\bany 30 days\b",
    ),
    _q(
        "app",
        "channel",
        "narrow",
        r"\b(?:in|on|through|via|with|using|from) (?:the |your |my |ur )?(?:kestrel )?app\b",
        r"\bapp\b",
    ),
    _q(
        "cash_machine",
        "channel",
        "narrow",
        r"\b(?:cash ?machines?|link machines?|atms?|cashpoints?|hole in the wall|withdr\w*|"
        r"take (?:\w+ )?(?:cash|money) out|take out (?:cash|money)|cash out)\b",
        r"\b(?:cash machines?|atms?|cash withdrawals?|in cash)\b",
    ),
    _q("post_office", "channel", "narrow", r"\bpost office\b", r"\bpost office\b"),
    _q("contactless", "channel", "narrow", r"\bcontactless\b", r"\bcontactless\b"),
    _q(
        "card_payment",
        "channel",
        "narrow",
        r"\b(?:pay|paying|paid|spend|spending|buy|buying|shop|shopping)\b(?: \w+){0,3} "
        r"(?:by|on|with) (?:my |a |your |ur |the )?(?:debit |kestrel |visa )?card\b|"
        # "will my debit card let me pay that", "can my card buy a car"
        r"\b(?:my|a|your|ur|the) (?:debit |kestrel |visa )?card (?:\w+ ){0,2}(?:pay|spend|buy)\b|"
        r"\bcard payments?\b",
        r"\bcard payments?\b|\bpay(?:ing)? by card\b|\bwith your (?:kestrel )?card\b",
    ),
    _q("branch", "channel", "narrow", r"\bbranch(?:es)?\b", r"\bbranch(?:es)?\b"),
    _q(
        "damaged",
        "channel",
        "narrow",
        # "me card's cracked down the middle", "snapped in half", "the dog chewed it"
        r"\b(?:damaged|broken|cracked|snapped|bent|split|chewed|knackered|scratched|melted|"
        r"worn out)\b",
        r"\b(?:damaged|bent|cracked|broken)\b",
    ),
    _q(
        "too_old",
        "time",
        "ask",
        # "a cheque dated 2nd march ... is it too old now", "has it expired", "out of date"
        r"\b(?:too old|out of date|expired|still (?:valid|good))\b",
        r"\b(?:out of date|months old|expir(?:ed|es))\b",
    ),
)

BY_NAME: dict[str, Qualifier] = {q.name: q for q in QUALIFIERS}


def detect(*question: str) -> tuple[Qualifier, ...]:
    """The qualifiers a question carries, in declaration order.

    Pass the question as written and with typos repaired: repair finds "withdrw", but
    it may also turn a place it does not know ("the states") into a word it does.
    Empty unless it asks for a fact or names a place or a time: a channel alone ("in the
    app", "by card") is how most questions are put, and narrows nothing by itself.
    """
    text = " ".join(" ".join(question).lower().replace("’", "'").split())
    found = tuple(q for q in QUALIFIERS if q.in_question(text))
    if any(q.role == "ask" or q.kind in ("place", "time") for q in found):
        return found
    return ()


def weight(names: tuple[str, ...] | list[str]) -> int:
    """What a passage stating these qualifiers is worth: asks count twice."""
    return sum(BY_NAME[name].weight for name in names if name in BY_NAME)
