"""decide: resolve, clarify (at most once) or escalate, with the rule id that decided it.

A clarifying question is worth a turn only when the options lead to different work. When the
classifier is unsure but every option it would offer is answered from the help centre, the
answer comes from the customer's words whichever option is right, so decide lets retrieval
settle it (rule DEC-ANSWER-IF-GROUNDED): a grounded passage answers, none asks the question
(``nodes.retrieve``).

Before a clarifying question, a planner on a model picks among the options the question would
offer (``Deps.chooser``); its pick becomes the intent, with source ``model`` and rule
DEC-MODEL-PICK, and the question is not asked. It is asked only after every hand-off rule has
had its say, so a pick never skips a risk signal; an intent a person must handle is handed off.

Nor is a question asked between readings one procedure handles (rule DEC-ONE-PROCEDURE): when
they are sure enough together, the procedure runs, as its work is the same for each.
"""

from __future__ import annotations

import re
from typing import Any

from resolution_agent.agent.escalation import (
    escalation_from_rule,
    fallback_escalation,
    intent_escalation,
)
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.planning.offline import (
    about_someone_elses_account,
    about_someone_elses_card,
)
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import (
    ConversationState,
    Decision,
    Escalation,
    IntentPrediction,
    IntentScore,
    Reasoned,
    Understanding,
)
from resolution_agent.agent.understanding.choice import clarify_options
from resolution_agent.agent.understanding.misuse import misuse_told
from resolution_agent.agent.understanding.signals import (
    reports_card_details_given,
    reports_card_gone,
)
from resolution_agent.agent.vocabulary import COMPROMISED_CARD, PRIORITY_RANK, RiskKind

ANSWER_IF_GROUNDED = "DEC-ANSWER-IF-GROUNDED"
"""Unsure among help-centre answers only: retrieve, then answer if grounded, else clarify."""
ASK_IF_NOT_GROUNDED = "DEC-OUT-OF-SCOPE-NEAR-BANKING"
"""Out of scope with a banking intent near: answer from a passage at the out-of-scope bar,
else clarify (``nodes.retrieve`` settles it)."""
CARD_AT_RISK = "DEC-CARD-AT-RISK"
"""Unsure, but the card is gone and someone is spending on it: freeze first, never ask."""
SOMEONE_ELSES_CARD = "DEC-SOMEONE-ELSES-CARD"
SOMEONE_ELSES_ACCOUNT = "DEC-SOMEONE-ELSES-ACCOUNT"
#: Unsure between intents that one procedure handles: the procedure's work is the same.
ONE_PROCEDURE = "DEC-ONE-PROCEDURE"
#: A planner on a model chose among the options the clarifying question would offer.
MODEL_PICK = "DEC-MODEL-PICK"
"""Unsure which card problem, but the card is someone else's: none is ours to act on."""


def clarify_decision(reason: str = "intent confidence is low") -> Decision:
    """Ask the one clarifying question (rule DEC-CLARIFY), from decide or after retrieval."""
    return Decision(route="clarify", rule_id="DEC-CLARIFY", reason=reason)


_FILLER = frozenset(
    "a an the my me i i'm im it it's its is are was be this that there here to of on in for and "
    "or so just now please pls plz can could you u need want got have has do does help urgent "
    "hi hello hey what where why how when something anything wrong problem issue thing stuff "
    "with about still again".split()
)


def _too_vague(understanding: Understanding, state: ConversationState) -> bool:
    """A problem told in at most one meaningful word ("card", "help", "money") is not told.

    The classifier can be confident about a single word (a card is usually on its way), but
    acting on it means guessing between lost, late, declined and more; asking once costs one
    turn. The words of the whole episode count, so "card!!" after "card" is still one word
    and, after the one clarifying question, hands off.
    """
    if understanding.entities.card_last4 or understanding.entities.amounts:
        return False
    words = set(re.findall(r"[a-z][a-z']+", state.episode_text.lower()))
    return len({w.strip("'") for w in words} - _FILLER) <= 1


