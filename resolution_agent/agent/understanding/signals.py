"""Risk signals that make a person decide: scam, vulnerability, complaint, asking for a human.

Patterns are anchored on phrases, not single words, so "I'm dying to know the exchange rate"
is not bereavement and "my card was declined at the fraud prevention office" is not a scam
report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from resolution_agent.agent.state import IntentPrediction, RiskSignal
from resolution_agent.agent.vocabulary import RiskKind

_PARTNER = r"(partner|husband|wife|boyfriend|girlfriend|ex|son|daughter|carer|family)"

_RULES: list[tuple[RiskKind, str]] = [
    # --- scam or fraud: impersonation, safe accounts, pressure to pay, unrecognised spending
    (
        "scam",
        r"\b(i'?ve been|i have been|i was|i got|been|we'?ve been|think i'?ve been|i'?ve just been)"
        r"\s+(scammed|conned|defrauded|had|done over|ripped off)\b(?! (a|an|the|my|some|no)\b)",
    ),
    ("scam", r"\bsafe(ty)? account\b"),
    ("scam", r"\b(is|was|it'?s|this|a|that) (a )?scam\b|\bscammers?\b"),
    (
        "scam",
        r"\b(pretending|claimed|claiming|said they|says they|saying they)\b.{0,12}\b(to be|were|was"
        r"|are|is)\b.{0,6}\b(from )?(the |your |my )?(bank|kestrel|police|hmrc|fraud team|"
        r"security team|courier|fca)\b",
    ),
    (
        "scam",
        r"\b(called|rang|texted|messaged|contacted) (me )?(by|from) (the |your |my )?(bank|police|"
        r"hmrc|fraud team)\b.{0,60}\b(move|transfer|send|code|pin|details)\b",
    ),
    (
        "scam",
        r"\b(someone|somebody|they|a stranger)\b.{0,30}\b(using|used|spending on|spent on|"
        r"emptied|took money|taken money|accessed)\b.{0,20}\b(my (card|account)|money)",
    ),
    (
        "scam",
        r"\bfraud(ulent)?\b.{0,30}\b(payments?|transactions?|on my account|activity|charges?)\b",
    ),
    ("scam", r"\b(report|reporting)\b.{0,15}\b(a |an |some )?(scam|fraud)\b"),
    ("scam", r"\binvestment (scam|opportunity)\b.{0,40}\b(sent|paid|transferred)\b"),
    (
        "scam",
        r"\b(guaranteed|promised|promising)\b.{0,30}\b(\d+ ?% |returns?|profits?|double)\b",
    ),
    (
        "scam",
        r"\b(clicked|pressed|opened|tapped)\b.{0,20}\blink\b.{0,60}\b(text|sms|email|message)|"
        r"\b(text|sms|email|message)\b.{0,60}\b(clicked|pressed|tapped)\b.{0,20}\blink\b",
    ),
    (
        "scam",
        r"\b(solicitor|conveyancer|builder|landlord)\b.{0,60}\b(changed|new|different) "
        r"(bank )?(details|account)\b",
    ),
    (
        # "the email with the bank details was fake", "a spoofed invoice": payment redirection
        "scam",
        r"\b(email|e-mail|invoice|text|message|letter)\b.{0,40}\b(was|were|is|turned out to be|"
        r"looked) (a )?(fake|spoofed|forged|hacked|not (really )?from (them|him|her))\b|"
        r"\b(fake|spoofed|forged|hacked|cloned) (email|e-mail|invoice|bank details)\b",
    ),
    (
        "scam",
        r"\b(met|matched|talking to)\b.{0,30}\b(online|on (a )?dating|on tinder|on instagram|"
        r"on facebook)\b.{0,80}\b(money|send|sent|pay|paid|crypto|loan)\b",
    ),
    (
        "scam",
        r"\b(told|asked) me to (lie|not tell|keep it secret|say it was)\b",
    ),
    (
        # "a guy off instagram got me to put 900 into quick crypto invest, says i'll double it":
        # money doubled, or guaranteed returns, is the promise of an investment scam
        "scam",
        r"\b(double|triple) (it|my money|your money|the money|what i put in)\b.{0,20}\b(in|within) "
        r"(a|one|two|\d+) (days?|weeks?|months?)\b|\bguaranteed (returns?|profits?)\b",
    ),
    # --- bereavement
    (
        "bereavement",
        r"\b(passed away|has died|had died|just died|died (last|on|in|recently|yesterday)|"
        r"lost my (mum|dad|mother|father|husband|wife|partner|son|daughter|brother|sister|nan|"
        r"grandad)\b(?! ?'?s (card|phone|wallet|keys)))",
    ),
    ("bereavement", r"\b(bereavement|bereaved|funeral|deceased|probate|death certificate)\b"),
    # --- financial difficulty
    (
        "financial_difficulty",
        r"\b(can'?t|cannot|unable to|struggling to) (afford|pay (my|the|off) (bills|rent|debts?|"
        r"mortgage|loan|overdraft)|make ends meet|buy food|feed)",
    ),
    (
        "financial_difficulty",
        r"\b(in (so much )?debt|struggling (financially|with (money|debt|bills|payments))|"
        r"lost my job|made redundant|skint|bailiffs|debt collectors?|food ?bank|"
        r"behind on (my )?(rent|bills|payments|mortgage))\b",
    ),
    # --- vulnerability: illness, mental health, domestic or financial abuse, cognitive decline
    (
        "vulnerability",
        rf"\b(domestic abuse|domestic violence|abusive {_PARTNER}|controlling {_PARTNER}|"
        rf"{_PARTNER} is (very )?(controlling|abusive|violent)|coercive|"
        rf"(he|she)'?s (been )?(abusive|violent|controlling)|(hits|beats|threatens) me|"
        rf"don'?t feel safe|financial abuse|((he|she|they)|my {_PARTNER}) (always |keeps? |"
        rf"has been |have been |has |is )?(takes?|took|taking|taken|controls?|control of) "
        rf"(all |control of |money (out of|from) )?my (card|money|wages|benefits|account|pension)|"
        rf"pressur(ed|ing) me to (send|give|transfer|pay))",
    ),
    (
        "vulnerability",
        r"\b(suicidal|want to die|end it all|kill myself|self[- ]harm|depress(ed|ion)|"
        r"anxiety attacks?|panic attacks?|mental health|diagnosed with|"
        # a breakdown of health, never a breakdown company ("AA Breakdown") or breakdown cover
        r"(nervous|mental|emotional) breakdown|(having|had|have had|on the verge of|close to) "
        r"a breakdown|"
        r"terminal(ly)? ill|in hospital(?! car| park)|chemo(therapy)?|cancer|dementia|alzheimer'?s|"
        r"memory (problems|loss)|carer for|power of attorney|gambling (problem|addiction)|"
        r"addicted to gambling)\b",
    ),
    # --- complaint
    (
        "complaint",
        r"\b(make|making|raise|file|lodge|log|submit) an? (formal |official )?complaint\b",
    ),
    ("complaint", r"\b(i want to|i wish to|i'?d like to|going to|i will|i'?ll) complain\b"),
    (
        "complaint",
        r"\b(ombudsman|fos\b|unacceptable service|appalling service|disgraceful service|"
        r"shocking service|worst bank)\b",
    ),
    # --- asking for a person
    (
        "human_request",
        r"\b(speak|talk|chat) (to|with) (a |an |someone|somebody|real|actual|human)"
        r"(\w| )*\b(person|human|agent|advisor|adviser|someone|somebody|staff)?",
    ),
    ("human_request", r"\b(real|actual|live) (person|human|agent)\b"),
    ("human_request", r"\b(human|agent|advisor|adviser|operator) (please|pls|plz)\b"),
    (
        "human_request",
        r"\b(transfer|put|pass) me (to|through to|on to) (a |an )?(human|person|agent|someone)\b",
    ),
    ("human_request", r"\b(not|don'?t want|stop) (a |talking to a |the )?(bot|robot|chatbot)\b"),
    # --- a request only staff can carry out: a CHAPS payment is sent by a colleague, never in
    # the app (help centre, "How long do bank transfers take?"). Asking how CHAPS works is a
    # question the article answers; asking for one to be sent is this.
    (
        "staff_only",
        r"\b(send|make|pay|transfer|do|move|push|put|get)\b.{0,60}\b(by|via|through|using|over|as) "
        r"(a )?chaps\b|"
        r"\b(can you|could you|would you|please|pls|i need to|i want to|i'?d like to|"
        r"i need you to|i want you to)\b.{0,30}\b(send|make|do|set up|arrange)\b.{0,12}"
        r"\bchaps (payment|transfer)\b|"
        r"\b(send|pay|transfer|move)\s+(it|this|that|them|the money|the (deposit|payment|"
        r"balance|rest))\s+(over\s+)?(by\s+|via\s+)?chaps\b|"
        r"\bchaps (it|them|the money) (over|across)\b|"
        # "the solicitor says it has to go by chaps": a payment that must be sent as CHAPS
        r"\b(has|have|needs?|must|got) to (go|be sent|be paid|be made|be done)( over| across)? "
        r"(by|via|through|as|using) (a )?chaps\b",
    ),
    # --- money sent to the wrong person or account: a sent payment is recalled by a colleague,
    # who contacts the receiving bank; the app cannot cancel it (help centre, "Cancelling a
    # scheduled payment"). A payment sent "by mistake" to the person meant is not this: it is
    # explained as sent, and a shop's double charge is a dispute.
    (
        "payment_recall",
        r"\b(sent|transferred|paid)\b.{0,60}\b((to )?the wrong (person|account|payee|people|"
        r"number|details|sort code)|(was|were|it was) (meant|supposed|intended) (for|to go to) "
        r"(someone|somebody|a different|another|my other))\b|"
        # "typed the account number wrong and it went to a stranger"
        r"\b(went|gone|ended up|landed)\b.{0,15}\b(to|with|in) (a (total |complete |random )?"
        r"stranger|a random|someone "
        r"else'?s?|somebody else'?s?|someone i don'?t know|the wrong (person|account|one))\b|"
        r"\b(sent|transferred|paid)\b.{0,60}\bto (a (total |complete )?stranger|a random "
        r"(person|account)|someone "
        r"i (don'?t|do not) know)\b|"
        # "I picked the wrong saved payee", "paid £600 to the wrong Imran"
        r"\b(picked|chose|chosen|selected|clicked|tapped|used)\b.{0,10}\bthe wrong (\w+ )?(payee|"
        r"person|account|contact|name|details)\b|"
        r"\b(sent|transferred|paid)\b.{0,30}\bto the wrong (?-i:[A-Z][a-z]+)\b|"
        # "the 65 quid i sent on the 21st ... went to the wrong ciara"; "two ciara o'connors in
        # me payees ... and i picked the wrong one"
        r"\b(sent|transferred|paid)\b.{0,80}\b(went|gone|ended up) to the wrong \w+|"
        r"\bpayees?\b.{0,80}\b(picked|chose|selected|clicked|tapped)\b.{0,10}\bthe wrong one\b|"
        # "the details I had saved for her were actually my old landlady's account"
        r"\b(details|account number|sort code|payee)\b.{0,40}\b(was|were|belonged to|belongs to)\b"
        r" (actually |really |in fact |still )?(someone else|somebody else|"
        r"(my|her|his|their|an|the) (old|previous|former) \w+|the wrong \w+|"
        r"a different (person|account)|a stranger)|"
        # "sent £40 to Ben Okoro but it turns out that's an old payee ... not the Ben who runs
        # the footy": a saved payee of the same name, not the person meant
        r"\b(sent|transferred|paid)\b.{0,120}\b((that'?s|thats|it'?s|its|was|is) (an? )?"
        r"(old|previous|former|different|wrong) (payee|contact|account)|not the (?-i:[A-Z][a-z]+) "
        r"(who|that|i (meant|wanted|know)))\b",
    ),
    # --- a detail only staff may change: a wrong date of birth is corrected from a photo ID
    # sent to a colleague (help centre, "Updating your personal details").
    (
        "staff_only_details",
        r"\b(date of birth|d\.?o\.?b|birth ?date)\b.{0,40}\b(wrong|incorrect|not right|"
        r"isn'?t right|a mistake|typo|out by|an? (day|month|year) out)\b|\b(wrong|incorrect) "
        r"(date of birth|d\.?o\.?b|birth ?date)\b|\b(change|correct|fix|update|amend)\b.{0,12}"
        r"\b(date of birth|d\.?o\.?b|birth ?date)\b|"
        # "how do i get that corrected": the change asked for after the date is named
        r"\b(date of birth|d\.?o\.?b|birth ?date)\b.{0,60}\b(corrected|changed|fixed|amended)\b",
    ),
    # --- abuse towards the agent (starred or spaced swearing included)
    (
        "abuse",
        r"(\bf[u*@#]+c?[k*]+\b|\bf\*+)\s*(you|off|u)\b|\bf\*{2,}\b|"
        r"\b(you'?re|ur|you are) (useless|an idiot|stupid|a joke|pathetic|thick)\b|"
        r"\bpiece of (shit|crap|s\*+t)\b|\b(stupid|useless|pathetic|shit|crap) (bot|bank|robot)\b",
    ),
]
_COMPILED = [(kind, re.compile(pattern, re.I)) for kind, pattern in _RULES]
# "if i pay the deposit by chaps is there a charge on top": what CHAPS costs or how long it
# takes, asked without asking us to send one, is the article's question, not a staff request
_ASKS_FEE_OR_TIME = re.compile(
    r"\b(?:is there|are there|will there be|do (?:you|u)|does it) (?:\w+ ){0,2}(?:charge|fee|cost)|"
    r"\bhow (?:much|long)\b|\bwhat(?:'s|s| is| does)? (?:the )?(?:fee|charge|cost)\b",
    re.I,
)
_ASKS_TO_ACT = re.compile(
    r"\b(?:can|could|would|will) (?:you|u)\b|\b(?:please|pls|plz)\b|"
    r"\b(?:need|want) (?:you|u) to\b|\bfor me\b",
    re.I,
)


#: Every kind of signal :func:`detect_signals` can raise; each needs a rule in
#: ``policies/escalation.yaml`` (checked at start-up by ``agent.consistency``).
DETECTED_KINDS: frozenset[RiskKind] = frozenset(kind for kind, _ in _RULES)


# "It has to be a CHAPS transfer. Please could you set that up": a CHAPS payment named, and the
# message asks us to act; the listed phrasings above miss most such pairs, said apart.
_CHAPS = re.compile(r"\bchaps\b", re.I)
_ACT_VERB = re.compile(
    r"\b(?:send|make|set (?:it |that |this |one |them )?up|arrange|organi[sz]e|process|do|pay|"
    r"transfer|move|get (?:it|that|this|the money) (?:sent|done|over|across))\b",
    re.I,
)


def _asks_for_chaps(text: str, context: str) -> re.Match[str] | None:
    """The message asks us to send a CHAPS payment, named in it or earlier in the problem."""
    if _CHAPS.search(f"{context} {text}") is None or _ASKS_TO_ACT.search(text) is None:
        return None
    return _ACT_VERB.search(text)


def names_chaps(text: str) -> bool:
    """Whether the text names a CHAPS payment."""
    return _CHAPS.search(text) is not None


def detect_signals(text: str, context: str = "") -> list[RiskSignal]:
    """The risk signals the message raises; ``context`` is the problem's earlier messages.

    Only a request to send a CHAPS payment reads the context: "I'm in the app chat now, can
    you just send it for me?" after asking how to send one asks for the CHAPS payment itself.
    """
    found: dict[RiskKind, RiskSignal] = {}
    for kind, pattern in _COMPILED:
        if kind in found:
            continue
        match = pattern.search(text)
        if match is None and kind == "staff_only":
            match = _asks_for_chaps(text, context)
        if match and kind == "staff_only" and _asks_only_about(text):
            continue
        if match:
            found[kind] = RiskSignal(kind=kind, evidence=match.group(0)[:80])
    return list(found.values())


def asks_us_to_act(text: str) -> bool:
    """Whether the message asks us to do something ("can you", "please", "for me")."""
    return _ASKS_TO_ACT.search(text) is not None


def _asks_only_about(text: str) -> bool:
    """A question about a fee or a wait that asks nobody to do anything."""
    return _ASKS_FEE_OR_TIME.search(text) is not None and _ASKS_TO_ACT.search(text) is None


# ---- cues that a person must act inside a procedure ------------------------------------------
# Not risk signals on their own: a payment the customer did not make is a dispute, a failed app
# step is a question. They matter in context: money already taken on a card that is lost,
# stolen or copied is fraud (``planning.procedures.lost_card`` hands off after the freeze), and
# a help-centre route the customer says has failed is not answered with the same article again.
_MISUSE = re.compile(
    r"\b(?:that )?(?:wasn'?t|wasnt|weren'?t|werent) me\b|\bnot me\b|"
    # "none of thats me", "none of them were me"
    r"\bnone of (?:that|thats|that's|them|these|those|it)(?: (?:is|was|were|are))? me\b|"
    # "a bp payment that aint mine", "those aren't mine": a payment disowned
    r"\b(?:ain'?t|aint|isn'?t|isnt|wasn'?t|wasnt|aren'?t|arent|weren'?t|werent|not) mine\b|"
    r"\b(?:never|didn'?t|did not|haven'?t|have not)\s+(?:make|made|spend|spent|authori[sz]e)|"
    # "2 uber rides i never took", "online shopping I haven't done", "an order i never placed"
    r"\bi(?:'ve|ve)?\s+(?:never|didn'?t|did not|haven'?t|have not)\s+(?:took|taken|done|"
    r"ordered|order|placed|booked|bought|buy)\b(?!\s+(?:anything|anythin|nothing|yet|it yet))|"
    # "contactless payments in shops ive never heard of": spending at places the customer disowns
    r"\b(?:shops?|places?|sites?|websites?|merchants?|companies)\b.{0,30}\b(?:i'?ve|ive|i have) "
    r"never (?:even )?heard of\b|"
    # "an alert that £250 came out at a cashpoint": money drawn since the card went
    r"(?:£\s?|\b)\d[\d,.]*k?\s?(?:quid |pounds? )?(?:came|come|went|has gone|got taken|"
    r"was taken|been taken) out\b|"
    # "took 300 out the cashpoint with my card": cash already drawn by whoever has the card
    r"\b(?:they|someone|somebody|he|she|thief|thieves|mugger)\b.{0,60}\btook\s+(?:out\s+)?"
    r"(?:£\s?)?\d[\d,.]*k?\b|"
    r"\b(?:i'?m|im|i am) not making\b|"
    r"\b(?:someone|somebody|some1|sum1|they|thief|thieves)(?:'s|s|'ve|ve| has| have| is| are)?"
    r"(?: already| now| just| then)?(?: been)? (?:using|used|spending|spent|tapping|tapped|"
    r"buying|bought|shopping|withdrawing|withdrew|racking up|racked up)\b|"
    r"\bmade me (?:take|withdraw|draw)\b|"
    # "cash withdrawals in birmingham and ive never even been there", "payments going through
    # in Westfield, I'm not even there"
    r"\b(?:i'?ve|ive|i have) never (?:even )?been (?:there|to)\b|"
    r"\b(?:i'?m|im|i am) not (?:even )?(?:there|near there)\b|"
    r"\bi (?:wasn'?t|wasnt|was not) (?:even )?(?:there|near there)\b|"
    # "I've already had texts about two payments", "got an alert for a purchase": the bank's
    # own alerts of spending, received since the card went ("will I still get texts?" is not)
    r"\b(?:had|got|received|been getting|keep getting)\s+(?:\w+\s+){0,2}(?:texts?|alerts?|"
    r"notifications?|emails?)\b.{0,20}\b(?:about|for|saying|of)\b.{0,20}"
    r"\b(?:payments?|purchases?|transactions?|spending|orders?)\b|"
    # "they made me tell them my pin and took 300 out the cashpoint with my card": whoever took
    # the card has drawn or spent money with it
    r"\b(?:they|he|she|someone|somebody|the (?:thief|thieves|mugger|muggers|robbers?))\b.{0,40}"
    r"\b(?:took|withdrew|drew|spent|taken|withdrawn)\s+(?:out\s+)?(?:£\s?\d+|\d+\s?(?:quid|pounds)?"
    r"|(?:the |some )?cash|(?:the |some |all my )?money)\b",
    re.I,
)
_SELF_SERVICE_FAILED = re.compile(
    r"\b(?:keeps?|kept) (?:saying|showing|giving)\b.{0,40}\b(?:error|wrong|fail(?:ed|s)?|"
    r"not recogni[sz]ed|unrecogni[sz]ed|invalid|incorrect|not valid|(?:doesn'?t|don'?t|do not|"
    r"does not) match|unsuccessful|try again|rejected|declined|"
    # "her machine kept saying the card cannot be used for deposits"
    r"can'?t|cannot|can not|unable|not (?:be )?(?:used|accepted|allowed|possible))\b|"
    r"\bsame (?:message|error)\b|"
    # "four times I tried", "3 times i did it": the route was followed, again and again
    r"\b(?:\d+|two|three|four|five|six|several|many|a few) times,? (?:i|we) (?:'?ve |have )?"
    r"(?:tried|did it|done it|did that)\b|"
    # "the code for the new number never arrives": the route's check cannot reach them
    r"\b(?:code|text|sms)\b.{0,40}\bnever (?:arrives?|arrived|comes?|came|turns? up|turned up|"
    r"gets? through|got through)\b|"
    r"\b(?:says?|said|shows?|get|got|getting) (?:an? )?error\b|"
    # "it still says verification failed", "still showing upload unsuccessful"
    r"\bstill (?:says?|saying|shows?|showing|comes up with)\b.{0,40}\b(?:fail(?:ed|s|ure)?|error|"
    r"declined|rejected|invalid|unsuccessful|not recogni[sz]ed)\b|"
    r"\b(?:won'?t|wont|will not|doesn'?t|does not) let me\b|"
    # "the reset text goes to my old number which i dont have anymore": the route's code can't
    # reach them, so only a person can confirm who they are another way
    r"\b(?:goes|go|going|sent|sends|comes|coming) to my old (?:number|phone|mobile|email)\b|"
    # "it won't accept it because it's £3,400", "keeps rejecting the photo of my certificate"
    r"\b(?:won'?t|wont|will not|doesn'?t|does not|wouldn'?t|wouldnt) accept (?:it|them|the "
    r"(?:cheque|photo|picture|document|upload|file|certificate))\b|"
    r"\bkeeps? (?:rejecting|refusing) (?:it|the|my)\b(?!\s+card\b)|"
    r"\b(?:tried|try|trying|typed|entered|put (?:it|them) in)\b.{0,40}"
    r"\b(?:(?:\d+|two|three|four|five|six|ten|many|a few) times|times now|loads|several times|"
    r"again and again)\b|"
    # "the upload stays at 0% and then says upload failed"
    r"\b(?:says?|said|saying|shows?|showing)\s+(?:the\s+)?(?:upload|verification|it)\s+"
    r"(?:has\s+)?(?:failed|unsuccessful|didn'?t work)\b|\bupload (?:failed|fails|keeps failing)\b|"
    r"\b(?:did|done|tried) (?:that|this|it|what it says) already\b|"
    r"\b(?:did|done|followed|tried) (?:exactly|just) (?:that|this|what it says|what you said)\b|"
    # "did that, it says the amount's too high": the route was followed and refused
    # (a question that starts "did that payment go through" asks about a payment: not this)
    r"^\s*(?:i\s+|i'?ve\s+|ive\s+)?(?:did|done|tried)\s+(?:that|this|it)\s*"
    r"(?:[,.!;:-]|$|\s+(?:already|but|and|still)\b)|"
    r"\b(?:says?|said|saying)\b.{0,30}\btoo (?:high|big|large|much)\b|"
    r"\balready (?:tried|did that|done that)\b|"
    r"\bi did what it says\b|"
    r"\bthere(?:'s|s| is) no\b.{0,25}\b(?:option|button)\b|"
    # "the close account option just says theres a problem and to try later"
    r"\b(?:says?|said|saying|shows?|showing)\b.{0,20}\b(?:there'?s|theres|there is) (?:a|some) "
    r"(?:problem|issue|error)\b|\bsomething went wrong\b|\bgreyed out\b|"
    r"\b(?:need|want) (?:someone|somebody|a person|you) to\b.{0,30}\bfor me\b",
    re.I,
)


def reports_card_misuse(text: str) -> bool:
    """Whether the customer says someone else has already used their card or money."""
    return _MISUSE.search(text) is not None


def reports_self_service_failed(text: str) -> bool:
    """Whether the customer says the app or the help-centre route has failed them."""
    return _SELF_SERVICE_FAILED.search(text) is not None


_CARD_GONE = re.compile(
    r"\b(?:lost|stolen|stole|nicked|pinched|robbed|mugged|pickpocketed)\b|"
    r"\bran off with my (?:card|wallet|purse|bag)\b|"
    # a card copied at a till or a pump is as good as taken ("reckon someone copied my card")
    r"\b(?:cloned|skimmed)\b|\bcop(?:ied|y) (?:of )?my card\b|"
    r"\btook (?:my|me) (?:card|wallet|purse|bag|phone)\b|"
    # "someone had me purse out me bag", "somebody's lifted my wallet": taken by someone
    # (a "had" only with the thing carried off: "they had my card details wrong" is no loss)
    r"\b(?:some ?(?:one|body)|some1|they|a thief|a pickpocket)(?:'s|'ve| has| have| had)?\s+"
    r"(?:(?:lifted|dipped|taken|took)\s+(?:my|me)\s+(?:debit |bank )?"
    r"(?:card|wallet|purse|bag|pocket)\b|had\s+(?:my|me)\s+(?:debit |bank )?"
    r"(?:card|wallet|purse|bag)(?=\s+(?:out|away|off)\b|\s*[,.!;]|\s*$))|"
    # "card got nabbed at a gig", "purse snatched", "swiped my card off the table"
    r"\b(?:nabbed|snatched|swiped (?:my|the) (?:card|wallet|purse|bag))\b|"
    # "my card was taken from my desk", "cant find my debit card anywhere"
    r"\b(?:card|wallet|purse|bag)\b (?:was|got|has been|had been|been) taken\b|"
    r"\b(?:can'?t|cant|cannot|couldn'?t) find my (?:debit |bank |kestrel )?(?:card|wallet|purse)\b|"
    # "forgot my card in the self-checkout at Lidl", "left me card in the trolley": left where
    # anyone may take it; not at home, at work or in the customer's own car, coat or bag
    r"\b(?:left|forgot|forgotten)\s+(?:my|me|the)\s+(?:debit |bank |kestrel )?card\s+"
    r"(?:in|at|on|behind)\s+(?!(?:home|work|the office|my (?:house|car|flat|desk|room|other|bag|"
    r"coat|jacket|locker)|the (?:house|car|flat))\b)",
    re.I,
)


# "put my card details in", "gave him my card number", "typed in the long number and the CVV":
# the customer handed the card's details to someone, which only matters when that someone is a
# fraudster (a scam report, a scam signal); a data breach ("my details were leaked") is not this.
_CARD_DETAILS_GIVEN = re.compile(
    r"\b(?:put|putting|entered|entering|typed|typing|gave|given|give|giving|shared|sharing|sent|"
    r"filled|input|inputted|keyed|read out)\b(?:\s+(?:in|out|them|him|her|it|all|over))*"
    r"\s+(?:my|the|our)\s+(?:full\s+|whole\s+|long\s+)?(?:(?:debit\s+|credit\s+)?card\s+"
    r"(?:details|detail|number|info|information|no)|long number|cvv|cvc|security code)\b",
    re.I,
)


def reports_card_details_given(text: str) -> bool:
    """Whether the customer says they gave their card's details to someone or some site."""
    return _CARD_DETAILS_GIVEN.search(text) is not None


