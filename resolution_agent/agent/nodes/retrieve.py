"""retrieve: help-centre passages for the current problem, with scores for grounding.

It also settles a decision that waited on it (``nodes.decide.ANSWER_IF_GROUNDED``): with no
passage grounded enough to answer, the unsure intent is asked about after all.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.input import instructs
from resolution_agent.agent.nodes.decide import ANSWER_IF_GROUNDED, clarify_decision
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState


async def retrieve(state: ConversationState, deps: Deps) -> dict[str, Any]:
    query = state.episode_text[-600:] or state.incoming
    passages = await deps.retriever.search(query, intent=state.active_intent, k=3)
    clean = []
    for passage in passages:
        # Help text is data: a passage carrying instructions is neither shown nor cited.
        if instructs(f"{passage.section} {passage.snippet}"):
            await deps.record(
                state.conversation_id,
                state.turn,
                "input",
                "IN-INJECTION-ARTICLE",
                article_id=passage.article_id,
            )
            continue
        clean.append(passage)
    decision = state.this_turn.decision
    if decision is not None and decision.rule_id == ANSWER_IF_GROUNDED:
        threshold = deps.settings.grounding_threshold
        if not any(p.score >= threshold for p in clean):
            decision = clarify_decision(
                "intent confidence is low and no help-centre passage answers"
            )
    return {"this_turn": state.this_turn.change(retrieved=clean, decision=decision)}