def _freeze_first(
    state: ConversationState, kinds: set[RiskKind], policies: Policies, sure_enough: bool
) -> bool:
    """Whether the only risk is a card someone else may use, which the card procedure freezes.

    Two tellings: a lost or stolen card someone is spending on (the scam signal is the only
    risk), and card details the customer gave away (a fake parcel text, a caller), under any
    intent that may freeze a card (``policies/tools.yaml``), a scam report included.
    """
    if not sure_enough or not kinds <= {"scam"}:
        return False
    if reports_card_details_given(state.incoming):
        return state.active_intent in (policies.tools["freeze_card"].intents or [])
    return (
        kinds == {"scam"}
        and policies.intent(state.active_intent).procedure == "lost_card"
        and misuse_told(state)
    )


def _card_at_risk(state: ConversationState, policies: Policies) -> bool:
    """A card told gone, or read as in someone else's hands, with spending since ("card got
    nabbed ... orders i never made", "someone has been using my card, there are payments I
    didn't make").

    The classifier may be torn between a payment not recognised and a copied card, but every
    reading that may freeze a card leads to the same work: the planner freezes it and hands the
    spending to the fraud team (``planning.offline``). A clarifying question would only leave
    the card usable a turn longer.
    """
    return (
        state.active_intent in (policies.tools["freeze_card"].intents or [])
        and (reports_card_gone(state.incoming) or state.active_intent == COMPROMISED_CARD)
        and misuse_told(state)
    )


def _escalate(state: ConversationState, escalations: list[Escalation]) -> dict[str, Any]:
    """Hand off by the most urgent rule that fired; every rule that fired is recorded."""
    chosen = min(escalations, key=lambda e: PRIORITY_RANK[e.priority])
    fired = [Reasoned(rule_id=e.rule_id, reason=e.reason, turn=state.turn) for e in escalations]
    return {
        "this_turn": state.this_turn.change(
            decision=Decision(route="escalate", rule_id=chosen.rule_id, reason=chosen.reason),
            escalation=chosen,
        ),
        "fired_rules": fired,
    }


def _banking_beside_out_of_scope(
    state: ConversationState, prediction: IntentPrediction, deps: Deps
) -> bool:
    """Whether a message called out of scope has a banking intent likely enough beside it.

    A name the training texts never saw can tip a plain request out of scope ("the £600 to
    Highland Homes on the 1st cancelled please": out_of_scope 0.55, cancel_transfer 0.27); a
    redirect then drops it, where one question offering the banking options costs a turn.
    Most non-banking messages have no banking intent near (under 0.1), so they keep the redirect.
    """
    if state.active_intent != "out_of_scope" or prediction.intent != "out_of_scope":
        return False
    handled = ("procedure", "answer", "escalate")
    return any(
        a.score >= deps.settings.out_of_scope_runner_up
        and deps.policies.intent(a.intent).handling in handled
        for a in prediction.alternatives
    )


async def _model_pick(
    state: ConversationState, prediction: IntentPrediction, deps: Deps
) -> str | None:
    """The option of the clarifying question the model picks, if a model is configured."""
    if deps.chooser is None:
        return None
    options = clarify_options(prediction, deps.policies)
    if not options:
        return None
    chosen = await deps.chooser.choose_intent(state, options, deps.planning())
    return chosen if chosen in options else None


