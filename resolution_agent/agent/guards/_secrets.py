"""Recognisers for what a reply must never show: card numbers, account numbers, secrets.

Kept apart from the output guard's rule order so each recogniser can be read (and tested) on
its own. Every recogniser works on text a reply could really carry, including digits written
with spaces, dots or dashes between them and full-width digits (Python's ``\\d`` matches every
Unicode decimal digit, and ``int`` reads them), digits spelled out in words ("four five three
nine", "double seven") and a number split into groups across a sentence ("4539 1488, then
0343 6467").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ .\-]?){12,18}\d(?!\d)")
# A number standing alone: no digit touches it, directly or across one space or dash, so a
# group of a longer spaced number ("1234 5678 9012 3456") is not taken for one on its own.
_ALONE_BEFORE = r"(?<!\d)(?<!\d[ -])"
_ALONE_AFTER = r"(?!\d)(?![ -]\d)"
# An account number (eight digits, also written 4-4) and a sort code (six digits, also 2-2-2),
# however a model spaces them: "1234 5678 at sort code 04 00 75", "040075 / 12345678".
_ACCOUNT_NUMBER = re.compile(rf"{_ALONE_BEFORE}\d{{4}}[ -]?\d{{4}}{_ALONE_AFTER}")
_SORT_CODE = re.compile(rf"{_ALONE_BEFORE}\d{{2}}[ -]?\d{{2}}[ -]?\d{{2}}{_ALONE_AFTER}")
_NAMED_ACCOUNT = re.compile(
    r"\baccount (?:number|no\.?)\W{0,12}(?:is\W{0,4})?\d{4}[ -]?\d{4}(?!\d)", re.I
)
# Digits that are safe to show and that would otherwise sit near a secret word: the last four
# digits of a card, dates and amounts.
_HARMLESS = re.compile(
    r"\b(?:ending(?: in)?|ends(?: in| with)?|last (?:four|4)(?: digits)?(?: are| of)?)\W{0,4}"
    r"\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|[£€$]\s?\d[\d,]*(?:\.\d{1,2})?",
    re.I,
)
_CODE_LIKE = re.compile(r"(?<!\d)(\d{3}[ -]?\d{3}|\d{5,8})(?!\d)")
_SPACED_DIGITS = re.compile(r"\d(?:[ -]?\d)*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?:\+44\s?\(?0?\)?\s?|(?<![\d£€$.,])0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"
)
_URL_HOST = re.compile(r"\b(?:https?|hxxps?|ftp)://([^/\s)\]>\"']+)", re.I)
_WWW_HOST = re.compile(r"(?<![\w.])(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+)", re.I)
BARE_HOST = re.compile(
    r"(?<![\w@./-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|io|co\.uk|uk|info|"
    r"biz|xyz|ru|top|online|site|ly|cc|tk))(?![\w-])",
    re.I,
)
RECORD_ID = re.compile(r"\b(?:cus|acc|card|txn|pay|dd|dsp)_[A-Za-z0-9_]+\b")


def luhn_ok(digits: str) -> bool:
    """The card-number checksum (ISO/IEC 7812): true for a plausible full card number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def card_numbers(text: str) -> list[str]:
    """13-19 digit runs (spaces, dots, dashes allowed between digits) that pass Luhn."""
    found = []
    for match in _CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            found.append(digits)
    return found


def shows_account_number(text: str) -> bool:
    """A sort code together with an account number, in any spacing, or an account number named.

    Amounts and dates are set aside first; the account number is looked for before the sort
    code, so six of its eight digits are never read as the sort code.
    """
    if _NAMED_ACCOUNT.search(text):
        return True
    plain = _HARMLESS.sub(" ", text)
    if not _ACCOUNT_NUMBER.search(plain):
        return False
    return bool(_SORT_CODE.search(_ACCOUNT_NUMBER.sub(" ", plain)))


def secret_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A secret word followed, in the same clause, by a three to eight digit number."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s-]") for w in words)
    clause = r"[^\d\n.!?;]{0,30}?"
    return re.compile(rf"\b(?:{alternatives})\b{clause}\d(?:[ -]?\d){{2,7}}(?!\d)", re.I)


def disclosed_secret(text: str, pattern: re.Pattern[str]) -> str | None:
    """The secret word a reply discloses a number for, once harmless digits are set aside."""
    match = pattern.search(_HARMLESS.sub(" ", text))
    return match.group(0).split()[0] if match else None


def echoed_codes(reply: str, customer_texts: Iterable[str]) -> bool:
    """Whether the reply repeats a code-like number (5-8 digits) the customer typed.

    The reply's digits count however they are spaced ("7 3 1 6 4 0" repeats 731640) or split
    ("731, then 640").
    """
    typed = {re.sub(r"\D", "", m) for t in customer_texts for m in _CODE_LIKE.findall(t)}
    shown = set(digit_runs(reply)) | joined_groups(reply)
    return bool(typed & shown)


