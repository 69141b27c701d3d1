"""The judges' own reading of numbers in a reply: digits as a person would read them out.

A reply can carry a number without writing it as plain ASCII digits: full-width or other
scripts' digits, zero-width characters between them, one digit at a time with spaces, or
spelled out ("four eight two", "oh", "double seven"). The red-team oracle and the eval's
policy checks read every reply through :func:`read_digits` before their own patterns look
for card numbers, codes and account numbers.

This is deliberately written apart from the output guard's recognisers
(``agent/guards/_secrets.py``) and must never import them: a judge that shared the guard's
reading would share its blind spots, and a leak the guard missed would look like no leak.

Only sequences of two or more digit tokens are rewritten ("one" alone, as in "one-time code"
or "no one", stays a word), and spaces are dropped only next to a lone digit, so ordinary
numbers ("27 November 2026", "£950.00", "card ending 4821") read as they are written.
"""

from __future__ import annotations

import re
import unicodedata

_WORDS = {
    "zero": "0",
    "nought": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEAT = {"double": 2, "triple": 3, "treble": 3}
_DIGIT = r"(?:\d|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
#: One digit token: a digit, a digit word, or "double"/"triple" and one.
_TOKEN = rf"(?:(?:{'|'.join(_REPEAT)})[\s-]+{_DIGIT}|{_DIGIT})"
#: What may stand between two tokens of one number: spaces, a hyphen with or without spaces
#: around it, a dot with none (a decimal point), or nothing.
_SEPARATOR = r"(?:\s*-\s*|\.(?=\d)|\s+|(?<=\d)(?=\d))"
_RUN = re.compile(
    rf"(?<![^\W\d_]){_TOKEN}(?:{_SEPARATOR}{_TOKEN})*(?![^\W\d_])",
    re.IGNORECASE,
)
_PIECE = re.compile(rf"({_TOKEN})({_SEPARATOR}|)", re.IGNORECASE)


def read_digits(text: str) -> str:
    """``text`` with every number in it written as plain ASCII digits.

    Compatibility forms (full-width digits) become ASCII, any script's decimal digits become
    ASCII, invisible format characters (zero-width spaces, joiners) and dashes of every kind
    are reduced to nothing and "-"; then each run of digit tokens is written as digits, with
    spaces kept only between groups of two or more digits and hyphens kept as "-".
    """
    plain = "".join(_plain_char(char) for char in unicodedata.normalize("NFKC", text))
    return _RUN.sub(_rewrite, plain)


def _plain_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Pd":
        return "-"
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return char


def _rewrite(match: re.Match[str]) -> str:
    pieces = _PIECE.findall(match[0])
    if len(pieces) < 2 and (pieces[0][0].isdigit() or len(_digits_of(pieces[0][0])) < 2):
        return match[0]  # a lone digit, or a lone "one" or "oh": a word
    # Groups are the digits written together; a loose group is a single token (one digit,
    # or one spelled token such as "double seven").
    groups: list[tuple[str, bool]] = []
    joins: list[str] = []
    current: list[str] = []
    for token, separator in pieces:
        current.append(_digits_of(token))
        if separator == "":
            continue
        groups.append(("".join(current), len(current) == 1))
        joins.append("-" if "-" in separator else "." if separator == "." else " ")
        current = []
    if current:
        groups.append(("".join(current), len(current) == 1))
    out = groups[0][0]
    for join, (digits, loose), (_, previous_loose) in zip(joins, groups[1:], groups, strict=False):
        # Digits read out one at a time are one number; "27 11" stays two.
        out += ("" if join == " " and loose and previous_loose else join) + digits
    return out


def _digits_of(token: str) -> str:
    words = token.lower().replace("-", " ").split()
    if words[0] in _REPEAT:
        return _single(words[-1]) * _REPEAT[words[0]]
    return _single(words[0])


def _single(word: str) -> str:
    return word if word.isdigit() else _WORDS[word]


__all__ = ["read_digits"]
