"""A shadow run over the eval scenarios: how often would a COp send the agent's draft unchanged?

Each scenario is replayed in shadow mode (``RESOLVE_SHADOW_MODE``) on its own fresh mock bank:
every customer message is answered by a held draft, and a simulated COp claims the case and
sends each draft. The COp knows what the scenario expects the agent to say at that point: the
recorded agent line that follows the message (its fragments between ``...``), or for the last
message the scenario's ``reply_includes``. A draft that says all of it is sent unchanged; one
that misses some is edited (the COp adds what was missing). With nothing recorded for a turn
the COp has nothing to correct and sends it as it is; those turns are counted apart, so the
figure with them left out is printed too. A conversation the agent hands off is sent as in
live running (no draft), except a hand-off that carries a write the agent proposed (shadow
mode makes every write a proposal): the simulated COp approves it when the scenario expects
that tool called with those arguments, and rejects it otherwise. Scenarios with injected bank
faults or a patched bank are skipped: they measure the bank client, not the wording.

Prints agreement by intent (the agent's intent at the draft); asserts nothing.

    python benchmarks/shadow_run.py [PATH ...] [--limit N] [--tag T]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.desk.shadow import shadow_report, shadow_table
from resolution_agent.agent.guards.action import SHADOW_APPROVAL
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.retrieval import Retriever, build_retriever
from resolution_agent.agent.retrieval.base import WarmsUp
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import ToolCall
from resolution_agent.agent.understanding import IntentClassifier
from resolution_agent.agent.understanding.factory import open_intent_classifier
from resolution_agent.evals.loader import Scenario, load_suite
from resolution_agent.tools.mockbank import MockBank, load_seed
from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

DEFAULT_SUITE = PROJECT_ROOT / "fixtures" / "scenarios"
COP = "cop_amira"  # on the shipped roster: approvals check it


def expectations(scenario: Scenario) -> list[list[str]]:
    """For each customer message, the phrases the agent's answer to it is expected to hold."""
    found: list[list[str]] = []
    for index, turn in enumerate(scenario.turns):
        if turn.customer is None:
            continue
        following = scenario.turns[index + 1] if index + 1 < len(scenario.turns) else None
        if following is not None and following.agent is not None:
            parts = [p.strip(" .?!,") for p in re.split(r"\.\.\.|…", following.agent)]
            found.append([p for p in parts if len(p) > 3])
        else:
            found.append([])
    if found and not found[-1]:
        found[-1] = list(scenario.expect.reply_includes)
    return found


def cop_text(draft: str, expected: list[str]) -> tuple[str, bool]:
    """What the simulated COp sends, and whether they had an expectation to judge by."""
    missing = [p for p in expected if p.lower() not in draft.lower()]
    if not missing:
        return draft, bool(expected)
    return f"{draft} {' '.join(p.rstrip('.') + '.' for p in missing)}", True


@dataclass(frozen=True)
class Parts:
    """What every scenario's agent shares: opened once, as an eval run does."""

    policies: Policies
    classifier: IntentClassifier
    retriever: Retriever


async def open_parts(settings: Settings) -> Parts:
    policies = load_policies(settings.policies_dir)
    retriever = build_retriever(settings)
    if isinstance(retriever, WarmsUp):
        await retriever.warm_up()
    return Parts(policies, await open_intent_classifier(settings, policies), retriever)


def expected_call(scenario: Scenario, call: ToolCall) -> bool:
    """Whether the scenario expects this call: its tool, with every argument it names."""
    return any(
        want.name == call.tool and all(call.args.get(k) == v for k, v in want.args.items())
        for want in scenario.expect.tools_called
    )


async def decide_proposals(
    agent: ResolutionAgent, conversation_id: str, scenario: Scenario
) -> None:
    """The simulated COp approves the agent's shadow proposals the scenario expects, rejects
    the rest."""
    for proposal in await agent.list_proposals(conversation_id):
        if proposal.status != "pending" or proposal.rule_id != SHADOW_APPROVAL:
            continue
        if expected_call(scenario, proposal.call):
            await agent.approve_proposal(conversation_id, proposal.id, COP)
        else:
            await agent.reject_proposal(conversation_id, proposal.id, COP, "not what was asked")


async def run_scenario(
    scenario: Scenario, settings: Settings, parts: Parts, judged: Counter[str]
) -> list[AuditEvent]:
    bank = MockBank(load_seed(settings.fixtures_dir, scenario.bank))
    conversation_id = f"shadow-{scenario.id}"
    async with ResolutionAgent(
        settings,
        mock_bank=bank,
        policies=parts.policies,
        classifier=parts.classifier,
        retriever=parts.retriever,
    ) as agent:
        claimed = False
        for message, expected in zip(
            scenario.customer_messages, expectations(scenario), strict=True
        ):
            reply = await agent.handle_message(
                conversation_id, scenario.customer, message, scenario.session.identity
            )
            if reply.status == "handed_off":
                judged["handed_off"] += 1
                await decide_proposals(agent, conversation_id, scenario)
                break
            draft = await agent.draft_reply(conversation_id)
            if draft.source != "agent" or draft.text is None:
                judged["no_draft"] += 1
                continue
            if not claimed:
                await agent.claim_case(conversation_id, COP)
                claimed = True
            text, had_expectation = cop_text(draft.text, expected)
            judged["judged" if had_expectation else "unjudged"] += 1
            await agent.cop_reply(conversation_id, COP, text)
        return await agent.audit_events(conversation_id)


async def main(paths: list[Path], limit: int | None, tags: list[str]) -> None:
    scenarios = [s for s in load_suite(paths, tags) if not s.faults and not s.bank_patch and s.bank]
    skipped = len(load_suite(paths, tags)) - len(scenarios)
    scenarios = scenarios[:limit] if limit else scenarios
    judged: Counter[str] = Counter()
    conversations: list[list[AuditEvent]] = []
    fully_judged: list[list[AuditEvent]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder),
            checkpointer="memory",
            clock=DEFAULT_CLOCK,
            shadow_mode=True,
            reply_detector="off",
            log_level="error",
        )
        parts = await open_parts(settings)
        for scenario in scenarios:
            before = judged["unjudged"]
            events = await run_scenario(scenario, settings, parts, judged)
            conversations.append(events)
            if judged["unjudged"] == before:
                fully_judged.append(events)
    elapsed = time.perf_counter() - started
    report = shadow_report(conversations)
    print(
        f"shadow run: {len(scenarios)} scenarios ({skipped} with faults or a patched bank "
        f"skipped), {report.sent} drafts sent by the simulated COp, {elapsed:.0f} s"
    )
    print(
        f"turns: {judged['judged']} judged against the scenario, {judged['unjudged']} with "
        f"nothing recorded to judge by, {judged['handed_off']} handed off (no draft), "
        f"{judged['no_draft']} with no draft"
    )
    print()
    print(shadow_table(report))
    strict = shadow_report(fully_judged)
    print()
    print(
        f"scenarios in which every draft was judged against an expectation: "
        f"{strict.sent} drafts, {strict.agreement_rate:.0%} sent unchanged"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SUITE])
    parser.add_argument("--limit", type=int, default=None, help="only the first N scenarios")
    parser.add_argument("--tag", action="append", default=[], help="only scenarios with tag T")
    args = parser.parse_args()
    asyncio.run(main(args.paths, args.limit, args.tag))
