"""understand: intent (or continuation of the current problem), entities, risk signals.

A message that answers the agent's own question (yes/no to a confirmation, a code for
step-up, which card or payment) continues the current problem instead of starting a new one.
An answer to a clarifying question is read with the message that led to it, unless it turns
both options down ("neither"): then only what it adds counts, and with nothing added the
problem is unknown (no intent), which ``decide`` treats as not understood.
"""

from __future__ import annotations

import re
from typing import Any

from resolution_agent.agent.guards.input import normalise
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import (
    ANSWERED_SLOTS,
    PICK_SLOTS,
    ConversationState,
    IntentPrediction,
    ToolCall,
    Understanding,
)
from resolution_agent.agent.understanding import (
    detect_signals,
    extract_entities,
    read_confirmation,
    read_neither,
)
from resolution_agent.agent.understanding.choice import clarify_options, read_pick
from resolution_agent.agent.understanding.confirm import (
    asks_for_it_again,
    drops_the_request,
    names_another_thing,
    takes_the_no_back,
)
from resolution_agent.agent.understanding.direction import steer
from resolution_agent.agent.understanding.entities import four_digits_alone
from resolution_agent.agent.understanding.misuse import as_lost_card, hears_card_misuse
from resolution_agent.agent.understanding.requests import (
    actionable,
    find_requests,
    refers_back,
    same_problem,
)
from resolution_agent.agent.understanding.signals import (
    names_chaps,
    reports_card_gone,
    reports_card_misuse,
    reports_self_service_failed,
    settle_by_signal,
)
from resolution_agent.tools.models import CardList, TransactionList

_STRONG = 0.8
# A message that asks for something: a question, or a request put to us.
_ASKS = re.compile(
    r"\?|\b(?:can|could|would|will)\s+(?:you|u|it|i|we)\b|\b(?:please|pls|plz)\b", re.I
)
#: Words of a message about the one-time code the agent is waiting for.
_ABOUT_THE_CODE = re.compile(r"\b(?:code|text|texts|sms|message)\b", re.I)


def _names_the_card_asked_about(state: ConversationState, call: ToolCall, text: str) -> bool:
    """Whether the message names, by its last four digits, the card the pending call is for.

    Four bare digits are not a card number in general (a year, a code), but here they can
    only be checked against the one card the question is about.
    """
    card_id = call.args.get("card_id")
    if card_id is None:
        return False
    digits = set(four_digits_alone(text))
    for action in state.episode_actions():
        if action.call.tool == "list_cards" and action.ok:
            cards = action.result.parsed(CardList).cards
            if any(c.id == card_id and c.last4 in digits for c in cards):
                return True
    return False


def _names_the_payment_asked_about(
    state: ConversationState, call: ToolCall, amounts: set[int], dates: set[str]
) -> bool:
    """Whether the message names, by its amount or its day, the card payment the pending call
    is for ("actually the £45.28 was me, it's only the £28.95 on Tuesday", "only the one from
    28th is strange"): more about the payment asked about, not a new problem, so the question
    is asked again."""
    transaction_id = call.args.get("transaction_id")
    if transaction_id is None or not (amounts or dates):
        return False
    for action in state.episode_actions():
        if action.call.tool == "list_transactions" and action.ok:
            listed = action.result.parsed(TransactionList).transactions
            if any(
                t.id == transaction_id
                and (abs(t.amount) in amounts or t.created_at.date().isoformat() in dates)
                for t in listed
            ):
                return True
    return False


def _new_problem(
    prediction: IntentPrediction, state: ConversationState, deps: Deps, text: str
) -> bool:
    """Whether an answer to the agent's question is, confidently, about something else.

    An answer to an open question of ours that points back at what it asked about ("nobody has
    it, cancel it and send another one") is more of the same problem, however sure the
    classifier is of another: it names nothing else to be about.
    """
    if state.slot == "question" and refers_back(text):
        return False
    return (
        prediction.confidence >= _STRONG
        and prediction.intent != state.active_intent
        and deps.policies.intent(prediction.intent).handling != "smalltalk"
    )


def _asks_for_something_else(
    prediction: IntentPrediction, state: ConversationState, deps: Deps, text: str
) -> bool:
    """Whether a no to our question also asks, surely, for something the problem is not.

    It must ask ("can it go back to normal?", "please unfreeze it"): "no dont cancel it, i'll
    keep looking" reads as a cancelling intent, but only refuses.
    """
    return (
        _ASKS.search(text) is not None
        and state.active_intent is not None
        and actionable(prediction, deps.policies)
        and not same_problem(state.active_intent, prediction.intent, deps.policies)
    )


_FOLLOWED_THE_ROUTE = re.compile(
    r"\s*(?:i\s+|i'?ve\s+|ive\s+)?(?:(?:did|done|tried|followed)\s+(?:exactly\s+|just\s+|all\s+)?"
    r"(?:that|this|it|what (?:it|you) said|what it says|the steps)\b|"
    # "tried uploading the logbook", "tried adding it again"
    r"(?:tried|been trying)\s+\w+ing\b)",
    re.I,
)


