"""Conversation states for planner-level tests (graph-level tests drive a real agent)."""

from __future__ import annotations

from resolution_agent.agent.state import ConversationState, Message, Passage, TurnScope
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK


def customer_state(
    text: str,
    *,
    intent: str = "lost_or_stolen_card",
    confidence: float = 0.9,
    passages: list[Passage] | None = None,
    conversation_id: str = "conv-1",
) -> ConversationState:
    """Turn 1 of a conversation of cus_1001, just after retrieval."""
    return ConversationState(
        conversation_id=conversation_id,
        customer_id="cus_1001",
        turn=1,
        now=DEFAULT_CLOCK,
        incoming=text,
        identity="app_authenticated",
        inbound_identity="app_authenticated",
        transcript=[Message(role="customer", text=text, turn=1, at=DEFAULT_CLOCK)],
        active_intent=intent,
        intent_confidence=confidence,
        episode_text=text,
        this_turn=TurnScope(retrieved=passages or []),
    )


def passage(article_id: str, score: float = 0.9) -> Passage:
    return Passage(
        article_id=article_id,
        title=article_id.replace("-", " ").capitalize(),
        section="Overview",
        snippet=f"What the help centre says in {article_id}.",
        score=score,
        url=f"https://help.kestrel.example/a/{article_id}",
    )


class NothingFound:
    """A help centre with no answer to anything."""

    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        return []
