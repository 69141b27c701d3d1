"""retrieve: help-centre passages for the current problem, with scores for grounding.

It also settles a decision that waited on it (``nodes.decide.ANSWER_IF_GROUNDED`` and
``ASK_IF_NOT_GROUNDED``): with no passage grounded enough to answer, the unsure intent, or the
out-of-scope message with a banking intent near, is asked about after all.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.input import instructs
from resolution_agent.agent.nodes.decide import (
    ANSWER_IF_GROUNDED,
    ASK_IF_NOT_GROUNDED,
    MODEL_PICK,
    ONE_PROCEDURE,
    clarify_decision,
)
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState


async def retrieve(state: ConversationState, deps: Deps) -> dict[str, Any]:
    query = state.episode_text[-600:] or state.incoming
    # An unsure reading does not steer which article answers, the customer's words do: "can me
    # n my boyfriend open a joint account" read as country_support at 0.31 was answered from
    # the country article (0.40 with the intent's lift) over the joint-accounts one (0.54).
    # A rule that acts on the unsure reading all the same (one procedure for every likely
    # reading, the model's pick) lets it steer: the reply cites that intent's article.
    decision = state.this_turn.decision
    committed = decision is not None and decision.rule_id in (ONE_PROCEDURE, MODEL_PICK)
    sure = committed or state.intent_confidence >= deps.settings.clarify_threshold
    intent = state.active_intent if sure else None
    passages = await deps.retriever.search(query, intent=intent, k=3)
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
    settles = {
        ANSWER_IF_GROUNDED: (
            deps.settings.grounding_threshold,
            "intent confidence is low and no help-centre passage answers",
        ),
        ASK_IF_NOT_GROUNDED: (
            deps.settings.out_of_scope_grounding,
            "out of scope, a banking intent is near and no help-centre passage answers",
        ),
    }
    if decision is not None and decision.rule_id in settles:
        bar, reason = settles[decision.rule_id]
        if not any(p.score >= bar for p in clean):
            decision = clarify_decision(reason)
    return {"this_turn": state.this_turn.change(retrieved=clean, decision=decision)}