def _picked_by_model(
    state: ConversationState, deps: Deps, understanding: Understanding, intent: str
) -> dict[str, Any]:
    """The model's pick as the problem, as if the classifier had been sure of it.

    The confidence kept is the classifier's own score for the intent; the source says who
    picked it. A pick of an intent that a person handles is handed off, as a sure one is.
    """
    prediction = understanding.prediction
    ranked = [IntentScore(intent=prediction.intent, score=prediction.confidence)]
    ranked += prediction.alternatives
    chosen = IntentPrediction(
        intent=intent,
        confidence=next((r.score for r in ranked if r.intent == intent), 0.0),
        alternatives=[r for r in ranked if r.intent != intent],
        source="model",
    )
    policy = deps.policies.intent(intent)
    update: dict[str, Any] = {"active_intent": intent, "intent_confidence": chosen.confidence}
    if policy.handling in ("procedure", "answer"):
        update["topic_intent"] = intent
    if state.turn == 1 and state.first_intent == prediction.intent:
        update["first_intent"] = intent  # set from the classifier's guess this very turn
    if policy.handling == "escalate":
        handoff = _escalate(state, [intent_escalation(deps.policies, intent)])
        decided = handoff.pop("this_turn").changes
        update |= handoff
    else:
        decided = {
            "decision": Decision(
                route="resolve",
                rule_id=MODEL_PICK,
                reason="the model picked one of the likeliest intents",
            )
        }
    understood = understanding.model_copy(update={"prediction": chosen})
    update["this_turn"] = state.this_turn.change(understanding=understood, **decided)
    return update


def _someone_elses(state: ConversationState, policies: Policies) -> Decision | None:
    """Whichever problem it is, the reply is the same when what it is about is someone else's:
    only the customer's own cards and account are ours to act on or look up
    (``planning.offline``), so an unsure reading needs no clarifying question."""
    if about_someone_elses_card(state, policies):
        return Decision(
            route="resolve",
            rule_id=SOMEONE_ELSES_CARD,
            reason="a card problem about someone else's card",
        )
    if about_someone_elses_account(state, policies):
        return Decision(
            route="resolve",
            rule_id=SOMEONE_ELSES_ACCOUNT,
            reason="a request about someone else's account or payment",
        )
    return None


def _one_procedure_sure(prediction: IntentPrediction, deps: Deps) -> bool:
    """Whether the readings that share the top reading's procedure are, together, sure enough.

    "The money i sent to mia bounced back?" is a failed transfer 0.34 or one not received 0.32:
    a clarifying question between them buys nothing, as the transfer procedure finds the
    payment and says what became of it either way. Their sum must clear the clarify threshold
    and lead every other procedure's by the clarify margin.
    """
    policies, settings = deps.policies, deps.settings
    mass: dict[str, float] = {}
    for intent, score in [
        (prediction.intent, prediction.confidence),
        *((a.intent, a.score) for a in prediction.alternatives),
    ]:
        policy = policies.intent(intent)
        key = policy.procedure if policy.handling == "procedure" and policy.procedure else intent
        mass[key] = mass.get(key, 0.0) + score
    top = policies.intent(prediction.intent)
    if top.handling != "procedure" or not top.procedure:
        return False
    ours = mass.pop(top.procedure)
    others = max(mass.values(), default=0.0)
    return ours >= settings.clarify_threshold and ours - others >= settings.clarify_margin


def _all_answers(prediction: IntentPrediction, deps: Deps) -> bool:
    """Whether every option of the clarifying question is answered from the help centre."""
    options = clarify_options(prediction, deps.policies)
    return bool(options) and all(
        deps.policies.intent(option).handling == "answer" for option in options
    )


