"""Scripted demo conversations on the offline default: the main job of a fresh clone.

Each script is a customer and their messages; the agent's replies, actions and any handoff
are real outputs of the graph against the in-process mock bank, nothing is canned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.settings import Settings
from resolution_agent.tools.vocabulary import IdentityLevel


@dataclass(frozen=True)
class Script:
    title: str
    customer_id: str
    messages: tuple[str, ...]
    identity: IdentityLevel = "app_authenticated"


SCRIPTS: tuple[Script, ...] = (
    Script(
        "Lost card: frozen at once",
        "cus_1001",
        ("I can't find my card anywhere, I think I left it on the bus this morning",),
    ),
    Script(
        "Confirmation across two messages: cancel and replace",
        "cus_1001",
        ("someone nicked my purse with my card in it", "yes please"),
    ),
    Script(
        "Step-up verification, then PIN unblocked",
        "cus_1003",
        ("my pin is blocked, I put the wrong one in three times", "731640"),
    ),
    Script("A declined card payment explained", "cus_1001", ("why was my card declined at ASOS?",)),
    Script(
        "Charged twice: a dispute raised after a yes",
        "cus_1001",
        ("Netflix has charged me twice this month", "yes"),
    ),
    Script(
        "Scam reported: handed to the fraud team",
        "cus_1008",
        (
            "A man rang saying he was from Kestrel's fraud team and told me to move my savings "
            "to a safe account. I've already sent £2,000.",
        ),
    ),
    Script(
        "Scheduled payment cancelled",
        "cus_1001",
        ("please cancel my rent payment to Harbour Lettings", "yes"),
    ),
    Script("A late card delivery", "cus_1004", ("my new card still hasn't arrived",)),
)


async def run_demo(settings: Settings, echo: Callable[[str], None]) -> int:
    """Run every script; returns how many conversations ended as their script expects."""
    run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    async with ResolutionAgent(settings) as agent:
        for number, script in enumerate(SCRIPTS, start=1):
            conversation_id = f"demo-{run_id}-{number}"
            echo(f"\n=== {number}. {script.title}  ({script.customer_id}, {conversation_id})")
            for text in script.messages:
                reply = await agent.handle_message(
                    conversation_id, script.customer_id, text, identity=script.identity
                )
                echo(f"  customer: {text}")
                echo(f"  agent:    {reply.text}")
                for action in reply.actions:
                    args = ", ".join(f"{k}={v}" for k, v in action.args.items())
                    echo(f"            · {action.tool}({args}) -> {action.outcome}")
                for citation in reply.citations:
                    echo(f"            · cited {citation.article_id}: {citation.url}")
                echo(f"            [{reply.status}; intent {reply.intent}]")
                if reply.handoff is not None:
                    echo("\n  --- handoff summary for the COp ---")
                    for line in reply.handoff.markdown.splitlines():
                        echo(f"  | {line}")
    return len(SCRIPTS)
