"""Money already taken on a lost or stolen card, heard by the intent model as well as the rules.

Why a model: the cue rules (``signals.reports_card_misuse``) list ways of saying it ("wasn't
me", "never made", "someone's been using it"), and customers find others. Twenty new ways,
written for this module's test before it was built, passed the rules 4 times in 20: "a 60 quid
charge at a petrol station this morning i know nothing about", "now there's an amazon purchase",
"the thief has drawn out 250". The intent model was trained on thousands of such reports, told
alone (Banking77's payments and withdrawals the customer does not recognise), so the pieces of
the message are asked of it: a piece it is sure disowns a payment or a withdrawal is misuse.

The model runs only when it can matter and the rules found nothing: the card is said to be gone
(or a lost-card problem is open) and the message speaks of spending at all. A message without
such words costs nothing extra; one with them costs one batched encode of its few pieces.
A piece that says nothing happened yet, or may happen ("nothing spent on it yet", "worried
someone might use it"), is never asked.
"""

from __future__ import annotations

import re

from resolution_agent.agent.state import ConversationState, IntentPrediction
from resolution_agent.agent.understanding.base import IntentClassifier
from resolution_agent.agent.understanding.requests import classify_all
from resolution_agent.agent.understanding.signals import reports_card_misuse
from resolution_agent.agent.vocabulary import LOST_CARD

#: The intents that disown a payment or a withdrawal; a piece of the message this sure of one
#: is the customer saying money was taken without them.
DISOWNED_SPENDING = frozenset({"card_payment_not_recognised", "cash_withdrawal_not_recognised"})
SURE = 0.5

_SPENDING = re.compile(
    r"\b(?:payments?|charges?|charged|spent|spend(?:ing)?|transactions?|withdr\w*|bought|"
    r"buying|purchases?|orders?|cash|quid|pounds|money|used|using|hits?|drawn|took out|"
    r"taken out)\b|£",
    re.I,
)
# Where a piece of a message ends: punctuation before a space (not the point in "£12.50"), or a
# word that starts another statement.
_PIECE = re.compile(r"[,;.!?]+(?:\s+|$)|\s+(?:and|but|now|since|so|then|plus|also)\s+", re.I)
_WORD = re.compile(r"[a-z0-9£']+", re.I)
# Nothing taken yet, or only feared: "no payments on it so far", "in case someone uses it";
# but "a charge i know nothing about" disowns one.
_NOT_YET = re.compile(
    r"\b(?:no|not any|none of|nothing)\s+(?:\w+\s+){0,2}?(?:payments?|charges?|transactions?|"
    r"spent|spending|taken|gone|on it|out)\b|"
    r"\b(?:yet|so far|might|may|worried|scared|in case)\b|\bcould (?:use|spend|take)\b",
    re.I,
)

