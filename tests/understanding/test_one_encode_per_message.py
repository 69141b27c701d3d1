"""One MiniLM run per customer message, through real turns of the graph.

The input guard's injection detector (the message, and from the second message the last few
joined), the intent classifier and the retriever (the episode so far) all read each message;
the encoder's count of texts the model ran on shows they share one encode. Slow: the agent
opens MiniLM, the trained models and the help-centre index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.understanding.classifier import shared_encoder

pytestmark = pytest.mark.slow

# Worded as no other test words them: the encoder is the process's, and a message another
# test encoded would be served from its recent vectors (0 runs), hiding nothing but proving less.
CONVERSATION = [
    "I've lost my card, I think I left it on the number 38 bus",  # understood, retrieved, frozen
    "yes please, go ahead",  # continues the problem: episode searched, turns joined for the guard
    "how do I set up a standing order to my landlord",  # a new problem
    "and can I change the standing order amount later on?",
]


async def test_each_customer_message_runs_minilm_once(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        model=None,
        bank_url=None,
        checkpointer="memory",
        clock=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )
    assert settings.intent_classifier == "embedding"
    encoder = shared_encoder(threads=settings.intent_threads)
    runs = []
    async with ResolutionAgent(settings) as agent:
        for message in CONVERSATION:
            before = encoder.model_runs
            reply = await agent.handle_message("one-encode", "cus_1001", message)
            runs.append(encoder.model_runs - before)
            assert reply.text

    assert runs == [1] * len(CONVERSATION)
