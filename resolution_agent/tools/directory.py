"""What identifies each customer to the bank, for checking replies against by value.

A reply must never show another customer's details, and a pattern alone cannot tell whose an
account number or a name is. So the bank offers a :class:`CustomerDirectory`: the identifying
values it holds for every customer (names, emails, phone numbers, account numbers, postcodes,
verification codes). The output guard checks each reply against the ones that are not the
conversation's own customer's. The mock bank is one; a deployment on a real bank's API
provides its own (or none, and the guard falls back to what the conversation's tool results
hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class CustomerIdentifiers(BaseModel):
    """The values that identify one customer; none of them may reach another customer."""

    model_config = ConfigDict(frozen=True)

    customer_id: str
    name: str
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    account_numbers: list[str] = Field(default_factory=list)
    postcodes: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)


@runtime_checkable
class CustomerDirectory(Protocol):
    """Where the identifiers of every customer of the bank can be read."""

    def customer_identifiers(self) -> Sequence[CustomerIdentifiers]: ...


__all__ = ["CustomerDirectory", "CustomerIdentifiers"]
