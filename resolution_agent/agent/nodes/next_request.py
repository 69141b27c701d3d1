"""next_request: the message's next request becomes the problem once the one before is finished.

A message may hold several requests (``understanding.requests``); ``understand`` took up the
first and queued the rest. When a reply finishes a request (resolved: done, declined or
answered; or done, with an offer of ours on top), the next one starts as its own problem
within the same turn: its own episode, so its procedure, the action guard and its
confirmation see only its own actions. The finished reply, already passed by the output guard
(or, for an offer, the tools' reviewed ``done`` parts, passed by the same output rules), is kept
and said first (``respond``), so the customer's one reply says what was done for each request.
A reply that waits on the customer (a confirmation of what was asked, a code, a question)
leaves the queue for a later turn; a hand-off ends it. An offer made after the request was
done ("shall I also send a replacement?") gives way to the customer's next request and is not
made.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.nodes.output_guard import check_composed
from resolution_agent.agent.state import ConversationState, ProposeReply, TurnScope, Understanding
from resolution_agent.agent.understanding import extract_entities
from resolution_agent.agent.understanding.signals import reports_card_misuse
from resolution_agent.tools.declarations import get_tool


def _did_a_write(state: ConversationState) -> bool:
    return any(a.ok and get_tool(a.call.tool).effect == "write" for a in state.turn_actions())


def _offers_more(state: ConversationState) -> bool:
    """Whether the reply, after doing what was asked, offers something more ("I've frozen your
    card. Shall I cancel it and send a replacement?"): the request is done, the offer is ours."""
    reply = state.this_turn.reply
    return (
        reply is not None
        and reply.slot == "confirmation"
        and state.pending is not None
        and state.pending.asked_turn == state.turn
        and _did_a_write(state)
    )


def has_next_request(state: ConversationState) -> bool:
    """Whether this turn's reply finished a request and another of the message waits."""
    reply = state.this_turn.reply
    if not state.queued or reply is None:
        return False
    return reply.status == "resolved" or _offers_more(state)


async def next_request(state: ConversationState, deps: Deps) -> dict[str, Any]:
    request, *rest = state.queued
    intent = request.prediction.intent
    finished = state.this_turn
    assert finished.reply is not None
    said = finished.reply
    if _offers_more(state):
        # The customer's next request comes before our offer: what was done is said (the
        # tools' reviewed ``done`` parts, as in any reply) and the offer is not made, so no
        # later yes can answer a question the customer never saw.
        said = await check_composed(
            state,
            ProposeReply(
                text=" ".join(
                    deps.templates.render_part(
                        get_tool(a.call.tool).template,
                        "done",
                        args=a.call.args,
                        data=a.result.data or {},
                    )
                    for a in state.turn_actions()
                    if a.ok and deps.templates.has_part(get_tool(a.call.tool).template, "done")
                ),
                status="resolved",
            ),
            deps,
        )
    update: dict[str, Any] = {
        "queued": rest,
        "active_intent": intent,
        "episode_text": request.text,
        "episode_start": len(state.actions),
        "intent_confidence": request.prediction.confidence,
        "clarifications": 0,
        "declined": [],
        "card_misuse": reports_card_misuse(request.text),
        "pending": None,
        "slot": None,
        "this_turn": TurnScope(
            input_flags=finished.input_flags,
            understanding=Understanding(
                prediction=request.prediction,
                entities=extract_entities(request.text, now=deps.clock()),
            ),
            action_start=len(state.actions),
            earlier_replies=[*finished.earlier_replies, said],
        ),
    }
    if deps.policies.intent(intent).handling in ("procedure", "answer"):
        update["topic_intent"] = intent
    return update