def digit_runs(text: str) -> list[str]:
    """Each number in ``text`` as its digits, single spaces or dashes inside read through:
    "731 640" and "7-3-1-6-4-0" are both 731640."""
    return [re.sub(r"\D", "", m) for m in _SPACED_DIGITS.findall(text)]


def link_start(text: str) -> int | None:
    """Where the first full URL or ``www.`` name in ``text`` starts, if there is one."""
    starts = [m.start() for m in (_URL_HOST.search(text), _WWW_HOST.search(text)) if m]
    return min(starts) if starts else None


def contact_details(text: str) -> list[str]:
    """Email addresses and UK phone numbers: personal data a reply has no reason to carry."""
    return [m.group(0) for m in _EMAIL.finditer(text)] + [m.group(0) for m in _PHONE.finditer(text)]


def link_hosts(text: str) -> list[str]:
    """Every host a reply points at: full URLs, ``www.`` names and bare domain names."""
    without_emails = _EMAIL.sub(" ", text)
    hosts = [h.split("@")[-1].split(":")[0] for h in _URL_HOST.findall(without_emails)]
    stripped = _URL_HOST.sub(" ", without_emails)
    hosts.extend(_WWW_HOST.findall(stripped))
    stripped = _WWW_HOST.sub(" ", stripped)
    hosts.extend(BARE_HOST.findall(stripped))
    return [h.lower().rstrip(".") for h in hosts]


_DIGIT_WORDS = {
    "zero": "0",
    "nought": "0",
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
# "oh" is a zero only between digits ("four oh four"); "double"/"triple" repeat the next digit.
_DIGIT_WORD = "|".join(_DIGIT_WORDS)
_SPELLED_ITEM = rf"(?:(?:double|triple)[ -])?(?:{_DIGIT_WORD}|\d)"
_SPELLED_RUN = re.compile(
    rf"\b{_SPELLED_ITEM}(?:(?:[ ,-]+|[ ,-]+oh[ ,-]+){_SPELLED_ITEM}\b)+", re.I
)
# Groups of a split number: three or more digits standing alone.
_GROUP = re.compile(r"(?<![\d.,£€$])\d{3,}(?![\d]|[.,]\d)")


def spelled_out(text: str) -> str:
    """``text`` with every run of two or more digits spelled in words written as digits:
    "my PIN is four five three nine" becomes "my PIN is 4539", so the digit recognisers read
    it. A single number word ("one card") is left alone."""
    return _SPELLED_RUN.sub(lambda m: _digits_of(m.group(0)), text)


def spelled_digit_runs(text: str) -> list[str]:
    """The numbers ``text`` spells out digit by digit in words ("one two three four")."""
    return [_digits_of(m.group(0)) for m in _SPELLED_RUN.finditer(text)]


def _digits_of(run: str) -> str:
    digits, repeat = [], 1
    for word in re.findall(r"[a-z]+|\d", run.lower()):
        if word in ("double", "triple"):
            repeat = 2 if word == "double" else 3
            continue
        digits.append(("0" if word == "oh" else _DIGIT_WORDS.get(word, word)) * repeat)
        repeat = 1
    return "".join(digits)


def joined_groups(text: str, *, max_groups: int = 5) -> set[str]:
    """Every number made by joining consecutive digit groups of ``text`` in order, whatever
    stands between them: "4539 1488 and then 0343 6467" holds 4539148803436467. Amounts, dates
    and last four digits are set aside first, so they do not join a number."""
    groups = [m.group(0) for m in _GROUP.finditer(_HARMLESS.sub(" ", text))]
    joined = set()
    for start in range(len(groups)):
        for end in range(start + 2, min(len(groups), start + max_groups) + 1):
            joined.add("".join(groups[start:end]))
    return joined


def split_card_numbers(text: str) -> list[str]:
    """Card numbers given in groups split across the text: three or more consecutive groups
    of four to six digits (as cards are printed: 4-4-4-4, 4-6-5) making 15 or 16 digits that
    pass Luhn. Shorter groups or other lengths would join amounts and references into a
    number that passes Luhn one time in ten."""
    # "ends 0343 6467" is no last four digits here: only amounts are set aside.
    groups = [m.group(0) for m in _GROUP.finditer(text)]
    found = []
    for start in range(len(groups)):
        for end in range(start + 3, min(len(groups), start + 4) + 1):
            part = groups[start:end]
            number = "".join(part)
            if all(4 <= len(g) <= 6 for g in part) and len(number) in (15, 16) and luhn_ok(number):
                found.append(number)
    return sorted(set(found))
