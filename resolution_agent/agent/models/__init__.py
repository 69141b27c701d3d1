"""One async model interface over OpenAI, Anthropic and OpenAI-compatible servers.

Planners speak the neutral types here (:class:`ModelRequest`, :class:`ModelResponse`,
:class:`ToolDefinition`, stream events) and never an SDK's; adapters on the official SDKs
translate, tool definitions included (:func:`to_openai_tool`, :func:`to_anthropic_tool`).
Build one with :func:`build_model` from a spec string such as ``openai:gpt-4.1-mini`` and the
settings that hold the provider keys.
"""

from resolution_agent.agent.models._anthropic import AnthropicModel, to_anthropic_tool
from resolution_agent.agent.models._base import Model
from resolution_agent.agent.models._errors import (
    ModelConnectionError,
    ModelError,
    ModelRateLimitedError,
    ModelRequestError,
    ModelResponseError,
    ModelServerError,
    ModelTransientError,
    ModelUnavailableError,
)
from resolution_agent.agent.models._factory import ApiKeys, build_model, missing_key
from resolution_agent.agent.models._messages import (
    AssistantMessage,
    ChatMessage,
    FinishReason,
    ModelRequest,
    ModelResponse,
    RequestMeta,
    TokenUsage,
    ToolCallPart,
    ToolDefinition,
    ToolResultMessage,
    UserMessage,
)
from resolution_agent.agent.models._openai import OpenAIChatModel, to_openai_tool
from resolution_agent.agent.models._providers import PROVIDERS, Provider
from resolution_agent.agent.models._retry import ModelRetryPolicy, RetryingModel
from resolution_agent.agent.models._spec import ModelSpec, parse_model_spec
from resolution_agent.agent.models._status import retry_after_seconds
from resolution_agent.agent.models._stream import (
    StreamAccumulator,
    StreamDone,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    ToolCallStarted,
    collect,
)

__all__ = [
    "PROVIDERS",
    "AnthropicModel",
    "ApiKeys",
    "AssistantMessage",
    "ChatMessage",
    "FinishReason",
    "Model",
    "ModelConnectionError",
    "ModelError",
    "ModelRateLimitedError",
    "ModelRequest",
    "ModelRequestError",
    "ModelResponse",
    "ModelResponseError",
    "ModelRetryPolicy",
    "ModelServerError",
    "ModelSpec",
    "ModelTransientError",
    "ModelUnavailableError",
    "OpenAIChatModel",
    "Provider",
    "RequestMeta",
    "RetryingModel",
    "StreamAccumulator",
    "StreamDone",
    "StreamEvent",
    "TextDelta",
    "TokenUsage",
    "ToolCallDelta",
    "ToolCallPart",
    "ToolCallStarted",
    "ToolDefinition",
    "ToolResultMessage",
    "UserMessage",
    "build_model",
    "collect",
    "missing_key",
    "parse_model_spec",
    "retry_after_seconds",
    "to_anthropic_tool",
    "to_openai_tool",
]
