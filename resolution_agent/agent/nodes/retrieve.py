"""retrieve: help-centre passages for the current problem, with scores for grounding."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.input import scan_input
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState


async def retrieve(state: ConversationState, deps: Deps) -> dict[str, Any]:
    query = state.episode_text[-600:] or state.incoming
    passages = await deps.retriever.search(query, intent=state.active_intent, k=3)
    clean = []
    for passage in passages:
        # Help text is data: a passage carrying instructions is neither shown nor cited.
        if "prompt_injection" in scan_input(f"{passage.section} {passage.snippet}"):
            await deps.record(
                state.conversation_id,
                state.turn,
                "input",
                "IN-INJECTION-ARTICLE",
                article_id=passage.article_id,
            )
            continue
        clean.append(passage)
    return {"this_turn": state.this_turn.change(retrieved=clean)}