# A spend told as having happened, by its shape rather than its wording: someone else did it
# ("someone's had 250 out", "the next person took out 100 quid"), the card was used ("it's
# been used in a shop"), a spend is seen on it ("theres a £12.50 deliveroo on it", "now I can
# see a bunch of orders"), or an amount went somewhere ("£80 at a shell garage", "£250 has gone
# out"). A piece that asks, plans or guards against it, or tells of the customer's own spending
# (_NOT_TOLD), tells of nothing.
_AMOUNT = (
    r"(?:£\s?\d[\d,.]*|\b\d+(?:\.\d\d)?\s?(?:quid|pounds|squid)\b|"
    r"\b(?:a )?(?:tenner|fiver|grand)\b)"
)
_SPEND_NOUN = (
    r"(?:payments?|charges?|transactions?|purchases?|orders?|withdrawals?|spending|hits?|taps?|"
    r"contactless)"
)
_SPEND_EVENT = re.compile(
    # someone else did it: "someone's had 250 out", "they've taken out £200", "the thief bought"
    r"\b(?:some ?ones?|somebody|some1|they|theyve|thief|thieves|whoever|he|she|"
    r"the (?:next |other )?(?:person|guy|bloke|lad|woman|customer))"
    r"(?:'s|'ve| has| have| had)?(?: (?:already|now|just|then|since|gone|been))*"
    r" (?:used|spent|bought|(?:taken|took|drawn|drew)(?= out| £| \d| money| cash)|had|withdrawn|"
    r"withdrew|been (?:using|spending|buying|ordering)|using|buying|spending|ordered|ordering|"
    r"paid)\b|"
    # the card was used: "my card has been used to buy", "its been used in a shop"
    r"\b(?:it'?s|has|have|had|was|were|got) (?:already |just )?(?:been )?used\b|"
    r"\b(?:has|have|'s|'ve) been (?:buying|spending|using it|using my card|withdrawing)\b|"
    r"(?<!\bi )(?<!\bi only )(?<!\bi last )\bused (?:it|my card|the card) (?:at|in|for|on|to)\b|"
    # a spend seen since: "theres a £12.50 deliveroo on it", "just seen 3 payments"
    r"\b(?:there(?:'s|s| is| are| was| were| have been|'ve been|ve been)|"
    r"(?:just )?(?:seen|saw|spotted|noticed)|i can see|can see|shows?|showing)\b"
    rf"(?:\s+\S+){{0,4}}?\s+(?:{_SPEND_NOUN}\b|{_AMOUNT}(?:\s+\S+){{0,2}}\s+"
    r"(?:on it|on my card|on the card|at|from)\b)|"
    # an amount at a place: "£80 at a shell garage", "a £300 hit at currys"
    rf"{_AMOUNT}(?:\s+\S+){{0,2}}?\s+(?:at|from)\b|"
    r"\b(?:a|an|one|two|three|four|five|\d+|some|several|loads of|lots of|a few|a couple of|"
    rf"couple of|bunch of) (?:\w+ ){{0,3}}?{_SPEND_NOUN} (?:at|from|to|in|on|for|of)\b"
    r"(?! (?:it|them|my card)\b)|"
    r"(?:\b(?:money|cash|funds)\b|£\s?\d+)(?: \w+){0,3} "
    r"(?:missing|gone|taken|disappeared|vanished|came out|went out)\b|"
    rf"{_AMOUNT}(?:\s+\S+){{0,3}}?\s+(?:came|come|went|gone) out\b",
    re.I,
)
_NOT_TOLD = re.compile(
    r"\b(?:will|can(?! see)|could(?! see)|would|should|do i|does|how|what|when|whether|if|"
    r"before|in case|stop|block|prevent|make sure|need to|have to|want to|so that|so no|"
    r"so nobody)\b|"
    # the customer's own spending: "i spent £40 at the pub last night"
    r"\bi (?:spent|bought|paid|used|took out|withdrew|got out)\b",
    re.I,
)


def tells_of_spending(piece: str) -> bool:
    """Whether one piece of a message tells of a spend that has already happened."""
    return (
        _SPEND_EVENT.search(piece) is not None
        and _NOT_YET.search(piece) is None
        and _NOT_TOLD.search(piece) is None
    )


async def hears_card_misuse(text: str, classifier: IntentClassifier) -> bool:
    """Whether the message says someone else has already spent or drawn money on the card.

    Call it only where a card is gone (the caller knows the context); the rules are asked
    first, then the shape of each piece of the message that speaks of spending, then the model
    on those pieces.
    """
    if reports_card_misuse(text):
        return True
    pieces = [
        piece
        for piece in _PIECE.split(text)
        if len(_WORD.findall(piece)) >= 2 and _NOT_YET.search(piece) is None
    ]
    if any(tells_of_spending(piece) for piece in pieces):
        return True
    if not pieces or _SPENDING.search(text) is None:
        return False
    predictions = await classify_all(classifier, pieces)
    return any(p.intent in DISOWNED_SPENDING and p.confidence >= SURE for p in predictions)


def misuse_told(state: ConversationState) -> bool:
    """Whether the customer said, this episode, that their card was already spent on.

    ``card_misuse`` is what :func:`hears_card_misuse` heard, kept by the understand node; the
    rules on the episode's words also count, for a conversation stored before it was kept.
    """
    return state.card_misuse or reports_card_misuse(state.episode_text)


def as_lost_card(prediction: IntentPrediction) -> IntentPrediction:
    """A disowned payment told with the card's loss, read as the lost card it is.

    Call it only when the card is said to be gone and misuse was heard. "Some yute dipped my
    pocket n took my card, now theres a £300 apple store payment that aint me" is classified
    as a payment not recognised (the spending is most of the words); the problem is the card
    in someone else's hands, which the lost-card procedure freezes and hands to the fraud team.
    The payment reading stays as the runner-up; any other reading is left as it is.
    """
    if prediction.intent not in DISOWNED_SPENDING:
        return prediction
    return prediction.promoted(LOST_CARD, prediction.confidence)
