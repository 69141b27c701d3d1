"""Understanding a customer message: intent, entities, risk signals, answers to our questions."""

from agent.understanding.base import IntentClassifier
from agent.understanding.confirm import read_confirmation
from agent.understanding.entities import extract_entities
from agent.understanding.keywords import KeywordIntentClassifier
from agent.understanding.signals import detect_signals

__all__ = [
    "IntentClassifier",
    "KeywordIntentClassifier",
    "detect_signals",
    "extract_entities",
    "read_confirmation",
]
