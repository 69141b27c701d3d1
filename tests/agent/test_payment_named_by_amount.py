"""While a dispute waits for a yes, naming the payment asked about by its amount is more
about it, not a new problem: the question is asked again, and the yes after it raises it."""

from __future__ import annotations

from resolution_agent.agent.api import ResolutionAgent
from tests.agent.conftest import bank_of


async def test_naming_the_asked_payments_amount_keeps_the_question_open(
    memory_agent: ResolutionAgent,
) -> None:
    first = await memory_agent.handle_message(
        "c-bp",
        "cus_1018",
        "There are two BP payments on my virtual card that I don't remember making, "
        "£45.28 and £28.95.",
    )
    assert "£28.95" in first.text and first.status == "awaiting_customer"

    again = await memory_agent.handle_message(
        "c-bp",
        "cus_1018",
        "Actually the £45.28 was me, I filled up the van last Friday. It's only the £28.95 on "
        "Tuesday night that I didn't do.",
    )
    assert "£28.95" in again.text and again.status == "awaiting_customer"

    done = await memory_agent.handle_message("c-bp", "cus_1018", "Yes please.")
    assert done.status == "resolved"
    disputed = [d.transaction_id for d in bank_of(memory_agent).state.disputes.values()]
    assert disputed.count("txn_1018_015") == 1
