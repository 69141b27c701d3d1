"""Another customer's details found in a reply by value, not by shape.

A pattern cannot tell whose an account number or a name is. So a reply is checked against the
values themselves: those the bank's :class:`~resolution_agent.tools.directory.CustomerDirectory`
holds for customers other than the conversation's own, and those in this conversation's tool
results that belong to a record of another customer. A value is not foreign when it is also
the customer's own (a shared surname and first name), when this customer's own tool results
show it (a friend paid by name who also banks with us), or, for a name, when the customer
wrote it first. Numbers are compared on their digits however the reply writes them: spaced,
split into groups or spelled out in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from resolution_agent.agent.guards._secrets import digit_runs, joined_groups, spelled_out
from resolution_agent.agent.state import ConversationState
from resolution_agent.tools.directory import CustomerIdentifiers

# Fields of a record that identify a person, besides its ids.
_PERSON_FIELDS = ("name", "email", "phone", "account_number", "postcode")


def foreign_values(
    state: ConversationState, reply: str, directory: Sequence[CustomerIdentifiers]
) -> list[str]:
    """The values in ``reply`` that identify a customer other than ``state.customer_id``:
    each is named by its kind only ("name", "account number"), never by the value itself, so
    the reason recorded in the audit log carries no personal data."""
    own_texts = _own_result_texts(state)
    typed = " ".join(_plain(m.text) for m in state.transcript if m.role == "customer")
    typed += " " + _plain(state.incoming)
    own = [c for c in directory if c.customer_id == state.customer_id]
    others = [c for c in directory if c.customer_id != state.customer_id]
    own_values = {_plain(v) for c in own for v in _values(c)} | {
        _digits(v) for c in own for v in _values(c)
    }
    plain_reply = _plain(reply)
    numbers = _numbers_in(reply)
    found: list[str] = []

    def names(values: Iterable[str], kind: str) -> None:
        for value in values:
            plain = _plain(value)
            if (
                len(plain) >= 5
                and plain in plain_reply  # cheap first: most values are nowhere in the reply
                and plain not in own_values
                and _has_words(plain_reply, plain)
                and not _has_words(own_texts, plain)
                and not _has_words(typed, plain)
            ):
                found.append(kind)

    def digits(values: Iterable[str], kind: str, least: int) -> None:
        for value in values:
            number = _digits(value)
            if len(number) < least or number in own_values:
                continue
            if any(number in shown for shown in numbers):
                found.append(kind)

    for customer in others:
        names([customer.name], "name")
        names(customer.emails, "email address")
        names(customer.postcodes, "postcode")
        digits([_national(p) for p in customer.phones], "phone number", 9)
        digits(customer.account_numbers, "account number", 8)
        digits(customer.codes, "verification code", 6)
    for record in _foreign_records(_results(state), state.customer_id):
        names(_ids_of(record), "record id")
        names([str(record[f]) for f in _PERSON_FIELDS if isinstance(record.get(f), str)], "name")
    return sorted(set(found))


def _results(state: ConversationState) -> list[Any]:
    return [a.result.data for a in state.actions if a.ok and a.result.data is not None]


def _values(customer: CustomerIdentifiers) -> list[str]:
    return [
        customer.name,
        *customer.emails,
        *customer.postcodes,
        *(_national(p) for p in customer.phones),
        *customer.account_numbers,
        *customer.codes,
    ]


def _numbers_in(reply: str) -> set[str]:
    text = spelled_out(reply)
    return set(digit_runs(text)) | joined_groups(text)


def _national(phone: str) -> str:
    """A UK number without its country or trunk prefix: +44 7700 900037 is 7700900037."""
    digits = _digits(phone)
    return digits[2:] if digits.startswith("44") else digits.lstrip("0")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", spelled_out(value))


def _plain(text: str) -> str:
    """Lower case words of letters and digits, apostrophes dropped, single-spaced."""
    text = _POSSESSIVE.sub("", text.lower()).replace("'", "").replace("’", "")
    return " ".join(re.findall(r"[a-z0-9@._+-]+", text))


_POSSESSIVE = re.compile(r"['’]s\b")


def _has_words(text: str, words: str) -> bool:
    return re.search(rf"(?<![\w@.+-]){re.escape(words)}(?![\w@+-]|\.\w)", text) is not None


def _own_result_texts(state: ConversationState) -> str:
    """Every text value of this customer's own successful tool results, plain."""
    texts: list[str] = []
    for record in _records(_results(state)):
        owner = record.get("customer_id")
        if owner is None or owner == state.customer_id:
            texts.extend(_plain(v) for v in record.values() if isinstance(v, str))
    return " | ".join(texts)


def _foreign_records(data: Iterable[Any], customer_id: str) -> list[dict[str, Any]]:
    return [
        r
        for r in _records(data)
        if isinstance(r.get("customer_id"), str) and r["customer_id"] != customer_id
    ]


def _ids_of(record: dict[str, Any]) -> list[str]:
    return [v for k, v in record.items() if isinstance(v, str) and (k == "id" or k.endswith("_id"))]


def _records(data: Iterable[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in data:
        if isinstance(item, dict):
            found.append(item)
            found.extend(_records(item.values()))
        elif isinstance(item, list):
            found.extend(_records(item))
    return found
