"""Unicode tricks folded away before any pattern looks at text.

Attackers hide instructions from keyword checks with characters a reader never notices:
zero-width and bidirectional marks inside words, Unicode *tag* characters (an invisible copy
of ASCII, U+E0020-U+E007E), full-width or mathematical letters (NFKC folds those), and Latin
look-alikes from the Cyrillic and Greek alphabets (NFKC keeps those, so a small confusables
table folds them). ``fold`` gives the text a pattern should see; ``hidden_text`` recovers what
tag characters spell, so an instruction hidden that way is scanned as well.
"""

from __future__ import annotations

import re
import unicodedata

#: Zero-width, joiners, bidi controls and isolates, soft hyphen, variation selectors, fillers
#: and the whole tag block: nothing a customer types on purpose, all usable to split a word.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]"
)
_TAGS = re.compile("[\U000e0020-\U000e007e]+")

# Letters that render like Latin ones, from Unicode's confusables list (the ones that matter
# for English words); NFKC leaves them alone because they are different letters.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "ɡ": "g",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "Ѕ": "S",
        "І": "I",
        "Ј": "J",
        # Greek
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
        # Latin letters from other blocks that NFKC keeps
        "ı": "i",
        "ȷ": "j",
        "ǀ": "l",
        "ʟ": "l",
        "ɪ": "i",
        "ᴀ": "a",
        "ᴇ": "e",
        "ᴏ": "o",
    }
)
# Digits and symbols used as letters ("1gn0re a11 rul3s"): only for the compact skeleton.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_NON_LETTERS = re.compile(r"[^a-z]+")


def fold(text: str) -> str:
    """NFKC, without invisible characters, with Cyrillic and Greek look-alikes made Latin."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_CONFUSABLES)


def hidden_text(text: str) -> str:
    """What Unicode tag characters in ``text`` spell (empty when there are none)."""
    return " ".join(
        "".join(chr(ord(ch) - 0xE0000) for ch in run.group(0)) for run in _TAGS.finditer(text)
    )


def skeleton(text: str) -> str:
    """Letters only, lower case, digits read as letters: ``I.g.n.0.r.e`` becomes ``ignore``."""
    return _NON_LETTERS.sub("", fold(text).lower().translate(_LEET))


def has_invisible(text: str) -> bool:
    return INVISIBLE.search(text) is not None
