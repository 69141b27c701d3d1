"""Seeded misspellings of a message: the noise customers type, made reproducible.

Used twice, so both see the same kinds of noise: ``benchmarks/intent_robustness.py`` scores
the classifier on perturbed copies of our own evaluation texts, and training may add perturbed
copies of its utterances (``TrainConfig.typo_copies``) so the heads learn that "recieved",
"recived" and "recvd" are one word.

Kinds, each applied to a share of the words of a message (never to 1-2 letter words, where
one wrong letter makes another word):

- ``swap``: two neighbouring letters change places ("recieved");
- ``drop``: one letter goes missing ("recived");
- ``textspeak``: words written as people text them ("u", "pls", "2moro"), and the
  vowels of some longer words dropped ("pymnt");
- ``mixed``: each chosen word gets one of the three at random.

Every function is pure given its ``random.Random``: the same seed gives the same text.
"""

from __future__ import annotations

import random
import re
from typing import Literal

TypoKind = Literal["swap", "drop", "textspeak", "mixed"]
TYPO_KINDS: tuple[TypoKind, ...] = ("swap", "drop", "textspeak", "mixed")

_TEXTSPEAK = {
    "you": "u",
    "your": "ur",
    "you're": "ur",
    "are": "r",
    "please": "pls",
    "thanks": "thx",
    "thank": "thx",
    "to": "2",
    "too": "2",
    "for": "4",
    "before": "b4",
    "tomorrow": "2moro",
    "today": "2day",
    "tonight": "2nite",
    "night": "nite",
    "because": "cos",
    "what": "wat",
    "why": "y",
    "see": "c",
    "okay": "ok",
    "people": "ppl",
    "message": "msg",
    "account": "acc",
    "minutes": "mins",
    "really": "rly",
    "received": "recvd",
    "with": "w/",
    "without": "w/o",
    "about": "abt",
    "don't": "dont",
    "can't": "cant",
    "i'm": "im",
    "i've": "ive",
    "haven't": "havent",
    "doesn't": "doesnt",
}
_WORD = re.compile(r"[A-Za-z']+")
_VOWELS = re.compile(r"(?<=\w)[aeiou](?=\w)")


def perturb(text: str, kind: TypoKind, rng: random.Random, rate: float = 0.3) -> str:
    """``text`` with about ``rate`` of its words misspelt the ``kind`` way."""
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1, got {rate}")

    def change(match: re.Match[str]) -> str:
        word = match.group(0)
        if rng.random() >= rate:
            return word
        chosen: TypoKind = rng.choice(("swap", "drop", "textspeak")) if kind == "mixed" else kind
        return _change_word(word, chosen, rng)

    return _WORD.sub(change, text)


def _change_word(word: str, kind: TypoKind, rng: random.Random) -> str:
    if kind == "textspeak":
        short = _TEXTSPEAK.get(word.lower())
        if short is not None:
            return short
        return _VOWELS.sub("", word) if len(word) >= 6 else word
    if len(word) < 3:
        return word
    # Keep the first letter: people rarely get it wrong, and it keeps the word findable.
    i = rng.randrange(1, len(word) - 1) if kind == "swap" else rng.randrange(1, len(word))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


__all__ = ["TYPO_KINDS", "TypoKind", "perturb"]
