"""``check_id``: the whole string must be an id; ``$`` once let a trailing newline through."""

from __future__ import annotations

import pytest

from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.ids import check_id


@pytest.mark.parametrize(
    "value", ["cus_1001", "x", "conv-1.a:b", "A" * 128, "eval-0123456789abcdef"]
)
def test_a_well_formed_id_passes(value: str) -> None:
    check_id("customer_id", value)


@pytest.mark.parametrize(
    "value",
    [
        "x\n",
        "cus_1001\n",
        "x\r",
        "x\r\n",
        " x",
        "x ",
        "",
        "A" * 129,
        "\nx",
        "cus/1001",
    ],
    ids=repr,
)
def test_a_malformed_id_is_rejected_naming_the_argument(value: str) -> None:
    with pytest.raises(InvalidRequestError, match="customer_id must be 1-128 characters"):
        check_id("customer_id", value)


@pytest.mark.parametrize("value", [None, 1001, b"cus_1001"])
def test_an_id_that_is_not_a_string_is_rejected(value: object) -> None:
    with pytest.raises(InvalidRequestError):
        check_id("conversation_id", value)
