"""The model-written handoff narrative, checked against the summary's facts before a COp sees it.

The structured :class:`~agent.handoff_model.HandoffSummary` is faithful by construction: it is
built from the executed-action records, the rules that fired and the customer's own words. A
narrative written by a model is not, so :func:`check_narrative` holds every claim it can
recognise against those facts and the narrative is kept only when nothing is unbacked:

- **actions**: a tool name must be one that ran (or is waiting, in the open items); a verb
  that says something was done ("froze", "cancelled", "raised a dispute") needs a tool that
  succeeded; one said not to be done ("was not frozen") must not have succeeded, nor be of
  unknown outcome (the bank may have done it: neither claim is backed). A refund,
  reimbursement or credit is never backed: no tool can give one.
- **amounts**: every sum of money (``£45``, ``45.00 GBP``, ``4500 pence``, ``€10``) must be
  one the customer wrote or an action's amount argument.
- **dates**: every date (ISO, ``03/11``, ``3 March``, a weekday, "yesterday", "last week")
  must be one the customer wrote, an action's date argument, or a day of the conversation.

It errs on the side of dropping: a dropped narrative costs the COp nothing (the structured
summary is still there), an invented refund in front of a COp costs a lot. The function is
pure (no I/O, no logging, no clock); the caller logs why a narrative was dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from resolution_agent.agent.claims import CLAIMS, NEGATION
from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.tools.declarations import TOOLS_BY_NAME

__all__ = ["NarrativeVerdict", "amounts_in", "check_narrative", "dates_in"]

#: Longest narrative kept; anything longer is not "short" and is dropped, not cut.
MAX_NARRATIVE_CHARS = 800


@dataclass(frozen=True, slots=True)
class NarrativeVerdict:
    """Whether a narrative may be shown, and every unbacked claim found when it may not."""

    kept: bool
    problems: tuple[str, ...] = ()


# --- actions ---------------------------------------------------------------------------------

_TOOL_NAMES = re.compile(r"\b(" + "|".join(sorted(TOOLS_BY_NAME, key=len, reverse=True)) + r")\b")


def _action_problems(text: str, summary: HandoffSummary) -> list[str]:
    succeeded = {a.tool for a in summary.actions if a.outcome == "succeeded"}
    unknown = {a.tool for a in summary.actions if a.outcome == "unknown"}
    mentioned_ok = {a.tool for a in summary.actions} | {
        m.group(1) for item in summary.open_items for m in _TOOL_NAMES.finditer(item)
    }
    problems: list[str] = []
    for m in _TOOL_NAMES.finditer(text):
        if m.group(1) not in mentioned_ok:
            problems.append(f"names tool {m.group(1)}, which did not run")
    for claim in CLAIMS:
        label, tools = claim.label, claim.tools
        for m in claim.pattern.finditer(text):
            negated = NEGATION.search(text[max(0, m.start() - 30) : m.start()]) is not None
            backed = bool(tools & succeeded)
            if negated and backed:
                ran = ", ".join(sorted(tools & succeeded))
                problems.append(f"says not {label!r}, but {ran} ran")
            elif negated and tools & unknown:
                which = ", ".join(sorted(tools & unknown))
                problems.append(f"says not {label!r}, but the outcome of {which} is unknown")
            elif not negated and not backed:
                which = ", ".join(sorted(tools)) if tools else "no tool can do that"
                problems.append(f"claims {m.group(0)!r} ({which}), which the actions do not show")
    return problems


# --- amounts ---------------------------------------------------------------------------------

_SYMBOL = {"£": "GBP", "€": "EUR", "$": "USD"}
_UNIT = {
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "p": "GBP",
    "pence": "GBP",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?P<sym>[£€$])\s?(?P<n1>{_NUMBER})(?P<k>k\b)?"
    rf"|\b(?P<code>gbp|eur|usd)\s?(?P<n2>{_NUMBER})"
    rf"|(?<![\w.])(?P<n3>{_NUMBER})\s?"
    r"(?P<unit>gbp|pounds?|quid|pence|p(?!\.?m\b)|eur|euros?|usd|dollars?)\b",
    re.I,
)
_PENCE_ARG = re.compile(r"\b(\w*amount\w*|\w+_pence)=(\d+)\b")


def amounts_in(text: str) -> set[tuple[int, str]]:
    """Every sum of money in ``text`` as (minor units, currency)."""
    found: set[tuple[int, str]] = set()
    for m in _AMOUNT.finditer(text):
        if m.group("n1"):
            value = float(m.group("n1").replace(",", "")) * (1000 if m.group("k") else 1)
            currency = _SYMBOL[m.group("sym")]
        elif m.group("n2"):
            value = float(m.group("n2").replace(",", ""))
            currency = m.group("code").upper()
        else:
            value = float(m.group("n3").replace(",", ""))
            unit = m.group("unit").lower()
            currency = _UNIT[unit]
            if unit in ("p", "pence"):
                value /= 100
        found.add((round(value * 100), currency))
    return found


def _amount_problems(text: str, summary: HandoffSummary) -> list[str]:
    known: set[tuple[int, str]] = set()
    for line in summary.transcript:
        if line.role == "customer":
            known |= amounts_in(line.text)
    for action in summary.actions:
        known |= {(int(v), "GBP") for _, v in _PENCE_ARG.findall(action.summary)}
    return [
        f"mentions {_money(pence, currency)}, which neither the customer nor an action holds"
        for pence, currency in sorted(amounts_in(text) - known)
    ]


def _money(pence: int, currency: str) -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}[currency]
    return f"{symbol}{pence / 100:,.2f}"


# --- dates -----------------------------------------------------------------------------------

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\b"
    rf"|\b(?P<dd>\d{{1,2}})/(?P<mm>\d{{1,2}})(?:/(?P<yy>\d{{2}}|\d{{4}}))?\b"
    rf"|\b(?P<d1>\d{{1,2}}){_ORD}(?:\s+of)?\s+(?P<m1>{_MONTH})\.?(?:,?\s+(?P<y1>\d{{4}}))?\b"
    rf"|\b(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}}){_ORD}(?:,?\s+(?P<y2>\d{{4}}))?\b"
    rf"|\b(?P<wd>{'|'.join(_WEEKDAYS)})\b"
    r"|\b(?P<rel>yesterday|today|tonight|tomorrow)\b"
    r"|\b(?P<ago>\d{1,2}|a|one|two|three|four|five|six|seven) days? ago\b"
    r"|\b(?P<vague>(?:last|this|next) (?:week|month|year|weekend)|(?:a )?few days ago"
    r"|(?:earlier|later) this (?:week|month))\b",
    re.I,
)
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def dates_in(text: str, *, reference: date) -> set[str]:
    """Every date in ``text``: an ISO day when it can be pinned down relative to ``reference``
    (the day the text was written), else the phrase itself ("last week")."""
    found: set[str] = set()
    for m in _DATE.finditer(text):
        day = _pin(m, reference)
        if day is not None:
            found.add(day.isoformat())
        elif m.group("vague"):
            found.add(" ".join(m.group("vague").lower().split()))
        else:  # a date-shaped string that is not a real day (31/02): unbacked unless repeated
            found.add(m.group(0).lower())
    return found


def _pin(m: re.Match[str], reference: date) -> date | None:
    try:
        if m.group("iso"):
            return date.fromisoformat(m.group("iso"))
        if m.group("dd"):
            return _day(reference, int(m.group("mm")), int(m.group("dd")), m.group("yy"))
        if m.group("d1"):
            month = _MONTHS[m.group("m1").lower()]
            return _day(reference, month, int(m.group("d1")), m.group("y1"))
        if m.group("m2"):
            month = _MONTHS[m.group("m2").lower()]
            return _day(reference, month, int(m.group("d2")), m.group("y2"))
    except ValueError:
        return None
    if m.group("wd"):
        back = (reference.weekday() - _WEEKDAYS.index(m.group("wd").lower())) % 7
        return reference - timedelta(days=back)
    if m.group("rel"):
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
        return reference + timedelta(days=shift[m.group("rel").lower()])
    if m.group("ago"):
        count = m.group("ago").lower()
        return reference - timedelta(days=int(count) if count.isdigit() else _SMALL[count])
    return None


def _day(reference: date, month: int, day: int, year: str | None) -> date:
    """A day of the month; without a year, the latest such day not after ``reference``."""
    if year is not None:
        return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    candidate = date(reference.year, month, day)
    return candidate if candidate <= reference else date(reference.year - 1, month, day)


def _date_problems(text: str, summary: HandoffSummary, now: datetime) -> list[str]:
    known: set[str] = set(summary.entities.dates)
    for line in summary.transcript:
        known.add(line.at.date().isoformat())  # the conversation happened on these days
        if line.role == "customer":
            known |= dates_in(line.text, reference=line.at.date())
    for action in summary.actions:
        known |= dates_in(action.summary, reference=now.date())
    return [
        f"mentions the date {day}, which neither the customer nor an action holds"
        for day in sorted(dates_in(text, reference=now.date()) - known)
    ]


# --- the check -------------------------------------------------------------------------------


def check_narrative(text: str, summary: HandoffSummary, *, now: datetime) -> NarrativeVerdict:
    """Keep ``text`` only when every action, amount and date it mentions is in ``summary``.

    ``now`` is when the narrative was written, to pin down "yesterday" or "Monday".
    """
    clean = " ".join(text.split())
    if not clean:
        return NarrativeVerdict(kept=False, problems=("the narrative is empty",))
    if len(clean) > MAX_NARRATIVE_CHARS:
        return NarrativeVerdict(
            kept=False, problems=(f"longer than {MAX_NARRATIVE_CHARS} characters",)
        )
    problems = [
        *_action_problems(clean, summary),
        *_amount_problems(clean, summary),
        *_date_problems(clean, summary, now),
    ]
    return NarrativeVerdict(kept=not problems, problems=tuple(problems))