def reports_card_gone(text: str) -> bool:
    """Whether the customer says their card (or what held it) was lost or taken."""
    return _CARD_GONE.search(text) is not None


# Someone else's card: "my girlfriends card got stolen", "my mum has lost her card", "my brother
# oliver bennett's card", "his one". The agent acts only on the customer's own cards, and none
# of those may be touched in its place; a message that also speaks of the customer's own card
# ("my card and my wife's", "mine too") is about theirs as well.
_RELATIVE = (
    r"(?:girlfriend|boyfriend|partner|husband|wife|fianc[eé]e?|ex|mum|mom|mother|mam|dad|father|"
    r"parent|son|daughter|child|kid|brother|sister|sibling|friend|mate|flatmate|housemate|"
    r"nan|nana|gran|granny|grandma|grandmother|grandad|grandpa|grandfather|aunt|auntie|uncle|"
    r"cousin|niece|nephew|colleague|boss|neighbour|carer|family|bf|gf|bro|sis|hubby|missus|"
    r"bestie|bff|au pair|lodger|tenant|nanny|room ?mate|pal|buddy|other half)"
)
#: "my little sister's card", "my older brother's": the words before a relation
_KIN = r"(?:(?:little|big|younger|older|baby|kid|step|twin) )?"
#: "my mother-in-law's card", "my brother in law's": a relation by marriage is a relation
_IN_LAW = r"(?:[- ]in[- ]law)?"
#: "her Kestrel card", "his debit card"
_CARD_WORD = r"(?:(?:own|new|debit|bank|kestrel|physical|virtual) ){0,2}"
_OTHERS_CARD = re.compile(
    # "me twin brother Conor's new kestrel card": "me" is "my" in many a UK voice
    rf"\b(?:my|our|me) {_KIN}{_RELATIVE}{_IN_LAW}(?:s|'s)?(?: [a-z]+){{0,3}}?(?:'s|s|') "
    rf"{_CARD_WORD}card\b|"
    rf"\b(?:it'?s|its|it is|that'?s|is) (?:my|our) {_RELATIVE}{_IN_LAW}(?:'s|s|')(?!\w)|"
    rf"\b(?:my|our) {_KIN}{_RELATIVE}{_IN_LAW}\b.{{0,80}}\b(?:his|her|their) {_CARD_WORD}"
    r"(?:card|one)\b|"
    # "our ciara's after losing her kestrel card": whoever it is, the card is theirs (a shop's
    # "their card machine" is no card of anyone's)
    # "Sam's got his own card" says the card in question is not his
    rf"(?<!\bgot )(?<!\bhas )(?<!\bhave )(?<!\buses )(?<!\bused )"
    rf"\b(?:his|her|their) {_CARD_WORD}card\b(?! ?(?:machine|reader|terminal|payment))",
    re.I,
)
_OWN_CARD = re.compile(
    # "its his card not mine" disowns it: a "mine" after a "not" is no own card
    r"\bmy (?:own |new |debit |bank |physical |virtual )?cards?\b|"
    # "send her another one? to mine is fine": "to mine" is the customer's address
    r"(?<!\bnot )(?<!n't )(?<!nt )(?<!\bto )\bmine\b|\bour cards\b",
    re.I,
)


