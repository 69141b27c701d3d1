"""The learned injection detector: the input guard's second signal, beside the rules.

Rules (``guards.input``) catch the wordings someone wrote down; this catches the style of an
attack in words nobody listed: personas, "forget the above", fake system messages, story
framing, encoded or translated orders, payloads split over turns, requests for the setup.
Importing it is cheap; MiniLM is opened and the model trained or read on first use.
"""

from resolution_agent.agent.guards.detector._data import (
    SPLIT_WINDOW,
    STYLES,
    TURN_SEPARATOR,
    AttackRow,
    BenignRow,
    Style,
    candidates,
    read_attacks,
    read_hard_benign,
    utterances,
)
from resolution_agent.agent.guards.detector._detector import InjectionDetector
from resolution_agent.agent.guards.detector._model import DetectorConfig, DetectorModel
from resolution_agent.agent.guards.detector._opening import open_injection_detector, wants_detector

__all__ = [
    "SPLIT_WINDOW",
    "STYLES",
    "TURN_SEPARATOR",
    "AttackRow",
    "BenignRow",
    "DetectorConfig",
    "DetectorModel",
    "InjectionDetector",
    "Style",
    "candidates",
    "open_injection_detector",
    "read_attacks",
    "read_hard_benign",
    "utterances",
    "wants_detector",
]
