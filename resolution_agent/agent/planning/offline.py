"""The offline planner: deterministic, no network. Generic flows, then per-intent procedures.

Generic flows come first because they are the same whatever the problem: a bank failure hands
off (a write of unknown outcome too: the reply says it could not be confirmed, never that it
failed or was done, and the planner never sends such a call again itself), a guard's "confirm"
becomes a question, a "step_up" starts verification, a confirmed pending action runs. Then the
intent's procedure (``procedures.py``), a help-centre answer, or small talk. Replies are
rendered from ``prompts/replies/`` templates; actions that ran this turn are reported first,
so the customer always hears what was done.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from resolution_agent.agent.escalation import fallback_escalation
from resolution_agent.agent.guards.action import LIMIT_AMOUNT
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.procedures import (
    PROCEDURES,
    card_delivery,
    card_payment_status,
    swallowed_card,
)
from resolution_agent.agent.planning.steps import (
    Call,
    Escalate,
    Say,
    Step,
    View,
    working_days_since,
)
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.retrieval.focus import (
    SUPPORT_MARGIN,
    asked_fact,
    best_answer,
    says_more,
    supporting_facts,
)
from resolution_agent.agent.state import (
    PICK_SLOTS,
    Citation,
    ConversationState,
    Passage,
    Proposal,
    ProposeEscalate,
    ProposeReply,
    ProposeTool,
)
from resolution_agent.agent.templates import part_of
from resolution_agent.agent.understanding.entities import extract_entities
from resolution_agent.agent.understanding.misuse import misuse_told
from resolution_agent.agent.understanding.requests import asks_in_general
from resolution_agent.agent.understanding.signals import (
    asks_us_to_act,
    reports_card_details_given,
    reports_card_gone,
    reports_self_service_failed,
    reports_someone_elses_account,
    reports_someone_elses_card,
)
from resolution_agent.tools.declarations import TOOLS, get_tool
from resolution_agent.tools.models import VerificationResult

_RETRYABLE = ("unavailable", "timeout", "bad_response")


class OfflinePlanner:
    name = "offline"

    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        step = self.step(state, ctx)
        return to_proposal(step, state, ctx)

    def step(self, state: ConversationState, ctx: PlanningContext) -> Step:
        step = self._step(state, ctx)
        if isinstance(step, Call):
            sent = step.as_call()
            if any(a.call == sent and a.outcome == "unknown" for a in state.actions):
                # The bank may have done it already; only a person who checked may redo it.
                return Escalate("tool_failure", f"{step.tool}: sent before with an unknown outcome")
        return step

    def _step(self, state: ConversationState, ctx: PlanningContext) -> Step:
        v = View(state, ctx.now)
        turn_actions = state.turn_actions()
        last = turn_actions[-1] if turn_actions else None
        if last is not None and not last.ok and last.result.failure is not None:
            kind = last.result.failure.kind
            if last.outcome == "unknown":
                return Escalate(
                    "tool_failure",
                    f"{last.call.tool}: outcome unknown: {last.result.failure.message}",
                )
            return Escalate(
                "tool_failure" if kind in _RETRYABLE else "tool_rejected",
                f"{last.call.tool}: {last.result.failure.message}",
            )

        guard = state.this_turn.guard
        if guard is not None and guard.turn == state.turn and guard.call is not None:
            if guard.verdict == "confirm":
                return Say(
                    part_of(get_tool(guard.call.tool).template, "confirm"),
                    "awaiting_customer",
                    {
                        "args": guard.call.args,
                        "record": _record(state, guard.call.args),
                        "done_now": [a.call.tool for a in turn_actions if a.ok],
                    },
                    slot="confirmation",
                )
            if guard.verdict == "step_up":
                return Call("start_verification", {"customer_id": state.customer_id})
            if guard.verdict == "escalate":
                over_limit = guard.rule_id == LIMIT_AMOUNT
                return Escalate("limit" if over_limit else "approval", guard.reason)
            if guard.rule_id == "ID-INSUFFICIENT":
                return Say("replies/identity_needed.j2", "awaiting_customer")
            return Escalate("guard_block", f"{guard.rule_id}: {guard.reason}")

        pending = state.pending
        understanding = state.this_turn.understanding
        if pending is not None and pending.kind == "step_up":
            checked = v.this_turn("check_verification")
            if checked is not None and checked.ok:
                result = checked.result.parsed(VerificationResult)
                if result.verified:
                    return Call(pending.call.tool, dict(pending.call.args))
                if result.attempts_left <= 0:
                    return Escalate("verification", "too many wrong codes")
                return Say(
                    "replies/stepup_wrong_code.j2",
                    "awaiting_customer",
                    {"attempts_left": result.attempts_left},
                    slot="code",
                )
            if v.this_turn("start_verification") is not None:
                return Say("replies/stepup_code_sent.j2", "awaiting_customer", slot="code")
            codes = understanding.entities.codes if understanding else []
            if codes and pending.asked_turn < state.turn:
                return Call(
                    "check_verification", {"customer_id": state.customer_id, "code": codes[-1]}
                )
            return Say("replies/stepup_ask_code.j2", "awaiting_customer", slot="code")
        confirmed = state.confirmed_call()
        if confirmed is not None and not any(a.call == confirmed for a in turn_actions):
            return Call(confirmed.tool, dict(confirmed.args))

        if (
            understanding is not None
            and understanding.confirmation == "no"
            and pending is None
            and state.slot in PICK_SLOTS
        ):
            # "Never mind" to "which payment?": nothing is done, nothing more asked.
            return Say("replies/nothing_changed.j2", "resolved")
        policy = ctx.policies.intent(state.active_intent)
        step: Step
        if about_someone_elses_card(state, ctx.policies):
            # Only the customer's own cards are ours to act on, and none of theirs is touched
            # in place of the one they mean.
            step = Say("replies/someone_elses_card.j2", "resolved")
        elif about_someone_elses_account(state, ctx.policies):
            # "stop his standing order", "how much she has in her account": not the customer's
            # to look up or change, and none of their own payments is touched in its place.
            step = Say("replies/someone_elses_account.j2", "resolved")
        elif _card_at_risk(state, ctx):
            # "Card got nicked and there are payments I never made", read as a payment problem,
            # or "I put my card details into a fake parcel text", read as a scam report: the
            # card is frozen first and the fraud team takes it from there.
            step = PROCEDURES["lost_card"](v)
        elif policy.handling == "procedure" and asks_in_general(state.episode_text):
            # "if a company ever takes the wrong amount, how do I claim it back?": how it
            # works, answered from the help centre; nothing of theirs is looked up or changed
            step = _answer(state, ctx)
        elif policy.handling == "procedure" and policy.procedure in PROCEDURES:
            step = PROCEDURES[policy.procedure](v)
        elif policy.handling == "escalate":
            step = Escalate("intent", f"intent {state.active_intent} needs a person")
        elif policy.handling == "smalltalk":
            step = _smalltalk(state, ctx)
        else:
            step = _answer(state, ctx)
        if isinstance(step, Call) and any(
            a.call.tool == step.tool and a.call.args == step.args for a in turn_actions
        ):
            return Escalate("planner_loop", f"{step.tool} proposed again in the same turn")
        return step


#: The tools that change a card (writes taking a ``card_id``, from their declarations): an
#: intent allowed any of them is about acting on a card.
_CARD_WRITES = tuple(
    spec.name
    for spec in TOOLS
    if spec.effect == "write" and "card_id" in spec.args_model.model_fields
)


#: Procedures that look up a card's payments or delivery for the card the customer speaks of,
#: named from the functions themselves, so a renamed procedure cannot leave a stale name here.
_CARD_READS = frozenset(
    name
    for name, procedure in PROCEDURES.items()
    if procedure in (card_payment_status, card_delivery, swallowed_card)
)


def about_someone_elses_card(state: ConversationState, policies: Policies) -> bool:
    """A card problem about a card that belongs to someone else ("my girlfriend's card").

    Only for intents that may change a card (``policies/tools.yaml``) or look up its payments
    or delivery; the episode's words
    count, so "card ending 7324, please freeze it" after "my girlfriend's card got stolen" is
    still about hers.
    """
    acts_on_cards = any(
        state.active_intent in (policies.tools[tool].intents or []) for tool in _CARD_WRITES
    )
    # looking up a card's payments ("my brother's card got declined") would show the
    # customer's own payments in place of theirs
    reads_card_payments = policies.intent(state.active_intent).procedure in _CARD_READS
    # "could you cancel it and send her a replacement", "can u refund one for her": whatever
    # the problem is, what is asked of us is done to someone else's card
    acts_for_them = asks_us_to_act(state.episode_text) and policies.intent(
        state.active_intent
    ).handling in ("procedure", "answer")
    return (acts_on_cards or reads_card_payments or acts_for_them) and reports_someone_elses_card(
        state.episode_text
    )


def about_someone_elses_account(state: ConversationState, policies: Policies) -> bool:
    """A request about an account, balance or payment that belongs to someone else.

    For a procedure (it would look up or change the customer's own payments instead), or for
    any request that asks us to act or find out ("could you tell me how much she has"); a
    question of how they can do it themselves ("how can my dad check his balance") is answered.
    """
    handling = policies.intent(state.active_intent).handling
    asked = handling == "procedure" or (handling == "answer" and asks_us_to_act(state.episode_text))
    return asked and reports_someone_elses_account(state.episode_text)


def _card_at_risk(state: ConversationState, ctx: PlanningContext) -> bool:
    """A card someone else may use, told under an intent whose own handling would not freeze it.

    A lost or stolen card already used (told as a payment the customer didn't make), or card
    details the customer gave away (told as a scam report). Only for intents that may freeze a
    card (``policies/tools.yaml``); the lost-card intents reach the same procedure by their own
    policy.
    """
    may_freeze = ctx.policies.tools["freeze_card"].intents or []
    text = state.episode_text
    return (
        state.active_intent in may_freeze
        and ctx.policies.intent(state.active_intent).procedure != "lost_card"
        and ((reports_card_gone(text) and misuse_told(state)) or reports_card_details_given(text))
    )


def _smalltalk(state: ConversationState, ctx: PlanningContext) -> Step:
    if state.active_intent == "greeting":
        return Say("replies/greeting.j2", "awaiting_customer")
    if state.active_intent == "thanks_goodbye":
        return Say("replies/goodbye.j2", "resolved")
    # No intent fits, yet the help centre answers it squarely: a banking question our intents
    # do not name ("set up a standing order"). Non-banking text scores below 0.3 almost always.
    grounded = [p for p in state.this_turn.retrieved if p.score >= ctx.out_of_scope_grounding]
    if grounded:
        return _answer_from(best_answer(grounded), state, ctx)
    if state.clarifications < 1:
        return Say("replies/out_of_scope.j2", "awaiting_customer", slot="clarify")
    return Escalate("low_confidence", "still out of scope after one clarification")


def _answer(state: ConversationState, ctx: PlanningContext) -> Step:
    if reports_self_service_failed(state.incoming):
        # The article's route is what failed them (or only staff can do it): a person acts.
        return Escalate("self_service_failed", f"{state.active_intent}: self-service failed")
    overdue = _working_days_waited(state, ctx)
    policy = ctx.policies.intent(state.active_intent)
    wait = policy.trace_after_working_days
    if wait is not None and overdue is not None and overdue > wait:
        # "Paid cash in on Monday, still nothing" on a Friday: the article's wait is over and
        # its next step is a person tracing it; telling them to wait again would not help.
        return Escalate("self_service_failed", f"{state.active_intent}: {overdue} working days")
    hours = _hours_waited(state, ctx)
    if (
        policy.trace_after_hours is not None
        and hours is not None
        and hours > policy.trace_after_hours
    ):
        # "Sent £400 from my Monzo last night, still not here": a Faster Payment's 2 hours are
        # long gone, and the article's next step is a colleague tracing it.
        return Escalate("self_service_failed", f"{state.active_intent}: {hours} hours")
    grounded = [p for p in state.this_turn.retrieved if p.score >= _threshold(ctx)]
    if grounded:
        # Retrieval order, unless a later passage states more of the fact a qualified
        # question asks for ("at the weekend", "the most", "abroad"): ``retrieval.focus``.
        return _answer_from(best_answer(grounded), state, ctx)
    if state.clarifications < 1:
        return Say("replies/no_answer_clarify.j2", "awaiting_customer", slot="clarify")
    return Escalate("no_answer", "no help-centre article is close enough")


#: "a cheque dated 2nd March": the date written on a cheque, not a day the customer did anything
_DATED = re.compile(r"\bdated\s+(?:the\s+)?[\w/.-]+(?:\s+(?:of\s+)?[a-z]+\b)?", re.I)


def _working_days_waited(state: ConversationState, ctx: PlanningContext) -> int | None:
    """Working days since the earliest date the customer gave in this message, if any (never
    the date a cheque is dated)."""
    understanding = state.this_turn.understanding
    dates = understanding.entities.dates if understanding else []
    if dates and _DATED.search(state.incoming):
        dates = extract_entities(_DATED.sub(" ", state.incoming), now=ctx.now).dates
    if not dates:
        return None
    return working_days_since(min(date.fromisoformat(d) for d in dates), ctx.now.date())


#: "been like 14 hours now", "for 5 hrs", "3 hours ago": a wait told in hours
_HOURS = re.compile(
    r"\b(\d{1,3}|a couple of|a few|several|two|three|four|five|six|ten|twelve)\s*"
    r"(?:\+\s*)?(?:hours?|hrs?)\b",
    re.I,
)
_HOUR_WORDS = {
    "a couple of": 2,
    "a few": 3,
    "several": 3,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
    "twelve": 12,
}
#: words before a number of hours that give a time something takes, not the customer's wait
_NOT_A_WAIT = re.compile(r"\b(?:within|up to|take|takes|taking|in|under|about to)\s+$", re.I)
#: "last night", "overnight": at least since midnight
_OVERNIGHT = re.compile(r"\b(?:last\s+(?:night|nite|nyt)|overnight|over night)\b", re.I)
#: a scheme slower than a Faster Payment, whose wait is counted in working days, not hours
_SLOWER_SCHEME = re.compile(
    r"\b(?:bacs|wages?|salary|pay ?day|payroll|international|abroad|overseas|from (?:a|an) "
    r"(?:foreign|overseas) (?:bank|account)|swift)\b",
    re.I,
)


def _hours_waited(state: ConversationState, ctx: PlanningContext) -> int | None:
    """Hours the customer says they have waited in this message, if they say (never for a
    slower scheme than a Faster Payment, whose wait is in working days)."""
    text = state.incoming
    if _SLOWER_SCHEME.search(text):
        return None
    waits: list[int] = []
    for match in _HOURS.finditer(text):
        if _NOT_A_WAIT.search(text[max(0, match.start() - 16) : match.start()]):
            continue  # "it can take up to 24 hours": a time told, not one waited
        count = match.group(1).lower()
        waits.append(int(count) if count.isdigit() else _HOUR_WORDS[count])
    midnight = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)
    since_midnight = int((ctx.now - midnight).total_seconds() // 3600)
    if _OVERNIGHT.search(text):
        waits.append(since_midnight)
    understanding = state.this_turn.understanding
    today = ctx.now.date()
    earlier = [
        d
        for d in (understanding.entities.dates if understanding else [])
        if date.fromisoformat(d) < today
    ]
    if earlier:
        days = (today - min(date.fromisoformat(d) for d in earlier)).days
        waits.append(since_midnight + 24 * (days - 1))
    return max(waits) if waits else None


def _answer_from(best: Passage, state: ConversationState, ctx: PlanningContext) -> Step:
    """The answer from ``best``, with the asked facts it leaves out that other passages state.

    "How much is a CHAPS payment and does it arrive the same day?": the timing article answers
    and the fees article adds its £20, both cited (``retrieval.focus.supporting_facts``). A
    fact from a passage stating all the answer states and more ("up to £25,000 a day" beside
    "no limit on receiving money") is said, and cited, first.
    """
    floor = _threshold(ctx) - SUPPORT_MARGIN
    support = supporting_facts(best, state.this_turn.retrieved, floor)
    before = [(p, fact) for p, fact in support if says_more(p, best)]
    after = [(p, fact) for p, fact in support if not says_more(p, best)]
    return Say(
        "replies/answer.j2",
        "resolved",
        {
            "passage": best.model_dump(),
            "before": [fact for _, fact in before],
            "after": [fact for _, fact in after],
        },
        cite=(
            *(p.article_id for p, _ in before),
            best.article_id,
            *(p.article_id for p, _ in after),
        ),
    )


def _threshold(ctx: PlanningContext) -> float:
    return ctx.grounding_threshold


def _record(state: ConversationState, args: dict[str, Any]) -> dict[str, Any]:
    """The bank record an action's id argument points at, from results already seen."""
    wanted = {v for k, v in args.items() if k.endswith("_id") and k != "customer_id"}
    for action in reversed(state.actions):
        data = action.result.data or {}
        for value in data.values():
            rows = value if isinstance(value, list) else [value]
            for row in rows:
                if isinstance(row, dict) and row.get("id") in wanted:
                    return row
        if data.get("id") in wanted:
            return data
    return {}


def to_proposal(step: Step, state: ConversationState, ctx: PlanningContext) -> Proposal:
    if isinstance(step, Call):
        return ProposeTool(call=step.as_call())
    if isinstance(step, Escalate):
        return ProposeEscalate(
            escalation=fallback_escalation(
                step.fallback, ctx.policies, state.active_intent, detail=step.detail
            )
        )
    done = [
        ctx.templates.render_part(template, "done", args=a.call.args, data=a.result.data or {})
        for a in state.turn_actions()
        if a.ok and ctx.templates.has_part(template := get_tool(a.call.tool).template, "done")
    ]
    by_id = {p.article_id: p for p in state.this_turn.retrieved}
    cited = [by_id[a] for a in step.cite if a in by_id]
    # A reply citing an article may state the fact a qualified question asked of it
    # ("how long does a new card take?"); templates that report nothing found say it.
    fact = asked_fact(cited[0]) if cited else ""
    body = ctx.templates.render(step.template, now=ctx.now, asked_fact=fact, **step.context)
    citations = [
        Citation(article_id=a, title=by_id[a].title, url=by_id[a].url)
        for a in step.cite
        if a in by_id
    ]
    if citations:
        body = f"{body} More in our help centre: “{citations[0].title}”."
    text = " ".join([*done, body]).strip()
    return ProposeReply(text=text, status=step.status, citations=citations, slot=step.slot)
