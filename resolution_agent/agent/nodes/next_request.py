"""next_request: the message's next request becomes the problem once the one before is finished.

A message may hold several requests (``understanding.requests``); ``understand`` took up the
first and queued the rest. When a reply finishes a request (resolved: done, declined or
answered), the next one starts as its own problem within the same turn: its own episode, so
its procedure, the action guard and its confirmation see only its own actions. The finished
reply, already passed by the output guard, is kept and said first (``respond``), so the
customer's one reply says what was done for each request. A reply that waits on the customer
(a confirmation, a code, a question) leaves the queue for a later turn; a hand-off ends it.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, TurnScope, Understanding
from resolution_agent.agent.understanding import extract_entities


def has_next_request(state: ConversationState) -> bool:
    """Whether this turn's reply finished a request and another of the message waits."""
    reply = state.this_turn.reply
    return bool(state.queued) and reply is not None and reply.status == "resolved"


async def next_request(state: ConversationState, deps: Deps) -> dict[str, Any]:
    request, *rest = state.queued
    intent = request.prediction.intent
    finished = state.this_turn
    assert finished.reply is not None
    update: dict[str, Any] = {
        "queued": rest,
        "active_intent": intent,
        "episode_text": request.text,
        "episode_start": len(state.actions),
        "intent_confidence": request.prediction.confidence,
        "clarifications": 0,
        "declined": [],
        "pending": None,
        "slot": None,
        "this_turn": TurnScope(
            input_flags=finished.input_flags,
            understanding=Understanding(
                prediction=request.prediction,
                entities=extract_entities(request.text, now=deps.clock()),
            ),
            action_start=len(state.actions),
            earlier_replies=[*finished.earlier_replies, finished.reply],
        ),
    }
    if deps.policies.intent(intent).handling in ("procedure", "answer"):
        update["topic_intent"] = intent
    return update