_ROUTE_STEP = re.compile(
    r"\b(?:upload(?:s|ing|ed)?|the (?:link|form|button|option|page) (?:says?|shows?|won'?t|"
    r"doesn'?t|keeps|just))\b|"
    # "it still won't let me add him": the failure just answered, still happening
    r"\b(?:it|app|that) still (?:won'?t|wont|doesn'?t|does not|will not|can'?t|isn'?t|says?)\b",
    re.I,
)


def _route_failed_after_answer(
    prediction: IntentPrediction, state: ConversationState, deps: Deps, text: str
) -> bool:
    """Whether the message says the help-centre route just given has failed them.

    "Did that, it says the amount's too high" after the answer on paying in a cheque names no
    problem of its own, so the classifier is unsure of it; it is the answered problem, which a
    person now takes on (``planning.offline``), never a clarifying question about something new.
    """
    return (
        state.status == "resolved"
        and state.slot is None
        and state.active_intent is not None
        and deps.policies.intent(state.active_intent).handling == "answer"
        and reports_self_service_failed(text)
        and (
            prediction.intent == state.active_intent
            or prediction.confidence < deps.settings.clarify_threshold
            # "done exactly that, typed the last 4 ... keeps saying details not recognised":
            # the route just given, followed; what went wrong may sound like another problem
            # (a failed identity check) to the classifier, but it is this one's route
            or _FOLLOWED_THE_ROUTE.match(text) is not None
            # "the upload stays at 0% and then says upload failed", "it still won't let me add
            # him": the route's own step (an upload, a link, a form) failing, or the failure
            # just answered still happening, whatever problem the rest sounds like
            or _ROUTE_STEP.search(text) is not None
            # another answer's reading ("it still says verification failed" as failing to
            # verify one's identity): a failure told straight after an answer is about the
            # route it gave; only a procedure's reading is a new problem to act on
            or deps.policies.intent(prediction.intent).handling != "procedure"
        )
    )


async def _picked(state: ConversationState, text: str, deps: Deps) -> str | None:
    """The option of the clarifying question the answer picks, if it picks one.

    The options are recomputed from the text the question was about, exactly as the clarify
    node computed them (the classifier is deterministic), so nothing extra is stored.
    """
    asked_about = steer(await deps.classifier.classify(state.episode_text), state.episode_text)
    return read_pick(text, clarify_options(asked_about, deps.policies), deps.policies)


async def _hears_misuse(
    state: ConversationState, text: str, prediction: IntentPrediction, deps: Deps
) -> bool:
    """Whether the message says a lost or stolen card was already spent on.

    The intent model is asked (``understanding.misuse``) only where a card is gone: the
    message or the episode says so, or a lost-card problem is open or starting; elsewhere
    only the cue rules are, as before.
    """
    lost_card = any(
        intent is not None and deps.policies.intent(intent).procedure == "lost_card"
        for intent in (state.active_intent, prediction.intent)
    )
    if lost_card or reports_card_gone(f"{state.episode_text} {text}"):
        return await hears_card_misuse(text, deps.classifier)
    return reports_card_misuse(text)


