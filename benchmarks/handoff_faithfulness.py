"""Faithfulness of handoff summaries over every handed-off scenario of the eval suite.

For each scenario run that ends handed off, checks that: every action in the summary
happened (same tool, arguments and outcome, in order) and no action that happened is
missing; the summary's queue and priority are those of the rule that fired (looked up again
in ``policies/``, with "topic" resolved through the intent's topic queue); and the first
reason names that rule. Runs the suite twice: on the offline planner, and on the LLM planner
(fast path off, the simulated engine model of ``agent.planning.simulated``, so its own
rules such as ``ESC-LLM-HANDOFF`` are checked too). Prints the figures; asserts nothing.

    python benchmarks/handoff_faithfulness.py [PATH ...] [--offline-only]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.llm import LLMPlannerConfig, llm_rule_route
from resolution_agent.agent.planning.simulated import SimulatedPlanner
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.evals.loader import Scenario, load_suite
from resolution_agent.evals.runner import PlannerFactory, RunRecord, SuiteRunner, jobs_for

DEFAULT_SUITE = PROJECT_ROOT / "fixtures" / "scenarios"


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
    return llm_rule_route(rule_id, policies, intent)


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
    if state.this_turn.escalation is not None and main != state.this_turn.escalation.rule_id:
        problems.append(
            f"first reason {main} is not the rule that fired {state.this_turn.escalation.rule_id}"
        )
    route = expected_route(policies, main, state.topic_intent or state.active_intent)
    if route is not None and route != (summary.queue, summary.priority):
        problems.append(
            f"{main} routes to {route}, summary says {summary.queue}/{summary.priority}"
        )
    return (record.scenario.id, problems)


def simulated_llm() -> Planner:
    return SimulatedPlanner(LLMPlannerConfig(fast_path=False))


async def faithfulness(
    label: str, scenarios: list[Scenario], planner: PlannerFactory | None
) -> None:
    settings = Settings(model="offline")
    policies = load_policies(settings.policies_dir)
    runner = SuiteRunner(settings, scenarios, planner=planner)
    results = await runner.run(jobs_for(scenarios, 1), lambda r: check(r, policies))
    handed = [r for r in results if r is not None]
    faithful = [r for r in handed if not r[1]]
    expected = sum(1 for s in scenarios if s.expect.outcome == "handed_off")
    print(f"{label}:")
    print(f"  handed-off scenario runs: {len(handed)} of {len(scenarios)} ({expected} expect one)")
    print(
        f"  faithful summaries:       {len(faithful)} ({len(faithful) / max(len(handed), 1):.1%})"
    )
    for scenario_id, problems in handed:
        for problem in problems:
            print(f"    {scenario_id}: {problem}")


async def main_async(paths: list[Path], offline_only: bool) -> None:
    scenarios = load_suite(paths)
    await faithfulness("offline planner", scenarios, None)
    if not offline_only:
        await faithfulness("LLM planner (simulated model, fast path off)", scenarios, simulated_llm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SUITE])
    parser.add_argument("--offline-only", action="store_true")
    args = parser.parse_args()
    asyncio.run(main_async(args.paths, args.offline_only))


if __name__ == "__main__":
    main()
