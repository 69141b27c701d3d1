"""A transparent keyword classifier, for runs that must not load a model.

The trained classifier (``agent.understanding.classifier``) is the default; this one is chosen
with ``RESOLVE_INTENT_CLASSIFIER=keywords`` where a model is unwanted (a quick look at a
conversation's flow, a machine without the encoder) and every decision must be explainable
from a visible cue list.

Each intent has weighted cue patterns; the score of an intent is the sum of the weights of
its cues found in the message, turned into a confidence with a softmax against a fixed
"nothing matched" score (only intents with a cue compete), so a message with no cue at all
comes out as ``out_of_scope`` and is answered as such rather than guessed.
"""

from __future__ import annotations

import math
import re

from resolution_agent.agent.state import IntentPrediction, IntentScore

_CUES: dict[str, list[tuple[str, float]]] = {
    "lost_or_stolen_card": [
        (r"\b(lost|lose|losing|misplaced|can'?t find|cannot find|left)\b.{0,40}\bcard", 3.0),
        (r"\bcard\b.{0,30}\b(lost|stolen|nicked|missing|gone)\b", 3.0),
        (r"\b(stolen|nicked|pickpocket\w*|robbed|mugged)\b", 2.5),
        (r"\bfreeze\b", 1.5),
    ],
    "compromised_card": [
        (r"\b(compromised|cloned|skimmed|details (were |got )?(stolen|leaked))\b", 3.0)
    ],
    "card_arrival": [
        (
            r"\b(new |replacement )?card\b.{0,40}\b(not|hasn'?t|never|still not|yet to)\b.{0,15}"
            r"(arriv|come|came|turn(ed)? up|deliver|receiv)",
            3.5,
        ),
        (r"\b(waiting|still waiting)\b.{0,30}\bcard\b", 3.0),
        (r"\bwhere\b.{0,15}\bcard\b", 1.5),
        (r"\bcard (not|hasn'?t) (arrived|come)\b", 3.5),
    ],
    "card_delivery_estimate": [
        (r"\bhow long\b.{0,30}\b(card|deliver)", 3.0),
        (r"\bwhen\b.{0,30}\bcard\b.{0,20}\b(arrive|come|deliver)", 2.5),
    ],
    "pin_blocked": [
        (r"\bpin\b.{0,30}\b(blocked|locked|block|lock)", 4.0),
        (r"\b(blocked|locked)\b.{0,30}\bpin\b", 4.0),
        (r"\b(wrong|incorrect)\b.{0,10}\bpin\b.{0,30}\b(times|three|3)\b", 3.0),
    ],
    "declined_card_payment": [
        (
            r"\b(declined|rejected|refused|bounced|didn'?t go through|wouldn'?t go through|"
            r"not going through)\b",
            3.0,
        ),
        (r"\bcard\b.{0,20}\b(payment|purchase)\b.{0,20}\b(fail|declin)", 1.5),
    ],
    "pending_card_payment": [
        (r"\bpending\b", 2.5),
        (r"\b(still|stuck)\b.{0,20}\b(pending|processing)\b", 1.5),
    ],
    "card_payment_not_recognised": [
        (r"\b(don'?t|do not|didn'?t|did not) (recognise|recognize|know)\b", 3.5),
        (
            r"\b(unrecognised|unrecognized|unknown|strange|weird|odd|dodgy)\b.{0,20}"
            r"\b(payment|transaction|charge)",
            3.5,
        ),
        (r"\bnever (made|bought|authorised|authorized)\b", 3.0),
        (r"\bwhat is\b.{0,20}\bon my statement\b", 2.0),
    ],
    "transaction_charged_twice": [
        (r"\b(charged|taken|paid|debited|billed)\b.{0,20}\b(twice|two times|double|2x)\b", 4.5),
        (r"\b(double|duplicate)[ -]?(charge|payment|transaction)", 4.5),
    ],
    "pending_transfer": [
        (r"\b(transfer|payment|money i sent)\b.{0,30}\b(pending|processing|stuck)\b", 3.5),
    ],
    "failed_transfer": [
        (r"\b(transfer|payment|money)\b.{0,40}\b(failed|fail|bounced|returned)\b", 3.5),
    ],
    "transfer_not_received_by_recipient": [
        (
            r"\b(hasn'?t|has not|not|never|didn'?t)\b.{0,20}\b(received|got|arrived)\b.{0,30}"
            r"\b(money|transfer|payment)",
            3.0,
        ),
        (
            r"\b(sent|transferred|paid)\b.{0,40}\b(hasn'?t|not|never|didn'?t)\b.{0,20}"
            r"\b(got|received|arrived|showing)",
            3.5,
        ),
    ],
    "declined_transfer": [(r"\btransfer\b.{0,20}\b(declined|rejected|blocked)\b", 3.5)],
    "cancel_transfer": [
        (r"\b(cancel|stop|undo)\b.{0,40}\b(transfer|payment|standing order|scheduled)\b", 3.5),
    ],
    "direct_debit_payment_not_recognised": [
        (r"\bdirect ?debit\b", 4.5),
        (r"\b(dd|mandate)\b", 1.0),
    ],
    "exchange_rate": [(r"\bexchange rate\b", 3.0), (r"\b(euro|dollar|currency)\b", 1.0)],
    "card_payment_fee_charged": [(r"\bfee\b.{0,20}\bcard payment", 3.0)],
    "transfer_timing": [(r"\bhow long\b.{0,30}\b(transfer|payment)", 3.0)],
    "terminate_account": [(r"\b(close|closing|shut|terminate)\b.{0,20}\baccount\b", 3.5)],
    "activate_my_card": [(r"\bactivat\w*\b", 3.5)],
    "apple_pay_or_google_pay": [(r"\b(apple|google) ?pay\b", 4.0)],
    "contactless_not_working": [(r"\bcontactless\b", 3.0)],
    "change_pin": [(r"\b(change|reset|new)\b.{0,10}\bpin\b", 3.0)],
    "verify_my_identity": [(r"\b(verify|verification|id check)\b", 2.0)],
    "topping_up_by_card": [(r"\btop ?up\b", 2.5)],
    "complaint": [(r"\b(complain|complaint|unacceptable|disgusted|appalling)\w*", 3.0)],
    "scam_report": [(r"\b(scam|scammed|fraud|fraudster|conned|safe account)\w*", 3.0)],
    "financial_difficulty": [(r"\b(can'?t afford|debt|skint|struggling (to pay|with money))", 3.0)],
    "bereavement": [(r"\b(passed away|died|death|bereave\w*|funeral)\b", 3.0)],
    "human_request": [(r"\b(human|real person|agent|advisor|adviser|speak to someone)\b", 3.0)],
    "greeting": [(r"^\s*(hi|hello|hiya|hey|good (morning|afternoon|evening))\b[\s!.,]*$", 4.0)],
    "thanks_goodbye": [(r"^\s*(thanks?|thank you|cheers|ta|bye|goodbye)\b.{0,25}$", 4.0)],
}

_COMPILED = {intent: [(re.compile(p, re.I), w) for p, w in cues] for intent, cues in _CUES.items()}
_NOTHING = 1.5


class KeywordIntentClassifier:
    async def classify(self, text: str) -> IntentPrediction:
        return self.classify_sync(text)

    def classify_sync(self, text: str) -> IntentPrediction:
        scores = {
            intent: sum(w for pattern, w in cues if pattern.search(text))
            for intent, cues in _COMPILED.items()
        }
        # Only intents with a cue compete with "nothing matched"; the rest would just dilute.
        scores = {k: v for k, v in scores.items() if v > 0}
        scores["out_of_scope"] = _NOTHING
        top = max(scores.values())
        exp = {k: math.exp(v - top) for k, v in scores.items()}
        total = sum(exp.values())
        ranked = sorted(((v / total, k) for k, v in exp.items()), key=lambda x: (-x[0], x[1]))
        best_score, best = ranked[0]
        return IntentPrediction(
            intent=best,
            confidence=round(best_score, 4),
            alternatives=[IntentScore(intent=k, score=round(s, 4)) for s, k in ranked[1:4]],
            source="keywords",
        )