def reports_someone_elses_card(text: str) -> bool:
    """Whether the card the customer speaks of is someone else's, and never their own."""
    return _OTHERS_CARD.search(text) is not None and _OWN_CARD.search(text) is None


# Someone else's account or money: "how much money she has in her account", "stop his standing
# order", "my flatmate's direct debit". As with cards, none of the customer's own payments may be
# looked up or changed in its place. Money the customer sent *to* them ("paid into my son's
# account", "sent it to her account") is the customer's own payment, and so is a message that
# says so ("i sent my mum 50 and her account shows nothing").
_THEIR_THING = (
    r"(?:(?:bank |current |savings |kestrel |joint )?account|balance|savings|standing orders?|"
    r"direct debits?|dds?|statements?|overdraft|money|pin)"
)
_OTHERS_ACCOUNT = re.compile(
    rf"\b(?:my|our|me) {_KIN}{_RELATIVE}{_IN_LAW}(?:'s|s|') {_THEIR_THING}\b|"
    # "his Yorkshire Water direct debit": a payee's name may stand between
    rf"\b(?:his|her) (?:(?-i:[A-Z][\w'&-]*) ){{0,3}}{_THEIR_THING}\b|"
    rf"\btheir {_THEIR_THING}\b(?=.*\b(?:my|our) {_RELATIVE}\b)|"
    rf"\b(?:my|our) {_RELATIVE}\b.*\btheir {_THEIR_THING}\b",
    re.I | re.S,
)
#: "paid into", "sent to", "transfer to": the thing named is where the customer's money went
_SENT_TO = re.compile(
    r"\b(?:to|into|in to|onto|pay|paid|paying|send|sent|sending|transfer(?:red|ring)?)\s+$",
    re.I,
)
_CUSTOMER_SENT = re.compile(
    r"\b(?:i|we)(?:'ve| have)? (?:sent|paid|transferred|gave|moved)\b|"
    # "it comes out of our joint account": paid from the customer's own account, so theirs too
    r"\b(?:my|our) (?:own |joint )?(?:account|balance|standing order|direct debit|payment)s?\b",
    re.I,
)


