"""The terminal chat behind ``resolve chat``.

Everything that can be refused is refused before the first prompt, so nobody types a message
only to be told the customer id was wrong: the agent opens (with progress), the bank is asked
whether it knows the customer, and a resumed conversation is checked to be theirs. A resumed
conversation's history is printed first, so the chat goes on where it stopped; each reply
shows the help articles it cites with their links, as a chat channel would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Literal

from resolution_agent.agent.api import Reply, ResolutionAgent
from resolution_agent.agent.errors import (
    ConversationOwnershipError,
    DamagedConversationError,
    UnknownConversationError,
)
from resolution_agent.agent.progress import progress
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import Message
from resolution_agent.tools.vocabulary import IdentityLevel

Echo = Callable[[str], None]
SPEAKERS = {"customer": "you", "agent": "agent", "cop": "COp", "system": "system"}
QUIT = ("quit", "exit")


async def run_chat(
    settings: Settings,
    customer_id: str,
    conversation_id: str,
    identity: IdentityLevel,
    *,
    resume: bool,
    echo: Echo,
    read: Callable[[str], str] = input,
) -> None:
    """Chat until end of input or 'quit'; ``resume``: the id was given, show what was said."""
    async with AsyncExitStack() as stack:
        with progress("opening the agent"):
            agent = await stack.enter_async_context(ResolutionAgent(settings))
            await agent.check_customer(customer_id)
            history = await _history(agent, conversation_id, customer_id) if resume else None
        echo(f"conversation {conversation_id} as {customer_id}; 'quit' to leave")
        if isinstance(history, list):
            _show_history(history, echo)
        elif history is _DAMAGED:
            echo(
                f"(the stored history of {conversation_id} cannot be read; your next message "
                "goes to a colleague, who will pick it up from the bank's records)"
            )
        elif resume:
            echo(f"(no conversation {conversation_id} stored yet: it starts now)")
        while True:
            try:
                text = await asyncio.to_thread(read, "you> ")
            except EOFError:
                return
            if text.strip().lower() in QUIT:
                return
            reply = await agent.handle_message(
                conversation_id, customer_id, text, identity=identity
            )
            show_reply(reply, echo)


_DAMAGED: Literal["damaged"] = "damaged"


async def _history(
    agent: ResolutionAgent, conversation_id: str, customer_id: str
) -> list[Message] | Literal["damaged"] | None:
    """The stored transcript, None when nothing is stored; another customer's: refused.

    A damaged conversation is no reason to refuse the chat: its next turn hands off (rule
    ESC-DAMAGED-CONVERSATION), so the customer is told and may go on.
    """
    try:
        conversation = await agent.get_conversation(conversation_id)
    except UnknownConversationError:
        return None
    except DamagedConversationError:
        return _DAMAGED
    if conversation.customer_id != customer_id:
        raise ConversationOwnershipError(conversation_id)
    return conversation.transcript


def _show_history(transcript: list[Message], echo: Echo) -> None:
    echo(f"--- {len(transcript)} earlier messages ---")
    for message in transcript:
        speaker = SPEAKERS.get(message.role, message.role)
        echo(f"{speaker + '>':<7}{message.text}")
    echo("--- now ---")


def show_reply(reply: Reply, echo: Echo) -> None:
    """The reply, the articles it cites (title and link), actions taken and any hand-off."""
    echo(f"agent> {reply.text}")
    for citation in reply.citations:
        echo(f"       · {citation.title}: {citation.url}")
    for action in reply.actions:
        echo(f"       · {action.tool} -> {action.outcome}")
    if reply.handoff is not None:
        echo(f"       [handed off to {reply.handoff.queue}, {reply.handoff.priority}]")


__all__ = ["run_chat", "show_reply"]
