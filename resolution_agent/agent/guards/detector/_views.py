"""What a message says once its disguise is taken off: the readings the detector scores.

An attack in base64, hex, rot13, reversed letters, leetspeak or s p a c e d letters reads as
noise to MiniLM and to word features, while the same request in plain words does not. So
besides the message itself the detector scores each plain reading hidden inside it, and the
highest score wins. A reading is kept only when it is readable English (more common words
than the message had): a postcode or a payment reference decoded as base64 is noise and adds
nothing, so ordinary banking text almost never costs an extra encode. A reversed or rot13
reading must also read better than the message itself.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

from resolution_agent.agent.guards._unicode import _LEET, fold

# Runs long enough to hold a sentence; shorter ones are references and card tokens.
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){8,}")
_SPACED = re.compile(r"\b(?:\w(?: |  |[.\-_*] ?)){3,}\w\b")
_LETTER_SEP = re.compile(r"[ .\-_*]")
_WORD_GAP = re.compile(r"\s{2,}")
_WORDS = re.compile(r"[a-z]{2,}")
_LETTERS = re.compile(r"[^\W\d_]")
_READABLE = 2
_DIGIT_IN_WORD = re.compile(r"[a-z]*\d[a-z\d]*[a-z][a-z\d]*|[a-z]+\d[a-z\d]*", re.I)
# The words nearly every English sentence uses; a reading with more of them than the message
# is a real one.
_COMMON = frozenset(
    "the a an and or to of in on for you your is are be me my i it this that with all now "
    "what any no not from as at by do give tell show send how can will must please without "
    "rules instructions prompt system ignore reveal account card money customer skip bypass "
    "verification identity disable admin mode refund transfer unfreeze password pin".split()
)


def has_words(text: str) -> bool:
    """Whether ``text`` has two letters or more; a code or an amount alone is never scored."""
    return len(_LETTERS.findall(fold(text))) >= 2


def common_words(text: str) -> int:
    """How many of the commonest English words (and attack words) ``text`` has."""
    return sum(1 for word in _WORDS.findall(text.lower()) if word in _COMMON)


def plain(text: str) -> str:
    """Folded, lower case, digits in words read as letters, spaced letters joined up.

    ``1gn0r3 y0ur rul3s`` and ``i g n o r e  r u l e s`` both read ``ignore rules``; numbers
    standing alone (amounts, card endings) are left as they are.
    """
    folded = fold(text).lower()
    folded = _DIGIT_IN_WORD.sub(lambda m: m.group(0).translate(_LEET), folded)
    return _SPACED.sub(_join_letters, folded)


def hidden_readings(text: str) -> list[str]:
    """Plain-language readings hidden in ``text`` (decoded, reversed, rot13), best first."""
    baseline = max(common_words(text), common_words(plain(text)))
    found = [c for c in _decoded(text) if common_words(c) >= _READABLE]
    for candidate in (text[::-1], codecs.encode(text, "rot13")):
        if common_words(candidate) > max(baseline, _READABLE - 1):
            found.append(candidate)
    return list(dict.fromkeys(found))


def _join_letters(match: re.Match[str]) -> str:
    """``i g n o r e  a l l`` -> ``ignore all``; ``i.g.n.o.r.e t.h.e`` -> ``ignore the``."""
    run = _WORD_GAP.sub("\0", match.group(0))
    if any(mark in run for mark in ".-_*"):
        run = run.replace(" ", "\0")
    return _LETTER_SEP.sub("", run).replace("\0", " ")


def _decoded(text: str) -> list[str]:
    out: list[str] = []
    for match in _BASE64.finditer(text):
        chunk = match.group(0)
        try:
            raw = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
            out.append(raw.decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
    for match in _HEX.finditer(text):
        digits = re.sub(r"[\s:]", "", match.group(0))
        try:
            out.append(bytes.fromhex(digits[: len(digits) // 2 * 2]).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
    return out
