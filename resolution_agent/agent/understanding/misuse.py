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

from resolution_agent.agent.state import ConversationState
from resolution_agent.agent.understanding.base import IntentClassifier
from resolution_agent.agent.understanding.requests import classify_all
from resolution_agent.agent.understanding.signals import reports_card_misuse

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
# Where a piece of a message ends: punctuation, or a word that starts another statement.
_PIECE = re.compile(r"[,;.!?]+\s*|\s+(?:and|but|now|since|so|then|plus|also)\s+", re.I)
_WORD = re.compile(r"[a-z0-9£']+", re.I)
# Nothing taken yet, or only feared: "no payments on it so far", "in case someone uses it";
# but "a charge i know nothing about" disowns one.
_NOT_YET = re.compile(
    r"\b(?:no|not any|none of|nothing)\s+(?:\w+\s+){0,2}?(?:payments?|charges?|transactions?|"
    r"spent|spending|taken|gone|on it|out)\b|"
    r"\b(?:yet|so far|might|may|worried|scared|in case)\b|\bcould (?:use|spend|take)\b",
    re.I,
)


async def hears_card_misuse(text: str, classifier: IntentClassifier) -> bool:
    """Whether the message says someone else has already spent or drawn money on the card.

    Call it only where a card is gone (the caller knows the context); the rules are asked
    first, then the model on the message's pieces when it speaks of spending.
    """
    if reports_card_misuse(text):
        return True
    if _SPENDING.search(text) is None:
        return False
    pieces = [
        piece
        for piece in _PIECE.split(text)
        if len(_WORD.findall(piece)) >= 2 and _NOT_YET.search(piece) is None
    ]
    if not pieces:
        return False
    predictions = await classify_all(classifier, pieces)
    return any(p.intent in DISOWNED_SPENDING and p.confidence >= SURE for p in predictions)


def misuse_told(state: ConversationState) -> bool:
    """Whether the customer said, this episode, that their card was already spent on.

    ``card_misuse`` is what :func:`hears_card_misuse` heard, kept by the understand node; the
    rules on the episode's words also count, for a conversation stored before it was kept.
    """
    return state.card_misuse or reports_card_misuse(state.episode_text)
