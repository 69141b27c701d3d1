"""What an LLM planner may spend and how it behaves, in one frozen value."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from resolution_agent.agent.settings import Settings


class LLMPlannerConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_calls_per_turn: int = Field(
        default=8, ge=1, description="Model calls one customer message may take."
    )
    turn_model_budget_s: float = Field(
        default=Settings.model_fields["llm_turn_model_budget_s"].default,
        gt=0,
        description="Model time one customer message may take (calls, retries and fallbacks).",
    )
    max_tokens_per_conversation: int = Field(
        default=100_000, ge=1, description="Input plus output tokens over the conversation."
    )
    max_output_tokens: int = Field(default=1024, ge=16)
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="Unset: the provider's default."
    )
    fast_path: bool = Field(
        default=True,
        description="Let the offline planner run confident intents that have a procedure.",
    )
    fast_path_confidence: float = Field(default=0.8, ge=0, le=1)
    history_messages: int = Field(default=12, ge=1, description="Transcript messages sent.")
    tool_result_chars: int = Field(default=1500, ge=100, description="Per tool result shown.")
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Model (spec or bare name) to USD per 1M tokens (input, output).",
    )
    stream_text: bool = Field(
        default=False,
        description="Stream model text to LangGraph's custom stream (for agent.stream).",
    )
    choice_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Model time the pick among the likeliest intents may take before the "
        "customer is asked instead (within the turn's budget).",
    )
    unavailable_cooldown_s: float = Field(
        default=30.0, ge=0, description="How long a model that failed is skipped."
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMPlannerConfig:
        """The planner's limits as configured; the rest keep their defaults."""
        return cls(
            max_calls_per_turn=settings.llm_max_calls_per_turn,
            turn_model_budget_s=settings.llm_turn_model_budget_s,
            max_tokens_per_conversation=settings.llm_max_tokens_per_conversation,
            fast_path=settings.llm_fast_path,
            prices=settings.llm_prices,
        )
