"""The action guard: every proposed tool call is checked here before anything runs.

Order of checks (first failing check decides): the tool exists and its arguments validate;
every id belongs to the conversation's customer; an argument only the customer may supply (a
one-time code) is one they typed after the code was sent; a tool that serves step-up (sending
a one-time code) runs only while a step-up this guard asked for waits; the intent may use the
tool; the conversation's identity is high enough (else step-up); amount limits; explicit
confirmation for sensitive tools, taken only from the customer's answer in a later turn to the
agent's own question about exactly this call.

A call over its limit, or of a tool whose policy says ``staff_approval``, is never run by the
agent alone: the verdict is "escalate" and the hand-off carries the call as a proposal
(:mod:`agent.desk.proposals`). When a COp approves it, the same checks run again with
``approved_by``: the COp's decision stands in for the limit, the staff approval and the
customer's in-chat yes (the COp talks to the customer on the case), and every other check
(ownership, intent, identity, step-up) still applies.

In shadow mode (``Settings.shadow_mode``) a write that passed every other check, the
customer's yes included, is a proposal too (rule ``SHADOW-APPROVAL``): the agent drafts the
action, a COp approves or rejects it (:mod:`agent.desk.shadow`). Reads and verification steps
still run, so drafts can say what the bank shows.

Step-up is due only for a call of a tool whose policy needs identity ``step_up`` that this
guard answered with "step_up" (the conversation's pending step-up), so which intents may send
codes follows from ``policies/tools.yaml`` alone: a model (or a planted instruction) cannot
make the bank text the customer codes in a conversation that needs none.
"""

from __future__ import annotations

from pydantic import ValidationError

from resolution_agent.agent.guards._secrets import digit_runs
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ConversationState, GuardDecision, ToolCall
from resolution_agent.agent.vocabulary import Verdict
from resolution_agent.tools.declarations import TOOLS_BY_NAME, TypedByCustomer
from resolution_agent.tools.vocabulary import ID_ARGUMENT_COLLECTION, IDENTITY_RANK

#: Over a tool's amount limit: a person decides (the one escalation cause that is not "approval").
LIMIT_AMOUNT = "LIMIT-AMOUNT"
#: Shadow mode's rule: a write the guard would let the agent make becomes a COp's proposal.
SHADOW_APPROVAL = "SHADOW-APPROVAL"


def _decision(
    state: ConversationState, call: ToolCall, verdict: Verdict, rule: str, reason: str
) -> GuardDecision:
    return GuardDecision(
        verdict=verdict,
        rule_id=rule,
        reason=reason,
        turn=state.turn,
        call=call,
    )


