"""The neutral conversation with a model: messages, tools, tool calls, responses.

Adapters translate these to and from each provider's SDK types, so a planner never sees an SDK
type and a scripted model in tests speaks exactly what a real provider's answer becomes.
Tool-call arguments are kept as the raw JSON text the model wrote: whether it parses, and
whether it validates against the tool's argument model, is the planner's judgement.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ToolCallPart(_Value):
    """One tool call in a model's answer."""

    id: str
    name: str
    arguments: str = Field(description="The arguments as the model wrote them (JSON text).")


class UserMessage(_Value):
    role: Literal["user"] = "user"
    text: str


class AssistantMessage(_Value):
    role: Literal["assistant"] = "assistant"
    text: str = ""
    tool_calls: list[ToolCallPart] = Field(default_factory=list)


class ToolResultMessage(_Value):
    """The outcome of one tool call, sent back to the model (here: always an error to fix)."""

    role: Literal["tool"] = "tool"
    call_id: str
    name: str
    content: str
    is_error: bool = False


ChatMessage = Annotated[
    UserMessage | AssistantMessage | ToolResultMessage, Field(discriminator="role")
]


class ToolDefinition(_Value):
    """A tool offered to the model, in no provider's format: each adapter maps it to its own.

    ``parameters`` is the JSON schema of the arguments, generated from the tool's declaration,
    so there is one schema per tool whatever the provider.
    """

    name: str
    description: str
    parameters: dict[str, Any]


class RequestMeta(_Value):
    """Where a request comes from, for logs and for test and benchmark models."""

    conversation_id: str
    turn: int
    call: int = Field(description="1 for the first model call of the turn, then 2, 3 ...")


class ModelRequest(_Value):
    system: str
    messages: list[ChatMessage]
    tools: list[ToolDefinition] = Field(default_factory=list)
    tool_choice: str | None = Field(
        default=None,
        description="A tool of ``tools`` the model must call: its arguments are the answer, "
        "as structured output in the tool's schema. None: the model chooses.",
    )
    max_output_tokens: int = Field(default=1024, ge=1)
    temperature: float | None = None
    meta: RequestMeta | None = None

    def followed_by(self, *messages: ChatMessage) -> ModelRequest:
        """The same request with more messages at the end (a correction round)."""
        return self.model_copy(update={"messages": [*self.messages, *messages]})


FinishReason = Literal["stop", "tool_calls", "length", "refusal", "content_filter", "other"]


class TokenUsage(_Value):
    input_tokens: int = 0
    output_tokens: int = 0


class ModelResponse(_Value):
    """A model's answer: text, tool calls, why it stopped, and what it cost in tokens."""

    text: str = ""
    tool_calls: list[ToolCallPart] = Field(default_factory=list)
    finish: FinishReason = "stop"
    refusal: str | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model: str = ""

    def as_message(self) -> AssistantMessage:
        """The answer as it goes back into the conversation."""
        return AssistantMessage(text=self.text, tool_calls=list(self.tool_calls))
