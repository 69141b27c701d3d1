"""A request's direction, where the classifier blurs it: "freeze it" never means unfreezing.

Freezing and unfreezing a card share every word but two letters, so the classifier can rank a
lost card's "fell out in the car park, freeze it pls" just ahead of ``unfreeze_card`` (0.54 to
0.46), and the customer is asked which they meant. A message that asks for its card to be
frozen, locked or blocked, and never unfrozen, unlocked or switched back on, cannot be asking
to unfreeze it: that reading is dropped and the others share its weight.
"""

from __future__ import annotations

import re

from resolution_agent.agent.state import IntentPrediction, IntentScore

_UNFREEZE = "unfreeze_card"

# "freeze it pls", "lock my card", "block the card ending 7304", "can you freeze it"
_ASKS_FREEZE = re.compile(
    r"\b(?:freeze|lock|block)\s+(?:it|my|the|this|that|me|both|all)\b",
    re.I,
)
# "unfreeze", "unlock me card", "turn it back on", "switch my card back on", "unblock"
_ASKS_UNFREEZE = re.compile(
    r"\bun-?(?:freeze|froze|frozen|lock|block)|\b(?:turn|switch|put)\b.{0,20}\bback on\b|"
    r"\b(?:defrost|reactivate|re-?enable)\b",
    re.I,
)


def asks_to_freeze(text: str) -> bool:
    """Whether the message asks for a card to be frozen and never for one to be unfrozen."""
    return _ASKS_FREEZE.search(text) is not None and _ASKS_UNFREEZE.search(text) is None


def steer(prediction: IntentPrediction, text: str) -> IntentPrediction:
    """``prediction`` without the unfreezing reading when ``text`` asks to freeze.

    The remaining scores are renormalised, as the classifier would have ranked them had
    unfreezing not been a choice; the prediction is unchanged otherwise.
    """
    ranked = [IntentScore(intent=prediction.intent, score=prediction.confidence)]
    ranked += prediction.alternatives
    dropped = sum(r.score for r in ranked if r.intent == _UNFREEZE)
    if dropped == 0 or dropped >= 1 or not asks_to_freeze(text):
        return prediction
    kept = [
        IntentScore(intent=r.intent, score=r.score / (1 - dropped))
        for r in ranked
        if r.intent != _UNFREEZE
    ]
    if not kept:
        return prediction
    return prediction.model_copy(
        update={"intent": kept[0].intent, "confidence": kept[0].score, "alternatives": kept[1:]}
    )
