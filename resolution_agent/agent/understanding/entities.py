"""Entities in a message: amounts, dates, card last four digits, one-time codes, words.

Merchant and payee names are matched later against the customer's own records (see
``agent.planning.matching``), because only those names are worth recognising.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from resolution_agent.agent.state import Entities, Money

_AMOUNT = re.compile(
    r"(?P<sym>[£€$])\s?(?P<num>\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?P<k>k)?"
    r"|(?P<num2>\d+(?:\.\d{1,2})?)\s?(?P<unit>quid|pounds?|gbp|euros?|eur|p\b|pence)"
    r"|(?<![\w.])(?P<num3>\d{1,3}(?:\.\d{1,2})?)k\b",
    re.I,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(rf"\b{_DAY}(?: of)? {_MONTH}\b(?: (?P<year>20\d\d))?", re.I)
_MONTH_DAY = re.compile(
    rf"\b{_MONTH} (?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,? (?P<year>20\d\d))?", re.I
)
_NUMERIC = re.compile(r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)(?:/(?P<year>(?:20)?\d\d))?\b")
_ISO = re.compile(r"\b(?P<year>20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
#: "Thursday the 19th", "mon 16th": the day of the month says which Thursday
_THEN_ORDINAL = r"(?!,?\s+(?:the\s+)?[0-3]?\d(?:st|nd|rd|th)\b)"
_WEEKDAY = re.compile(
    r"\b(?P<last>last |this |on |since )?(?P<weekday>"
    + "|".join(_WEEKDAYS)
    + r")\b"
    + _THEN_ORDINAL,
    re.I,
)
#: "on the 12th", "since the 6th", "Thursday the 19th": a day of this month, or of the last
#: one when it is still to come (not "for the 5th time", nor "the 3rd of March", a calendar date)
_ORDINAL = re.compile(
    r"(?:\b(?:on|since|from|until|till|by)\s+(?:the\s+)?|\bthe\s+|"
    r"\b(?:" + "|".join(_WEEKDAYS) + r"|mon|tues?|weds?|thurs?|thu|fri|sat|sun),?\s+(?:the\s+)?)"
    r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b"
    r"(?!\s+(?:of\s+)?(?:time|attempt|try|go|one|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.I,
)
#: Weekdays typed short ("from weds", "on mon 16th"); "mon", "wed", "fri", "sat" and "sun" are
#: words too ("sat at home"), so those count only after "on", "last", "this" or "since".
_WEEKDAY_SHORT = re.compile(
    r"\b(?P<last>last |this |on |since )?(?P<short>tues?|weds|thurs?|thu)\b" + _THEN_ORDINAL + "|"
    r"\b(?P<last2>last |this |on |since )(?P<short2>mon|wed|fri|sat|sun)\b" + _THEN_ORDINAL,
    re.I,
)
_AGO = re.compile(
    r"\b(?P<n>\d{1,2}|a|one|two|three|four|five|six) (?P<unit>days?|weeks?) ago\b", re.I
)
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_LAST4 = re.compile(r"(?:ending|ends|end|last (?:four|4)(?: digits)?|card)\D{0,12}(\d{4})\b", re.I)
# Only "ending 7324", "ends in 7324", "last four 7324": a card named beyond doubt ("card for 1499"
# may be an amount, so ``_LAST4``'s wider net is no proof the customer named a card)
_ENDING = re.compile(r"\b(?:ending|ends|last (?:four|4)(?: digits)?)\D{0,8}(\d{4})\b", re.I)
# Four digits standing alone ("3344", "me own one, 3344"), never part of an amount ("£3344",
# "33.44") or a longer number: read as a card ending only against the customer's own cards
_FOUR_ALONE = re.compile(r"(?<![\d£$€.,:])\d{4}(?![\d]|[.,:]\d)")
#: Six digits, maybe split in two threes; never part of an amount ("1,234,567", "123456.78"),
#: though a comma or full stop may end the sentence after it ("ok 731640, thats what came").
_CODE = re.compile(r"(?<![\d£€$.,])(\d{3}[ -]?\d{3})(?!\d|[.,]\d)")
_WORD = re.compile(r"[a-z][a-z'&*]+")


def extract_entities(text: str, *, now: datetime) -> Entities:
    amounts: list[Money] = []
    for m in _AMOUNT.finditer(text):
        if m.group("num"):
            value = float(m.group("num").replace(",", ""))
            if m.group("k"):
                value *= 1000
            currency = {"£": "GBP", "€": "EUR", "$": "USD"}[m.group("sym")]
        elif m.group("num3"):
            value, currency = float(m.group("num3")) * 1000, "GBP"  # "1.2k": pounds, here
        else:
            value = float(m.group("num2"))
            unit = m.group("unit").lower()
            if unit in ("p", "pence"):
                value /= 100
            currency = "EUR" if unit.startswith("eur") else "GBP"
        amounts.append(Money(pence=round(value * 100), currency=currency, text=m.group(0)))
    lowered = text.lower()
    dates = [d.isoformat() for d in dict.fromkeys(_dates(lowered, now.date()))]
    last4 = list(dict.fromkeys(_LAST4.findall(text)))
    codes = [re.sub(r"\D", "", c) for c in _CODE.findall(text)]
    codes = [c for c in codes if c not in last4]
    words = _WORD.findall(lowered)
    return Entities(amounts=amounts, dates=dates, card_last4=last4, codes=codes, words=words)


def four_digits_alone(text: str) -> list[str]:
    """Each run of exactly four digits that is no amount, in order: a card's ending only when
    it matches one of the customer's cards (the caller checks), never a card named in general."""
    return _FOUR_ALONE.findall(text)