async def decide(state: ConversationState, deps: Deps) -> dict[str, Any]:
    policies = deps.policies
    understanding = state.this_turn.understanding
    assert understanding is not None  # understand always runs first
    escalations: list[Escalation] = []

    if state.injection_attempts >= 2:
        escalations.append(fallback_escalation("injection", policies, state.active_intent))
    if state.customer_closed and policies.intent(state.active_intent).handling == "procedure":
        # A closed customer's cards and payments are a person's to handle, not a procedure's.
        escalations.append(fallback_escalation("closed_customer", policies, state.active_intent))
    kinds = {s.kind for s in understanding.signals}
    topic = state.topic_intent or state.active_intent
    intent_policy = policies.intent(state.active_intent)
    sure_enough = state.intent_confidence >= deps.settings.clarify_threshold
    freeze_first = _freeze_first(state, kinds, policies, sure_enough)
    if freeze_first:
        # A card someone else may use: the procedure freezes it first, then hands off to the
        # fraud team (``planning.procedures.lost_card``); handing off now would leave the card
        # usable while the customer waits.
        kinds = set()
    for signal_rule in policies.escalation.signal_rules:
        if signal_rule.signal in kinds:
            escalations.append(escalation_from_rule(signal_rule, policies, topic))
    if (
        not escalations
        and not freeze_first
        and not understanding.continuation
        and intent_policy.handling == "escalate"
        and sure_enough  # an unsure guess at an escalation intent is clarified, not handed off
    ):
        escalations.append(intent_escalation(policies, state.active_intent))
    if escalations:
        return _escalate(state, escalations)

    prediction = understanding.prediction
    # No intent: the customer turned both options of the clarifying question down and said
    # nothing more (``nodes.understand``), so there is nothing to act on.
    unknown = state.active_intent is None
    banking_after_all = not understanding.continuation and _banking_beside_out_of_scope(
        state, prediction, deps
    )
    if (
        unknown
        or banking_after_all
        or (not understanding.continuation and intent_policy.handling != "smalltalk")
    ):
        runner_up = prediction.alternatives[0].score if prediction.alternatives else 0.0
        picked = prediction.source == "pick"  # the customer chose an option we offered
        vague = _too_vague(understanding, state)
        unsure = not picked and (
            unknown
            or state.intent_confidence < deps.settings.clarify_threshold
            or prediction.confidence - runner_up < deps.settings.clarify_margin
            or vague
            or banking_after_all
        )
        if unsure and _card_at_risk(state, policies):
            at_risk = Decision(
                route="resolve", rule_id=CARD_AT_RISK, reason="a lost card someone is spending on"
            )
            return {"this_turn": state.this_turn.change(decision=at_risk)}
        theirs = _someone_elses(state, policies) if unsure and not unknown else None
        if theirs is not None:
            return {"this_turn": state.this_turn.change(decision=theirs)}
        if (
            unsure
            and not (unknown or vague or banking_after_all)
            and _one_procedure_sure(prediction, deps)
        ):
            same_work = Decision(
                route="resolve",
                rule_id=ONE_PROCEDURE,
                reason="unsure which intent, but one procedure handles the likely ones",
            )
            return {"this_turn": state.this_turn.change(decision=same_work)}
        if unsure:
            if state.clarifications < deps.settings.max_clarifications:
                # A message too vague to tell is asked about: no model can read more into it.
                chosen = None if unknown or vague else await _model_pick(state, prediction, deps)
                if chosen is not None:
                    return _picked_by_model(state, deps, understanding, chosen)
                if banking_after_all:
                    # Answered if the help centre answers it squarely, as any out-of-scope
                    # message is (``planning.offline``); else asked about (``nodes.retrieve``).
                    near = Decision(
                        route="resolve",
                        rule_id=ASK_IF_NOT_GROUNDED,
                        reason="out of scope, but a banking intent is near",
                    )
                    return {"this_turn": state.this_turn.change(decision=near)}
                if not (unknown or vague) and _all_answers(prediction, deps):
                    answer = Decision(
                        route="resolve",
                        rule_id=ANSWER_IF_GROUNDED,
                        reason="unsure, but every option is a help-centre answer",
                    )
                    return {"this_turn": state.this_turn.change(decision=answer)}
                return {"this_turn": state.this_turn.change(decision=clarify_decision())}
            escalations.append(fallback_escalation("low_confidence", policies, state.active_intent))
            return _escalate(state, escalations)
    resolve = Decision(
        route="resolve", rule_id="DEC-RESOLVE", reason="understood well enough to act"
    )
    return {"this_turn": state.this_turn.change(decision=resolve)}
