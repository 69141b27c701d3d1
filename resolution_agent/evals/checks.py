"""Each expectation of a scenario, checked against one run, with a message a reader can act on.

A failure message says what was expected and what happened (``outcome: expected resolved, got
handed_off``), so the terminal table and the HTML report can show it without the transcript.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, JsonValue

from resolution_agent.agent.api import ActionTaken
from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.desk.proposals import PROPOSAL_MADE
from resolution_agent.agent.state import ToolCall
from resolution_agent.evals.loader import Expect, ToolExpectation
from resolution_agent.evals.runner import RunRecord

_MISSING = object()


class Check(BaseModel):
    """One expectation's verdict; ``message`` is empty when it held."""

    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool
    message: str = ""


def as_text(value: Any) -> str:
    """How values are compared when their types differ: YAML ``true`` and ``"true"`` agree."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def same(expected: Any, actual: Any) -> bool:
    if expected == actual and type(expected) is type(actual):
        return True
    return as_text(expected) == as_text(actual)


def args_match(expected: Mapping[str, JsonValue], actual: Mapping[str, JsonValue]) -> bool:
    """Only the keys the scenario names are compared; others may differ."""
    return all(key in actual and same(value, actual[key]) for key, value in expected.items())


class _Call(Protocol):
    """A call as graded: one that ran (:class:`ActionTaken`) or one proposed (:class:`ToolCall`)."""

    @property
    def tool(self) -> str: ...

    @property
    def args(self) -> Mapping[str, JsonValue]: ...


def match_calls(expected: Sequence[ToolExpectation], executed: Sequence[_Call]) -> int:
    """How many expected calls are found in order, as a subsequence of the executed ones.

    Greedy earliest matching is optimal for subsequence matching, so this is also the length of
    the longest matched prefix of ``expected``.
    """
    position = 0
    matched = 0
    for want in expected:
        while position < len(executed):
            action = executed[position]
            position += 1
            if action.tool == want.name and args_match(want.args, action.args):
                matched += 1
                break
        else:
            break
    return matched


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path (``cards.card_1001.status``), or ``_MISSING``."""
    node = data
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def check_run(expect: Expect, record: RunRecord) -> list[Check]:
    """Every expectation the scenario states, in the order of the spec."""
    conversation = record.conversation
    checks: list[Check] = []
    if record.error is not None:
        checks.append(Check(name="run", passed=False, message=f"crashed: {record.error}"))
    if conversation is None:
        return checks
    handoff = conversation.handoff
    replies = [turn.reply for turn in record.turns]
    if expect.outcome is not None:
        checks.append(_equal("outcome", expect.outcome, conversation.status))
    if expect.intent is not None:
        checks.append(_equal("intent", expect.intent, conversation.first_intent))
    if expect.queue is not None:
        checks.append(_equal("queue", expect.queue, handoff.queue if handoff else None))
    if expect.priority is not None:
        checks.append(_equal("priority", expect.priority, handoff.priority if handoff else None))
    if expect.tools_called:
        checks.append(_tools_called(expect.tools_called, conversation.actions))
    if expect.tools_not_called:
        ran = sorted({a.tool for a in conversation.actions} & set(expect.tools_not_called))
        checks.append(
            Check(
                name="tools_not_called",
                passed=not ran,
                message=f"tools_not_called: {', '.join(ran)} ran" if ran else "",
            )
        )
    if expect.proposed:
        checks.append(_proposed(expect.proposed, record.audit))
    if expect.state:
        bank = record.bank.to_json() if record.bank is not None else {}
        checks.extend(_state(path, want, bank) for path, want in expect.state.items())
    checks.extend(_replies(expect, replies))
    if expect.cites:
        cited = {article for turn in record.turns for article in turn.citations}
        missing = [a for a in expect.cites if a not in cited]
        checks.append(
            Check(
                name="cites",
                passed=not missing,
                message=f"not cited: {', '.join(missing)} (cited: {', '.join(sorted(cited))})"
                if missing
                else "",
            )
        )
    if expect.max_turns is not None:
        ok = len(replies) <= expect.max_turns
        checks.append(
            Check(
                name="max_turns",
                passed=ok,
                message=""
                if ok
                else f"max_turns: {len(replies)} agent replies, at most {expect.max_turns}",
            )
        )
    return checks


def _equal(name: str, expected: str, actual: str | None) -> Check:
    if actual == expected:
        return Check(name=name, passed=True)
    got = actual if actual is not None else "(none)"
    return Check(name=name, passed=False, message=f"{name}: expected {expected}, got {got}")


def _tools_called(expected: Sequence[ToolExpectation], actions: Sequence[ActionTaken]) -> Check:
    matched = match_calls(expected, actions)
    if matched == len(expected):
        return Check(name="tools_called", passed=True)
    want = expected[matched]
    args = ", ".join(f"{k}={as_text(v)}" for k, v in want.args.items())
    ran = ", ".join(a.tool for a in actions) or "nothing"
    return Check(
        name="tools_called",
        passed=False,
        message=f"tools_called: {want.name}({args}) did not run in order (ran: {ran})",
    )


def _proposed(expected: Sequence[ToolExpectation], audit: Sequence[AuditEvent]) -> Check:
    """The calls the agent proposed for staff approval, read from the audit (PROPOSAL-MADE)."""
    proposed = [
        ToolCall.model_validate({"tool": e.detail.get("tool"), "args": e.detail.get("args")})
        for e in audit
        if e.rule_id == PROPOSAL_MADE
    ]
    matched = match_calls(expected, proposed)
    if matched == len(expected):
        return Check(name="proposed", passed=True)
    want = expected[matched]
    args = ", ".join(f"{k}={as_text(v)}" for k, v in want.args.items())
    made = ", ".join(c.tool for c in proposed) or "nothing"
    return Check(
        name="proposed",
        passed=False,
        message=f"proposed: {want.name}({args}) was not proposed in order (proposed: {made})",
    )


def _state(path: str, want: JsonValue, bank: Mapping[str, Any]) -> Check:
    got = lookup(bank, path)
    if got is _MISSING:
        return Check(name="state", passed=False, message=f"state: {path} does not exist")
    if same(want, got):
        return Check(name="state", passed=True)
    return Check(
        name="state",
        passed=False,
        message=f"state: {path} expected {as_text(want)}, got {as_text(got)}",
    )


def _replies(expect: Expect, replies: Sequence[str]) -> list[Check]:
    text = "\n".join(replies).casefold()
    checks: list[Check] = []
    for phrase in expect.reply_includes:
        ok = phrase.casefold() in text
        checks.append(
            Check(
                name="reply_includes",
                passed=ok,
                message="" if ok else f"reply_includes: no reply says {phrase!r}",
            )
        )
    for phrase in expect.reply_excludes:
        ok = phrase.casefold() not in text
        checks.append(
            Check(
                name="reply_excludes",
                passed=ok,
                message="" if ok else f"reply_excludes: a reply says {phrase!r}",
            )
        )
    return checks


__all__ = ["Check", "args_match", "as_text", "check_run", "lookup", "match_calls", "same"]