def reports_someone_elses_account(text: str) -> bool:
    """Whether the account, balance or payment the customer speaks of is someone else's."""
    if _CUSTOMER_SENT.search(text):
        return False
    return any(
        not _SENT_TO.search(text[max(0, m.start() - 30) : m.start()])
        for m in _OTHERS_ACCOUNT.finditer(text)
    )


# ---- a signal settles a near tie ---------------------------------------------------------------
#: The intent each risk signal names, where one does.
SIGNAL_INTENTS: dict[RiskKind, str] = {
    "scam": "scam_report",
    "bereavement": "bereavement",
    "financial_difficulty": "financial_difficulty",
    "complaint": "complaint",
    "human_request": "human_request",
}
#: How far behind the top reading the signal's intent may be and still be the reading. The
#: conveyancing scam below read 0.50 / 0.50 with one model, then 0.56 / 0.43 and 0.58 / 0.41
#: with models retrained on a few more utterances: a retrain moves a near tie that much.
NEAR_TIE = 0.2
#: A runner-up this sure is settled by a signal whatever the gap: the conveyancing scam read
#: 0.60 / 0.40 after the next retrain. The classifier itself holds it the second reading, and
#: the signal's words say which of its two readings the message is.
RUNNER_UP = 0.3


def settle_by_signal(
    prediction: IntentPrediction, signals: Sequence[RiskSignal]
) -> IntentPrediction:
    """``prediction`` with the intent a signal names on top, when it was all but tied there.

    "They never received it and the email with the bank details was fake": a transfer not
    received 0.50, a scam report 0.50. The words that raised the scam signal decide between
    them; a reading the classifier is surer of is left alone.
    """
    named = {SIGNAL_INTENTS[s.kind] for s in signals if s.kind in SIGNAL_INTENTS}
    if not named or prediction.intent in named:
        return prediction
    for rank, alternative in enumerate(prediction.alternatives):
        close = prediction.confidence - alternative.score <= NEAR_TIE
        runner_up = rank == 0 and alternative.score >= RUNNER_UP
        if alternative.intent in named and (close or runner_up):
            return prediction.promoted(alternative.intent, alternative.score)
    return prediction
