"""A hostile model's message in the Chat Completions wire format: one JSON completion, or the
chunks of a stream (role, text pieces, tool calls with their arguments in pieces, the finish
reason, usage), as OpenAI-compatible servers send them."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.testing.hostile_answers import Message


def completion(message: Message, model: str) -> dict[str, Any]:
    """The message as a non-streamed chat completion."""
    calls = [
        {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
        for i, (n, a) in enumerate(message.calls)
    ]
    wire: dict[str, Any] = {"role": "assistant", "content": message.text, "refusal": None}
    if calls:
        wire["tool_calls"] = calls
    choice = {"index": 0, "message": wire, "finish_reason": message.finish, "logprobs": None}
    return {
        "id": "chatcmpl-hostile",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [choice],
        "usage": _usage(message),
    }


def stream_chunks(message: Message, model: str) -> list[dict[str, Any]]:
    """The message as Chat Completions chunks: role, text pieces, tool calls, finish, usage."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "chatcmpl-hostile", "object": "chat.completion.chunk", "created": 0,
                "model": model, "choices": [choice]}  # fmt: skip

    events = [chunk({"role": "assistant", "content": ""})]
    text = message.text or ""
    size = max(40, len(text) // 200)  # a flood comes in big pieces, not a million events
    events += [chunk({"content": text[i : i + size]}) for i in range(0, len(text), size)]
    for index, (name, arguments) in enumerate(message.calls):
        start = {"index": index, "id": f"call_{index}", "type": "function"}
        events.append(
            chunk({"tool_calls": [start | {"function": {"name": name, "arguments": ""}}]})
        )
        for i in range(0, len(arguments), 20):
            piece = {"index": index, "function": {"arguments": arguments[i : i + 20]}}
            events.append(chunk({"tool_calls": [piece]}))
    events.append(chunk({}, message.finish))
    usage = {"id": "chatcmpl-hostile", "object": "chat.completion.chunk", "created": 0,
             "model": model, "choices": [], "usage": _usage(message)}  # fmt: skip
    events.append(usage)
    return events


def _usage(message: Message) -> dict[str, int]:
    out = len(message.text or "") // 4 + sum(len(a) // 4 + 5 for _, a in message.calls)
    return {"prompt_tokens": 100, "completion_tokens": out, "total_tokens": 100 + out}
