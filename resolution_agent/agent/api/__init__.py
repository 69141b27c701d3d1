"""The async public API for chat channels: ``ResolutionAgent.handle_message``.

One agent per process, used as an async context manager. Conversations are serialised by a
per-conversation lock (two messages of one conversation never run at once) and run
concurrently otherwise. State is checkpointed after every graph step, so a restart with the
same settings resumes every conversation.

Inside: ``_wiring`` opens the dependencies, ``_turns`` runs customer turns, ``_models`` holds
what the API returns; the COp desk's methods come from :mod:`agent.desk`.
"""

from resolution_agent.agent.api._agent import ResolutionAgent
from resolution_agent.agent.api._models import ActionTaken, Conversation, Reply

__all__ = ["ActionTaken", "Conversation", "Reply", "ResolutionAgent"]
