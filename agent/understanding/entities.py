"""Entities in a message: amounts, dates, card last four digits, one-time codes, words.

Merchant and payee names are matched later against the customer's own records (see
``agent.planning.matching``), because only those names are worth recognising.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from agent.state import Entities, Money

_AMOUNT = re.compile(
    r"(?P<sym>[£€$])\s?(?P<num>\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?P<k>k)?"
    r"|(?P<num2>\d+(?:\.\d{1,2})?)\s?(?P<unit>quid|pounds?|gbp|euros?|eur|p\b|pence)",
    re.I,
)
_LAST4 = re.compile(r"(?:ending|ends|end|last (?:four|4)(?: digits)?|card)\D{0,12}(\d{4})\b", re.I)
_CODE = re.compile(r"(?<![\d£€$.,])(\d{3}[ -]?\d{3})(?![\d.,])")
_WORD = re.compile(r"[a-z][a-z'&*]+")


def extract_entities(text: str, *, now: datetime) -> Entities:
    amounts: list[Money] = []
    for m in _AMOUNT.finditer(text):
        if m.group("num"):
            value = float(m.group("num").replace(",", ""))
            if m.group("k"):
                value *= 1000
            currency = {"£": "GBP", "€": "EUR", "$": "USD"}[m.group("sym")]
        else:
            value = float(m.group("num2"))
            unit = m.group("unit").lower()
            if unit in ("p", "pence"):
                value /= 100
            currency = "EUR" if unit.startswith("eur") else "GBP"
        amounts.append(Money(pence=round(value * 100), currency=currency, text=m.group(0)))
    dates: list[str] = []
    lowered = text.lower()
    if "yesterday" in lowered:
        dates.append((now - timedelta(days=1)).date().isoformat())
    if "today" in lowered:
        dates.append(now.date().isoformat())
    last4 = list(dict.fromkeys(_LAST4.findall(text)))
    codes = [re.sub(r"\D", "", c) for c in _CODE.findall(text)]
    codes = [c for c in codes if c not in last4]
    words = _WORD.findall(lowered)
    return Entities(amounts=amounts, dates=dates, card_last4=last4, codes=codes, words=words)
