"""Many conversations at once never mix; one conversation's messages run one at a time."""

from __future__ import annotations

import asyncio

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of

CLOSED = "cus_1005"  # closed in the seed
MESSAGES = [
    "I've lost my card",
    "my new card still hasn't arrived",
    "why was my card payment declined?",
    "hello",
    "my PIN is blocked",
    "I want to make a formal complaint",
    "how do I get a virtual card?",
]


async def test_fifty_concurrent_conversations_each_get_only_their_own_messages(
    agent: ResolutionAgent,
) -> None:
    jobs = [
        (f"conv-{i:02d}", f"cus_{1001 + i % 24}", MESSAGES[i % len(MESSAGES)]) for i in range(50)
    ]

    replies = await asyncio.gather(
        *(agent.handle_message(conv, customer, text) for conv, customer, text in jobs)
    )

    for (conv, customer, text), reply in zip(jobs, replies, strict=True):
        assert reply.conversation_id == conv
        assert reply.turn == 1
        if reply.handoff is not None:  # only by policy, never by a crash
            # complaints; and cus_1005's account is closed, so bank work is a person's
            allowed = {"ESC-COMPLAINT"} | ({"ESC-CLOSED-CUSTOMER"} if customer == CLOSED else set())
            assert {r.rule_id for r in reply.handoff.reasons} <= allowed
        stored = await agent.get_conversation(conv)
        assert stored.customer_id == customer
        assert stored.status == reply.status
        assert [(m.role, m.text) for m in stored.transcript] == [
            ("customer", text),
            ("agent", reply.text),
        ]
        for action in stored.actions:
            assert action.args.get("customer_id", customer) == customer
            card = action.args.get("card_id")
            if isinstance(card, str):
                assert bank_of(agent).state.cards[card].customer_id == customer


async def test_two_messages_to_one_conversation_sent_together_are_both_kept_in_order(
    agent: ResolutionAgent,
) -> None:
    first, second = await asyncio.gather(
        agent.handle_message("conv-race", "cus_1001", "I've lost my card"),
        agent.handle_message("conv-race", "cus_1001", "thank you"),
    )

    assert (first.turn, second.turn) == (1, 2)
    stored = await agent.get_conversation("conv-race")
    customer_lines = [m.text for m in stored.transcript if m.role == "customer"]
    assert customer_lines == ["I've lost my card", "thank you"]
    assert [m.role for m in stored.transcript] == ["customer", "agent", "customer", "agent"]
    assert bank_of(agent).calls["freeze_card"] == 1
