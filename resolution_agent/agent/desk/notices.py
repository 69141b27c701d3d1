"""What the customer's channel is told about their case: a COp's reply, the case taken, closed.

Each notice goes into the outbox (:class:`agent.storage.base.OutboundDeliveries`) in the same
locked step that changes the case, so a channel gets it by webhook or by polling
``/v1/conversations/{id}/outbox`` even when it was offline at the time. A notice carries
no COp id: the customer sees "our team", never a member of staff's identifier.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

NoticeKind = Literal["cop_reply", "case_claimed", "case_closed", "proposal_decided"]


class CustomerNotice(BaseModel):
    """One outbound payload (JSON) for the customer's channel."""

    model_config = ConfigDict(frozen=True)

    kind: NoticeKind
    conversation_id: str
    at: datetime
    text: str = ""  # the COp's words (``cop_reply``), the decision (``proposal_decided``)
    status: str = ""  # the conversation's status after the event, for ``case_closed``