def check_action(
    state: ConversationState,
    call: ToolCall,
    policies: Policies,
    *,
    approved_by: str | None = None,
    shadow: bool = False,
) -> GuardDecision:
    """The verdict on ``call``; ``approved_by``: the COp who approved it as a proposal;
    ``shadow``: shadow mode, where no write runs until a COp approves it."""
    spec = TOOLS_BY_NAME.get(call.tool)
    if spec is None:
        return _decision(state, call, "block", "TOOL-UNKNOWN", f"no tool named {call.tool!r}")
    try:
        spec.args_model.model_validate(call.args)
    except ValidationError as exc:
        return _decision(
            state,
            call,
            "block",
            "TOOL-ARGS-INVALID",
            f"arguments do not validate ({exc.error_count()} errors)",
        )
    policy = policies.tools[call.tool]

    for name, value in call.args.items():
        collection = ID_ARGUMENT_COLLECTION.get(name)
        if collection is None:
            continue
        if collection == "customers":
            if value != state.customer_id:
                return _decision(
                    state,
                    call,
                    "block",
                    "OWN-CUSTOMER",
                    "customer id is not the conversation's customer",
                )
        elif not state.owns(collection, str(value)):
            return _decision(
                state,
                call,
                "block",
                "OWN-RECORD",
                f"{name} is not a record of the conversation's customer",
            )

    typed = spec.typed_by_customer
    if typed is not None and not _typed_by_customer(state, typed, call.args.get(typed.argument)):
        return _decision(
            state,
            call,
            "block",
            "ARG-NOT-TYPED",
            f"{typed.argument} must be one the customer typed after {typed.after} succeeded",
        )

    if policy.for_step_up and not _step_up_due(state, policies):
        return _decision(
            state,
            call,
            "block",
            "STEP-UP-UNASKED",
            f"{call.tool} runs only for a step-up that a tool waiting in this conversation needs",
        )

    if policy.intents is not None and state.active_intent not in policy.intents:
        return _decision(
            state,
            call,
            "block",
            "INTENT-TOOL",
            f"intent {state.active_intent!r} may not use {call.tool}",
        )

    if IDENTITY_RANK[state.identity] < IDENTITY_RANK[policy.identity]:
        if policy.identity == "step_up" and IDENTITY_RANK[state.identity] >= 1:
            return _decision(
                state, call, "step_up", "ID-STEP-UP", f"{call.tool} needs step-up verification"
            )
        return _decision(
            state,
            call,
            "block",
            "ID-INSUFFICIENT",
            f"{call.tool} needs identity {policy.identity}, have {state.identity}",
        )

    if policy.staff_approval and approved_by is None:
        return _decision(
            state,
            call,
            "escalate",
            "APPROVAL-REQUIRED",
            f"{call.tool} runs only when a member of staff approves it",
        )

    if policy.max_amount_pence is not None and approved_by is None:
        amount = _amount_of(state, call)
        if amount is not None and amount > policy.max_amount_pence:
            return _decision(
                state,
                call,
                "escalate",
                LIMIT_AMOUNT,
                f"amount {amount} over the limit {policy.max_amount_pence}",
            )

    if policy.confirm and approved_by is None and state.confirmed_call() != call:
        return _decision(
            state,
            call,
            "confirm",
            "CONFIRM-REQUIRED",
            f"{call.tool} needs the customer's explicit yes",
        )
    # Verification steps (a code sent, a code checked) change nothing of the customer's money
    # or cards, so they run in shadow mode too: the call they unlock is what a COp approves.
    verification_step = policy.for_step_up or typed is not None
    if shadow and spec.effect == "write" and not verification_step and approved_by is None:
        return _decision(
            state,
            call,
            "escalate",
            SHADOW_APPROVAL,
            f"shadow mode: {call.tool} runs only when a member of staff approves it",
        )
    if approved_by is not None:
        return _decision(
            state, call, "allow", "ALLOW-APPROVED", f"all checks passed; approved by {approved_by}"
        )
    return _decision(state, call, "allow", "ALLOW", "all checks passed")


def _step_up_due(state: ConversationState, policies: Policies) -> bool:
    """Whether a call that needs step-up waits for it, and the customer is not verified yet."""
    pending = state.pending
    if pending is None or pending.kind != "step_up":
        return False
    needed = policies.tools[pending.call.tool].identity
    return IDENTITY_RANK[state.identity] < IDENTITY_RANK[needed] == IDENTITY_RANK["step_up"]


def _amount_of(state: ConversationState, call: ToolCall) -> int | None:
    """The absolute amount a call concerns, from the records the agent has seen."""
    txn_id = call.args.get("transaction_id")
    if txn_id is None:
        return None
    for record in reversed(state.actions):
        data = record.result.data or {}
        listed = data.get("transactions")
        rows: list[object] = list(listed) if isinstance(listed, list) else [data]
        for row in rows:
            if isinstance(row, dict) and row.get("id") == txn_id:
                amount = row.get("amount")
                return abs(amount) if isinstance(amount, int) else None
    return None


def _typed_by_customer(state: ConversationState, typed: TypedByCustomer, value: object) -> bool:
    """Whether ``value`` is a number the customer wrote after ``typed.after`` last succeeded."""
    sent_turn = next(
        (a.turn for a in reversed(state.actions) if a.call.tool == typed.after and a.ok), None
    )
    if sent_turn is None or not isinstance(value, str):
        return False
    return any(
        value in digit_runs(message.text)
        for message in state.transcript
        if message.role == "customer" and message.turn > sent_turn
    )
