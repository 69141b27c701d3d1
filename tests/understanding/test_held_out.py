"""Sets we measure on stay out of the training utterances, so their figures mean something.

The non-banking messages measure out-of-scope on text the model never saw; the customer-words
conversations were written to be improved on without being trained on (their phrasings
taught, never their sentences). A training row equal to one of them makes the figure a test
of memory.
"""

from __future__ import annotations

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.understanding.classifier import read_labelled_csv, shipped_utterances
from resolution_agent.evals.loader import load_suite


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _trained() -> set[str]:
    return {_key(t) for t in read_labelled_csv(shipped_utterances(PROJECT_ROOT)).texts}


def test_no_held_out_non_banking_message_is_trained_on() -> None:
    held_out = read_labelled_csv(PROJECT_ROOT / "fixtures" / "intents" / "not_banking.csv")

    assert len(held_out.texts) >= 150
    assert not {_key(t) for t in held_out.texts} & _trained()


def test_no_customer_words_message_is_trained_on() -> None:
    scenarios = load_suite([PROJECT_ROOT / "fixtures" / "customer_words"])
    messages = {_key(m) for s in scenarios for m in s.customer_messages}

    assert len(scenarios) >= 120
    # One-word greetings ("hi", "morning") are every set's; a sentence of its own is not.
    assert not {m for m in messages & _trained() if len(m.split()) > 2}
