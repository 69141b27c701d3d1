"""retrieve: help-centre passages for the current problem, with scores for grounding."""

from __future__ import annotations

from typing import Any

from agent.nodes.deps import Deps
from agent.state import ConversationState


async def retrieve(state: ConversationState, deps: Deps) -> dict[str, Any]:
    query = state.episode_text[-600:] or state.incoming
    passages = await deps.retriever.search(query, intent=state.active_intent, k=3)
    return {"retrieved": passages}
