"""Faithfulness of handoff summaries over every handed-off scenario of the eval suite.

For each scenario run that ends handed off, checks that: every action in the summary
happened (same tool, arguments and outcome, in order) and no action that happened is
missing; the summary's queue and priority are those of the rule that fired (looked up again
in ``policies/``, with "topic" resolved through the intent's topic queue); and the first
reason names that rule. Prints the figure; asserts nothing.

    python benchmarks/handoff_faithfulness.py [PATH ...]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from agent.policies import Policies, load_policies
from agent.settings import Settings
from evals.loader import load_suite
from evals.runner import RunRecord, SuiteRunner, jobs_for

DEFAULT_SUITE = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"


def expected_route(policies: Policies, rule_id: str, intent: str | None) -> tuple[str, str] | None:
    """(queue, priority) that ``rule_id`` sends a conversation to, from the policy files."""
    topic = policies.intent(intent).topic_queue
    for rule in policies.escalation.signal_rules:
        if rule.id == rule_id:
            return (topic if rule.queue == "topic" else rule.queue, rule.priority)
    for fallback in policies.escalation.fallbacks.values():
        if fallback.id == rule_id:
            return (topic if fallback.queue == "topic" else fallback.queue, fallback.priority)
    prefix = policies.fallback("intent").id + "-"
    if rule_id.startswith(prefix):
        policy = policies.intent(intent)
        return (policy.topic_queue, policy.priority)
    return None


def check(record: RunRecord, policies: Policies) -> tuple[str, list[str]] | None:
    """None when the run was not handed off; else (scenario id, problems found)."""
    conversation = record.conversation
    if conversation is None or conversation.handoff is None:
        return None
    summary, state = conversation.handoff, conversation.state
    problems: list[str] = []
    # After a handoff the agent acts no more, so every action of the conversation counts.
    done = [
        (a.call.tool, dict(a.call.args), "succeeded" if a.ok else "failed") for a in state.actions
    ]
    listed = [(a.tool, a.summary, a.outcome) for a in summary.actions]
    if len(done) != len(listed):
        problems.append(f"{len(listed)} actions listed, {len(done)} happened")
    for (tool, args, outcome), (l_tool, l_summary, l_outcome) in zip(done, listed, strict=False):
        shown = ", ".join(f"{k}={v}" for k, v in args.items() if k != "customer_id")
        if (tool, outcome) != (l_tool, l_outcome) or (shown or "(no arguments)") != l_summary:
            problems.append(f"action {l_tool} {l_summary} {l_outcome} != {tool} {shown} {outcome}")
    main = summary.reasons[0].rule_id if summary.reasons else ""
    if state.escalation is not None and main != state.escalation.rule_id:
        problems.append(
            f"first reason {main} is not the rule that fired {state.escalation.rule_id}"
        )
    route = expected_route(policies, main, state.topic_intent or state.active_intent)
    if route is not None and route != (summary.queue, summary.priority):
        problems.append(
            f"{main} routes to {route}, summary says {summary.queue}/{summary.priority}"
        )
    return (record.scenario.id, problems)


async def main_async(paths: list[Path]) -> None:
    settings = Settings()
    policies = load_policies(settings.policies_dir)
    scenarios = load_suite(paths)
    runner = SuiteRunner(settings, scenarios)
    results = await runner.run(jobs_for(scenarios, 1), lambda r: check(r, policies))
    handed = [r for r in results if r is not None]
    faithful = [r for r in handed if not r[1]]
    print(f"handed-off scenario runs: {len(handed)} of {len(scenarios)}")
    print(f"faithful summaries:       {len(faithful)} ({len(faithful) / max(len(handed), 1):.1%})")
    for scenario_id, problems in handed:
        for problem in problems:
            print(f"  {scenario_id}: {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SUITE])
    asyncio.run(main_async(parser.parse_args().paths))


if __name__ == "__main__":
    main()
