"""The planner's memory within one turn of a conversation: queued calls, the mode it is in.

A model may answer with several tool calls at once; they are proposed one per plan step, in
order, each through the action guard. Memory is keyed by conversation and reset on a new turn;
after a restart it is simply empty and the model is asked again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from resolution_agent.agent.state import ToolCall


@dataclass
class TurnMemory:
    turn: int
    queued: list[ToolCall] = field(default_factory=list)
    offline: bool = False


@dataclass
class Memories:
    max_conversations: int = 10_000
    _items: OrderedDict[str, TurnMemory] = field(default_factory=OrderedDict)

    def of(self, conversation_id: str, turn: int) -> TurnMemory:
        memory = self._items.pop(conversation_id, None)
        if memory is None or memory.turn != turn:
            memory = TurnMemory(turn=turn)
        self._items[conversation_id] = memory
        while len(self._items) > self.max_conversations:
            self._items.popitem(last=False)
        return memory
