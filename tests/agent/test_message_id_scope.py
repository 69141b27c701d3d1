"""A channel's message id names one message: reused in another conversation, it is refused.

Found by the multi-process test's reference run, which numbered messages per conversation:
the second conversation got the first one's recorded reply, another customer's.
"""

from __future__ import annotations

import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.errors import InvalidRequestError
from tests.agent.conftest import bank_of


async def test_a_message_id_reused_in_another_conversation_never_gets_its_reply(
    agent: ResolutionAgent,
) -> None:
    first = await agent.handle_message(
        "c-amelia", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
    )

    with pytest.raises(InvalidRequestError, match="already used in another conversation"):
        await agent.handle_message(
            "c-other", "cus_1006", "I've lost my card", message_id="m-1", channel="app"
        )
    again = await agent.handle_message(
        "c-amelia", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
    )

    assert again == first
    assert bank_of(agent).calls["freeze_card"] == 1
