"""Understanding a customer message: intent, entities, risk signals, answers to our questions.

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution_agent.agent.lazy import lazy_names

if TYPE_CHECKING:
    from resolution_agent.agent.understanding.base import IntentClassifier
    from resolution_agent.agent.understanding.confirm import read_confirmation
    from resolution_agent.agent.understanding.entities import extract_entities
    from resolution_agent.agent.understanding.keywords import KeywordIntentClassifier
    from resolution_agent.agent.understanding.neither import read_neither
    from resolution_agent.agent.understanding.signals import detect_signals

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "IntentClassifier": ("resolution_agent.agent.understanding.base", "IntentClassifier"),
    "read_confirmation": ("resolution_agent.agent.understanding.confirm", "read_confirmation"),
    "extract_entities": ("resolution_agent.agent.understanding.entities", "extract_entities"),
    "KeywordIntentClassifier": (
        "resolution_agent.agent.understanding.keywords",
        "KeywordIntentClassifier",
    ),
    "detect_signals": ("resolution_agent.agent.understanding.signals", "detect_signals"),
    "read_neither": ("resolution_agent.agent.understanding.neither", "read_neither"),
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())


__all__ = [
    "IntentClassifier",
    "KeywordIntentClassifier",
    "detect_signals",
    "extract_entities",
    "read_confirmation",
    "read_neither",
]