def card_endings_named(text: str) -> list[str]:
    """The last four digits of each card the text names as "ending ..." or "last four ..."."""
    return list(dict.fromkeys(_ENDING.findall(text)))


def _dates(text: str, today: date) -> list[date]:
    """Dates the customer means, in the order written, resolved against ``today``.

    A date without a year is the latest one not after today ("3rd March" in November is this
    year's; in February, last year's): customers write about what already happened. A bare
    weekday ("on Tuesday") is the latest such day up to today; "last Tuesday" is strictly
    before today.
    """
    found: list[tuple[int, date]] = []
    if "day before yesterday" in text:
        found.append((text.index("day before yesterday"), today - timedelta(days=2)))
    elif "yesterday" in text:
        found.append((text.index("yesterday"), today - timedelta(days=1)))
    if re.search(r"\btoday\b", text):
        found.append((text.index("today"), today))
    for m in _AGO.finditer(text):
        n = _SMALL.get(m["n"].lower()) or int(m["n"])
        days = n * (7 if m["unit"].lower().startswith("week") else 1)
        found.append((m.start(), today - timedelta(days=days)))
    for m in _WEEKDAY.finditer(text):
        back = (today.weekday() - _WEEKDAYS.index(m["weekday"].lower())) % 7
        if back == 0 and (m["last"] or "").strip() == "last":
            back = 7
        found.append((m.start(), today - timedelta(days=back)))
    for m in _WEEKDAY_SHORT.finditer(text):
        short = (m["short"] or m["short2"]).lower()
        index = next(i for i, day in enumerate(_WEEKDAYS) if day.startswith(short[:3]))
        back = (today.weekday() - index) % 7
        if back == 0 and (m["last"] or m["last2"] or "").strip() == "last":
            back = 7
        found.append((m.start(), today - timedelta(days=back)))
    for m in _ORDINAL.finditer(text):
        resolved = _day_of_month(int(m["day"]), today)
        if resolved is not None:
            found.append((m.start(), resolved))
    for pattern in (_DAY_MONTH, _MONTH_DAY, _NUMERIC, _ISO):
        for m in pattern.finditer(text):
            month = m["month"]
            number = int(month) if month.isdigit() else _month_number(month)
            resolved = _calendar_date(int(m["day"]), number, m["year"], today)
            if resolved is not None:
                found.append((m.start(), resolved))
    return [d for _, d in sorted(found, key=lambda item: item[0])]


def _month_number(name: str) -> int:
    return next(i for i, full in enumerate(_MONTHS, 1) if full.startswith(name[:3].lower()))


def _day_of_month(day: int, today: date) -> date | None:
    """The latest date with this day of the month, not after today."""
    month, year = today.month, today.year
    for _ in range(2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate <= today:
            return candidate
        month, year = (12, year - 1) if month == 1 else (month - 1, year)
    return None


def _calendar_date(day: int, month: int, year: str | None, today: date) -> date | None:
    if year is not None:
        full = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(full, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year, today.year - 1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February, or "31/11": not a date
        if candidate <= today:
            return candidate
    return None
