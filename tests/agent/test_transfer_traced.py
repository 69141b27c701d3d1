"""A transfer the recipient's bank says never came, past its scheme's time: a person traces it.

The help centre's steps for a transfer that has not arrived are the recipient asking their
bank, then, "if it's been longer than expected", us tracing the payment. Imran's £600 went by
international transfer on Monday 16 November; on Friday 27 November that is nine working days
against "1 to 5". Before the recipient has asked their bank, the agent says what the payment
did and asks for that; once they have, it hands the case to the payments team.
"""

from __future__ import annotations

from resolution_agent.agent.api import ResolutionAgent

ASKED = (
    "On 16 November I sent £600 to my brother Imran in Lahore. The app says it is sent but he "
    "went to the bank two times and they say no money has come. What can be done?"
)
NOT_ASKED = "sent money to Imran in Pakistan but he hasn't received the money"


async def test_a_late_transfer_the_recipients_bank_has_not_got_is_traced_by_a_person(
    memory_agent: ResolutionAgent,
) -> None:
    reply = await memory_agent.handle_message("c-trace", "cus_1006", ASKED)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "payments"
    state = (await memory_agent.get_conversation("c-trace")).state
    assert [r.rule_id for r in state.fired_rules][-1] == "ESC-SELF-SERVICE-FAILED"


async def test_before_the_recipient_has_asked_their_bank_the_payment_is_explained(
    memory_agent: ResolutionAgent,
) -> None:
    reply = await memory_agent.handle_message("c-explain", "cus_1006", NOT_ASKED)

    assert reply.status == "resolved"
    assert "Imran Khan" in reply.text
    assert "check with their bank" in reply.text


async def test_a_sent_payment_is_explained_with_its_schemes_time(
    memory_agent: ResolutionAgent,
) -> None:
    # one table (planning.schemes) says each scheme's time, in the reply and for tracing
    international = await memory_agent.handle_message("c-intl", "cus_1006", NOT_ASKED)
    chaps = await memory_agent.handle_message(
        "c-chaps-sent",
        "cus_1017",
        "my car deposit to Fenland Motors, has it arrived? the garage says they haven't got it",
    )

    assert "as an international transfer, which can take 1 to 5 working days" in international.text
    assert "by CHAPS, which arrives on the same working day" in chaps.text, chaps.text
