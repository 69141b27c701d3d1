"""Conversations of the tenth held-out batch that went wrong, now handled as a person would.

Each is a whole conversation on the default agent (its trained model, the mock bank), asserted
on what the bank did and what the customer was told: a CHAPS payment asked of us after its
article hands off to payments; a direct debit named fully beside another named in passing is
the one cancelled; a payment named by its day while its dispute is asked about keeps the
question open. (A question narrowed to a bank holiday at night, answered from the article
that states it, is ``tests/retrieval/test_hybrid.py``'s: these agents retrieve by BM25 alone.)
"""

from __future__ import annotations

from resolution_agent.agent.api import ResolutionAgent
from tests.agent.conftest import bank_of


async def test_a_chaps_payment_asked_of_us_after_its_article_is_handed_to_payments(
    memory_agent: ResolutionAgent,
) -> None:
    first = await memory_agent.handle_message(
        "c-chaps",
        "cus_1003",
        "How do I send a CHAPS payment from the app? The letting agent wants £9,600 today "
        "and it has to be CHAPS.",
    )
    assert first.status == "resolved"
    assert "message us in the app chat" in first.text

    second = await memory_agent.handle_message(
        "c-chaps", "cus_1003", "I'm literally in the app chat now, can you just send it for me?"
    )

    assert second.status == "handed_off"
    assert second.handoff is not None
    assert (second.handoff.queue, second.handoff.priority) == ("payments", "high")
    state = (await memory_agent.get_conversation("c-chaps")).state
    # the problem handed over is the CHAPS payment, not whatever the follow-up alone sounds like
    assert state.active_intent == "transfer_timing"


async def test_the_direct_debit_named_fully_is_the_one_cancelled(
    memory_agent: ResolutionAgent,
) -> None:
    asked = await memory_agent.handle_message(
        "c-dd",
        "cus_1001",
        "Can you cancel the Fitlife gym direct debit? I've joined the council leisure centre "
        "instead.",
    )
    assert "FITLIFE GYMS LTD" in asked.text
    assert "Council Tax" not in asked.text

    done = await memory_agent.handle_message("c-dd", "cus_1001", "Yes, cancel Fitlife please.")

    assert "cancelled your direct debit to FITLIFE GYMS LTD" in done.text
    debits = bank_of(memory_agent).state.direct_debits
    assert debits["dd_1001_03"].status == "cancelled"
    assert debits["dd_1001_02"].status == "active"


async def test_a_payment_named_by_its_day_keeps_its_dispute_question_open(
    memory_agent: ResolutionAgent,
) -> None:
    await memory_agent.handle_message(
        "c-ps",
        "cus_1022",
        "What is this PlayStation Store on my account in October? I don't have a PlayStation.",
    )
    again = await memory_agent.handle_message(
        "c-ps",
        "cus_1022",
        "Only the one from 28th is strange. The 25th one my son bought a game.",
    )
    assert again.status == "awaiting_customer"
    assert "28 October" in again.text

    done = await memory_agent.handle_message("c-ps", "cus_1022", "Yes, please do it.")

    assert done.status == "resolved"
    assert "raised a dispute" in done.text
    disputes = bank_of(memory_agent).state.disputes
    assert [d.transaction_id for d in disputes.values() if d.id == "dsp_0006"] == ["txn_1022_006"]