async def understand(state: ConversationState, deps: Deps) -> dict[str, Any]:
    text = normalise(state.incoming)
    now = deps.clock()
    signals = detect_signals(text, state.episode_text)
    read = steer(await deps.classifier.classify(text), text)
    prediction = settle_by_signal(read, signals)
    # the words that raised a signal decided what the whole message is about: it is not cut
    settled = prediction.intent != read.intent
    entities = extract_entities(text, now=now)
    misuse = await _hears_misuse(state, text, prediction, deps)
    if misuse and reports_card_gone(f"{state.episode_text} {text}"):
        prediction = as_lost_card(prediction)
    pending = state.pending
    confirmation = None
    continuation = False
    update: dict[str, Any] = {"reopenable": None}
    ask_again = False
    dropped = False
    asked_again = (
        pending is None
        and state.reopenable is not None
        and read_confirmation(text) is None
        and asks_for_it_again(text, state.reopenable.call.tool)
    )
    if asked_again and state.reopenable is not None:
        # "Rang them, no sign of it. right, scrap that card and post me a replacement" straight
        # after turning the cancel down: the action is asked for again, in words, which takes
        # the no back as surely as "actually yes, cancel it" (the guard still requires that the
        # question was asked in an earlier turn).
        pending = state.reopenable
        update["pending"] = pending
        update["declined"] = [call for call in state.declined if call != pending.call]
    elif pending is None and state.reopenable is not None and read_confirmation(text) == "yes":
        # A yes straight after turning the question down is a change of mind: the question is
        # open again (asked in an earlier turn, as the guard requires). It is its answer only
        # when it clearly takes the no back ("actually yes go on", "yes do cancel it"): the
        # reply to the no closed the question, so a bare "yes" may answer what that reply said
        # last ("you can unfreeze it, or ask me here"), and the question is asked again.
        pending = state.reopenable
        update["pending"] = pending
        update["declined"] = [call for call in state.declined if call != pending.call]
        ask_again = not takes_the_no_back(text, pending.call.tool)

    if pending is not None and pending.kind == "confirmation":
        confirmation = "yes" if asked_again else read_confirmation(text)
        if confirmation == "yes" and (ask_again or names_another_thing(text, pending.call.args)):
            # A yes to something else than the question asked ("yes cancel the card" to a
            # direct debit's question) must never make the asked call run.
            confirmation = None
        if confirmation == "no" and _asks_for_something_else(prediction, state, deps, text):
            # "False alarm, it turned up in my other jacket. can it go back to normal?": the
            # no turns the question down, and the rest asks for another thing (unfreezing),
            # which is the problem now; read as a bare no, that request was lost.
            confirmation = None
        # "Wait, someone's been using it" while a lost card's cancel waits for a yes is more
        # about the same card, not a new problem: the card procedure hands it to the fraud team.
        continuation = (
            confirmation is not None
            or ask_again
            or (deps.policies.intent(state.active_intent).procedure == "lost_card" and misuse)
            # "The physical one, 9607": naming the card asked about is not yet an answer and
            # not a new problem; the question is asked again, never dropped for a guess.
            or _names_the_card_asked_about(state, pending.call, text)
            or _names_the_payment_asked_about(
                state, pending.call, {m.pence for m in entities.amounts}, set(entities.dates)
            )
        )
        if confirmation == "no":
            update["declined"] = [*state.declined, pending.call][-10:]
            update["reopenable"] = pending
        if confirmation != "yes":
            update["pending"] = None  # a question still open is asked again by the guard
    elif pending is not None and pending.kind == "step_up":
        # While a code is awaited, "I haven't got a text yet" is about the code, whatever the
        # classifier half-guesses (a card not arrived), unless it is confidently a new problem.
        # Anything else ("actually how do I change my pin", "never mind") is a new request.
        continuation = (
            bool(entities.codes)
            or prediction.intent == "out_of_scope"
            or (
                _ABOUT_THE_CODE.search(text) is not None
                and not _new_problem(prediction, state, deps, text)
            )
        )
    elif dropped := (state.slot in PICK_SLOTS and drops_the_request(text)):
        # "ach never mind, its the wagamama one, forgot i went" to "which payment?": the
        # request is dropped, never carried on with the thing it names.
        confirmation = "no"
        continuation = True
    elif state.slot in ANSWERED_SLOTS:
        continuation = not _new_problem(prediction, state, deps, text)
    elif _route_failed_after_answer(prediction, state, deps, text):
        continuation = True
    elif (
        state.active_intent is not None
        and any(signal.kind == "staff_only" for signal in signals)
        and not names_chaps(text)
    ):
        # "can you just send it for me?" after asking how to send a CHAPS payment: the CHAPS
        # payment of this problem, asked of us (only staff can send it), not a new problem.
        continuation = True

    if pending is not None and not continuation:
        update["pending"] = None
    clarifying = state.slot == "clarify" and state.status == "awaiting_customer" and not dropped
    added = read_neither(text) if clarifying else None
    if clarifying and added == "":
        # Both guesses refused, nothing added: no problem is known, and no option is left to
        # offer if the agent may ask again (``out_of_scope`` is never offered).
        prediction = IntentPrediction(intent="out_of_scope", confidence=0.0, source="neither")
        update.update(active_intent=None, episode_text="", intent_confidence=0.0)
    elif clarifying and added is None and (picked := await _picked(state, text, deps)):
        # "The first", "2", "the stolen one": the customer chose an option of the question,
        # which is as sure as an intent gets; the first message still says what it is about.
        prediction = IntentPrediction(intent=picked, confidence=1.0, source="pick")
        update.update(
            active_intent=picked,
            episode_text=f"{state.episode_text} {text}".strip(),
            intent_confidence=1.0,
        )
    elif clarifying:
        # The customer is explaining again: classify what they said in both messages, or
        # only what they add when they turned both options down.
        combined = added or f"{state.episode_text} {text}".strip()
        prediction = steer(await deps.classifier.classify(combined), combined)
        update.update(
            active_intent=prediction.intent,
            episode_text=combined,
            intent_confidence=prediction.confidence,
        )
    elif continuation:
        update["episode_text"] = f"{state.episode_text} {text}".strip()
    else:
        # A new problem: the message may hold several requests, taken one after another. The
        # first is the problem now; the rest wait (a new problem drops what still waited).
        requests = (
            []
            if settled
            else await find_requests(
                text, deps.classifier, deps.policies, prediction, misuse=misuse
            )
        )
        if requests:
            prediction = requests[0].prediction
            text = requests[0].text
            entities = extract_entities(text, now=now)
        update.update(
            queued=requests[1:],
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
    # A new problem starts a new episode: only this message's words count for it.
    update["card_misuse"] = misuse or (state.card_misuse and "episode_start" not in update)
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
