"""Malformed messages get a reply, never a crash; malformed API arguments raise clearly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from resolution_agent.agent import (
    AgentClosedError,
    ConversationOwnershipError,
    InvalidRequestError,
    ResolutionAgent,
    Settings,
    UnknownConversationError,
    UnknownCustomerError,
)
from tests.agent.conftest import bank_of

CUSTOMER = "cus_1001"
WRITES = ("freeze_card", "cancel_card", "unblock_pin", "raise_dispute", "cancel_payment")


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \r\n"])
async def test_an_empty_message_is_answered_with_a_request_for_one(
    agent: ResolutionAgent, text: str
) -> None:
    reply = await agent.handle_message("conv-empty", CUSTOMER, text)

    assert reply.status == "awaiting_customer"
    assert "message" in reply.text.lower()
    assert reply.actions == []
    assert reply.handoff is None


async def test_a_one_megabyte_message_gets_a_too_long_reply_is_kept_truncated_and_runs_nothing(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    limit = agent.settings.max_message_chars
    text = "I've lost my card, please cancel it. " + "x" * 1_000_000

    reply = await agent.handle_message("conv-huge", CUSTOMER, text)

    assert reply.status == "awaiting_customer"
    assert "longer than" in reply.text or "too long" in reply.text
    assert str(limit) in reply.text
    assert reply.actions == []
    assert all(bank.calls[tool] == 0 for tool in (*WRITES, "list_cards"))
    stored = await agent.get_conversation("conv-huge")
    customer = stored.transcript[0]
    assert customer.role == "customer"
    assert customer.text == text[:limit]
    assert "truncated" in customer.flags
    assert [m.role for m in stored.transcript] == ["customer", "agent"]


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "\ud800",
        "I've lost my \x00card\x07\x1b[31m",
        "\ud800 lost \udfff card",
        "\u202e\u200bhello\ufeff",
        "🙂" * 100,
    ],
)
async def test_control_characters_and_broken_unicode_never_crash(
    agent: ResolutionAgent, text: str
) -> None:
    reply = await agent.handle_message("conv-odd", CUSTOMER, text)

    assert reply.status in ("awaiting_customer", "resolved")
    stored = await agent.get_conversation("conv-odd")
    for message in stored.transcript:
        message.text.encode("utf-8")  # storable and sendable: no lone surrogates
        assert not any(ord(ch) < 0x20 and ch not in "\n\t" for ch in message.text)
    assert [r.rule_id for r in stored.state.fired_rules if r.rule_id.startswith("ESC-")] == []


async def test_an_unknown_customer_is_refused_and_no_conversation_is_stored(
    agent: ResolutionAgent,
) -> None:
    with pytest.raises(UnknownCustomerError) as raised:
        await agent.handle_message("conv-ghost", "cus_9999", "I've lost my card")

    assert raised.value.customer_id == "cus_9999"
    with pytest.raises(UnknownConversationError):
        await agent.get_conversation("conv-ghost")


async def test_an_unknown_conversation_id_cannot_be_read(agent: ResolutionAgent) -> None:
    with pytest.raises(UnknownConversationError) as raised:
        await agent.get_conversation("conv-never-seen")

    assert raised.value.conversation_id == "conv-never-seen"


async def test_a_conversation_id_cannot_be_reused_for_another_customer(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    await agent.handle_message("conv-mine", CUSTOMER, "hello")

    with pytest.raises(ConversationOwnershipError):
        await agent.handle_message("conv-mine", "cus_1002", "I've lost my card")

    stored = await agent.get_conversation("conv-mine")
    assert stored.customer_id == CUSTOMER
    assert [m.text for m in stored.transcript if m.role == "customer"] == ["hello"]
    assert bank.calls["list_cards"] == 0


@pytest.mark.parametrize("conversation_id", ["", "x" * 500, "has space", "../etc/passwd"])
async def test_a_malformed_conversation_id_is_an_invalid_request(
    agent: ResolutionAgent, conversation_id: str
) -> None:
    with pytest.raises(InvalidRequestError):
        await agent.handle_message(conversation_id, CUSTOMER, "hello")
    with pytest.raises(InvalidRequestError):
        await agent.get_conversation(conversation_id)


@pytest.mark.parametrize("customer_id", ["", "x" * 500, "cus 1001"])
async def test_a_malformed_customer_id_is_an_invalid_request(
    agent: ResolutionAgent, customer_id: str
) -> None:
    with pytest.raises(InvalidRequestError):
        await agent.handle_message("conv-bad-customer", customer_id, "hello")


@pytest.mark.parametrize("identity", ["admin", "", "STEP_UP"])
async def test_an_identity_outside_the_contract_is_an_invalid_request(
    agent: ResolutionAgent, identity: str
) -> None:
    bank = bank_of(agent)

    with pytest.raises(InvalidRequestError):
        await agent.handle_message(
            "conv-bad-identity",
            CUSTOMER,
            "my PIN is blocked",
            identity=identity,  # type: ignore[arg-type]
        )

    assert bank.calls["unblock_pin"] == 0


async def test_a_message_that_is_not_text_is_an_invalid_request(agent: ResolutionAgent) -> None:
    with pytest.raises(InvalidRequestError):
        await agent.handle_message("conv-bytes", CUSTOMER, b"hello")  # type: ignore[arg-type]


async def test_an_agent_used_outside_its_context_says_how_to_open_it(
    make_settings: Callable[..., Settings],
) -> None:
    agent = ResolutionAgent(make_settings(checkpointer="memory"))

    with pytest.raises(AgentClosedError):
        await agent.handle_message("conv-closed", CUSTOMER, "hello")
