"""Accounting: tokens, cost, model time and calls, per turn and per conversation."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.models import TokenUsage


class Usage(BaseModel):
    """What the planner spent; add two with ``+``."""

    model_config = ConfigDict(frozen=True)

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    model_ms: float = 0.0
    failed_calls: int = 0
    fallbacks: int = 0
    unpriced_calls: int = 0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls + other.calls,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=round(self.cost_usd + other.cost_usd, 8),
            model_ms=round(self.model_ms + other.model_ms, 3),
            failed_calls=self.failed_calls + other.failed_calls,
            fallbacks=self.fallbacks + other.fallbacks,
            unpriced_calls=self.unpriced_calls + other.unpriced_calls,
        )


class ConversationUsage(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: Usage = Usage()
    turns: dict[int, Usage] = {}


@dataclass(frozen=True, slots=True)
class PriceTable:
    """USD per 1M tokens (input, output) by model, looked up by spec then by bare name."""

    prices: dict[str, tuple[float, float]]

    def cost(self, model: str, tokens: TokenUsage) -> float | None:
        bare = model.partition(":")[2]
        price = next(
            (self.prices[k] for k in (model, bare, bare.rsplit("@", 1)[0]) if k in self.prices),
            None,
        )
        if price is None:
            return None
        per_in, per_out = price
        return (tokens.input_tokens * per_in + tokens.output_tokens * per_out) / 1_000_000


@dataclass
class Ledger:
    """Usage by conversation and turn, in memory, for the most recent conversations."""

    max_conversations: int = 10_000
    _by_conversation: OrderedDict[str, ConversationUsage] = field(default_factory=OrderedDict)

    def add(self, conversation_id: str, turn: int, usage: Usage) -> None:
        current = self._by_conversation.pop(conversation_id, ConversationUsage())
        turns = dict(current.turns)
        turns[turn] = turns.get(turn, Usage()) + usage
        self._by_conversation[conversation_id] = ConversationUsage(
            total=current.total + usage, turns=turns
        )
        while len(self._by_conversation) > self.max_conversations:
            self._by_conversation.popitem(last=False)

    def conversation(self, conversation_id: str) -> ConversationUsage:
        return self._by_conversation.get(conversation_id, ConversationUsage())

    def turn(self, conversation_id: str, turn: int) -> Usage:
        return self.conversation(conversation_id).turns.get(turn, Usage())
