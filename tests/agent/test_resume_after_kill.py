"""A worker killed after a step's work was saved but before the step was checkpointed.

LangGraph saves each finished node's writes at once and the step's checkpoint after it. A
worker that dies between the two leaves a checkpoint whose every task of the step has its
writes: LangGraph's live snapshot then shows no ``next`` node although the turn is not over.
The redelivered message must finish the turn from there (found by the multi-process test:
every redelivery of such a message failed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions, Checkpoint, CheckpointMetadata
from langgraph.checkpoint.memory import InMemorySaver

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.graph import checkpoint_serializer
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.tools.mockbank import MockBank


class WorkerDied(BaseException):
    """The worker process ending under the turn (SIGKILL, OOM): nothing after it runs."""


class DiesBeforeCheckpointingAWrite(InMemorySaver):
    """Checkpoints in memory; the worker dies once, after a tool call's record was saved as a
    pending write and before the checkpoint of its step."""

    def __init__(self) -> None:
        super().__init__(serde=checkpoint_serializer())
        self.armed = False
        self.died = False

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await super().aput_writes(config, writes, task_id, task_path)
        if not self.died and any(channel == "actions" for channel, _ in writes):
            self.armed = True

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        if self.armed:
            self.armed, self.died = False, True
            raise WorkerDied
        return await super().aput(config, checkpoint, metadata, new_versions)


async def test_a_turn_killed_before_its_step_was_checkpointed_is_finished_on_redelivery(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    saver = DiesBeforeCheckpointingAWrite()
    bank = new_bank()
    async with ResolutionAgent(
        make_settings(), mock_bank=bank, retriever=retriever, checkpointer=saver
    ) as agent:
        died = None
        try:
            await agent.handle_message(
                "c-kill", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
            )
        except WorkerDied as exc:
            died = exc
        reply = await agent.handle_message(
            "c-kill", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
        )
        again = await agent.handle_message(
            "c-kill", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
        )
        conversation = await agent.get_conversation("c-kill")

    assert died is not None and saver.died
    assert reply == again
    assert reply.status == "awaiting_customer"  # asks whether to cancel, as an unbroken turn
    assert [a.tool for a in reply.actions] == ["list_cards", "freeze_card"]
    assert bank.calls["list_cards"] == 1  # its result was saved: not fetched again
    assert len(bank.executions) == 1  # the freeze ran once
    assert [m.role for m in conversation.transcript] == ["customer", "agent"]
    assert conversation.transcript[-1].text == reply.text
