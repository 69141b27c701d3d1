"""understand: intent (or continuation of the current problem), entities, risk signals.

A message that answers the agent's own question (yes/no to a confirmation, a code for
step-up, which card or payment) continues the current problem instead of starting a new one.
An answer to a clarifying question is read with the message that led to it, unless it turns
both options down ("neither"): then only what it adds counts, and with nothing added the
problem is unknown (no intent), which ``decide`` treats as not understood.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.input import normalise
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, IntentPrediction, Understanding
from resolution_agent.agent.understanding import (
    detect_signals,
    extract_entities,
    read_confirmation,
    read_neither,
)
from resolution_agent.agent.understanding.signals import reports_card_misuse

_STRONG = 0.8


async def understand(state: ConversationState, deps: Deps) -> dict[str, Any]:
    text = normalise(state.incoming)
    now = deps.clock()
    prediction = await deps.classifier.classify(text)
    entities = extract_entities(text, now=now)
    signals = detect_signals(text)
    pending = state.pending
    confirmation = None
    continuation = False
    update: dict[str, Any] = {}

    if pending is not None and pending.kind == "confirmation":
        confirmation = read_confirmation(text)
        # "Wait, someone's been using it" while a lost card's cancel waits for a yes is more
        # about the same card, not a new problem: the card procedure hands it to the fraud team.
        continuation = confirmation is not None or (
            deps.policies.intent(state.active_intent).procedure == "lost_card"
            and reports_card_misuse(text)
        )
        if confirmation == "no":
            update["declined"] = [*state.declined, pending.call][-10:]
        if confirmation != "yes":
            update["pending"] = None
    elif pending is not None and pending.kind == "step_up":
        continuation = bool(entities.codes) or prediction.intent in ("out_of_scope",)
    elif state.slot in ("card", "transaction", "payment", "direct_debit", "code", "question"):
        new_problem = (
            prediction.confidence >= _STRONG
            and prediction.intent != state.active_intent
            and deps.policies.intent(prediction.intent).handling != "smalltalk"
        )
        continuation = not new_problem

    if pending is not None and not continuation:
        update["pending"] = None
    clarifying = state.slot == "clarify" and state.status == "awaiting_customer"
    added = read_neither(text) if clarifying else None
    if clarifying and added == "":
        # Both guesses refused, nothing added: no problem is known, and no option is left to
        # offer if the agent may ask again (``out_of_scope`` is never offered).
        prediction = IntentPrediction(intent="out_of_scope", confidence=0.0, source="neither")
        update.update(active_intent=None, episode_text="", intent_confidence=0.0)
    elif clarifying:
        # The customer is explaining again: classify what they said in both messages, or
        # only what they add when they turned both options down.
        combined = added or f"{state.episode_text} {text}".strip()
        prediction = await deps.classifier.classify(combined)
        update.update(
            active_intent=prediction.intent,
            episode_text=combined,
            intent_confidence=prediction.confidence,
        )
    elif continuation:
        update["episode_text"] = f"{state.episode_text} {text}".strip()
    else:
        update.update(
            active_intent=prediction.intent,
            episode_text=text,
            episode_start=len(state.actions),
            intent_confidence=prediction.confidence,
            clarifications=0,
            declined=[],
        )
    intent = update.get("active_intent", state.active_intent)
    if intent is not None and deps.policies.intent(intent).handling in ("procedure", "answer"):
        # The topic a person would pick up, kept when the customer then asks for a human.
        update["topic_intent"] = intent
    if state.first_intent is None and intent is not None:
        # A first message that is only a greeting is recorded as ``greeting`` (the contract's
        # intent), not skipped: what the customer asks next is a second intent, not the first.
        update["first_intent"] = intent
    flags = [*state.risk_flags]
    for kind in [sig.kind for sig in signals] + [f for f in state.this_turn.input_flags]:
        if kind not in flags:
            flags.append(kind)
    update["risk_flags"] = flags
    update["this_turn"] = state.this_turn.change(
        understanding=Understanding(
            prediction=prediction,
            entities=entities,
            signals=signals,
            confirmation=confirmation,
            continuation=continuation,
        )
    )
    return update
