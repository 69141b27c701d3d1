"""A full copy of the append-only lists on a conversation's latest checkpoint, so older ones
can go.

The transcript, actions, guard log and fired rules are LangGraph ``DeltaChannel`` s
(:mod:`agent.state`): a checkpoint stores only the entries its step added, and the lists are
rebuilt by walking back through the parent checkpoints' writes to the last full copy. Deleting
superseded checkpoints (:mod:`agent.storage.retention`) would cut that walk short and the lists
would silently read back empty. So before deleting, :func:`snapshot_latest` adds one checkpoint
on top of the latest that holds every list whole; everything older than it can then go.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    CheckpointMetadata,
    copy_checkpoint,
)
from langgraph.checkpoint.base.id import uuid6
from langgraph.checkpoint.serde.types import _DeltaSnapshot

from resolution_agent.agent.state import appended, delta_channels


async def snapshot_latest(saver: BaseCheckpointSaver[Any], thread_id: str) -> str | None:
    """The id of a checkpoint of ``thread_id`` that holds every list whole, adding one on top
    of the latest when it does not; None when the thread is empty or its last turn unfinished.

    An unfinished turn (a crash between steps) resumes from the latest checkpoint and its
    pending writes, so it is left exactly as it is until it has run to its end. The caller
    holds the conversation's lock: no turn adds a checkpoint meanwhile.
    """
    latest = await saver.aget_tuple({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}})
    if latest is None or latest.pending_writes:
        return None
    checkpoint = latest.checkpoint
    versions = checkpoint["channel_versions"]
    missing = [
        ch for ch in delta_channels() if ch in versions and ch not in checkpoint["channel_values"]
    ]
    latest_id = str(latest.config["configurable"]["checkpoint_id"])
    if not missing:
        return latest_id
    history = await saver.aget_delta_channel_history(config=latest.config, channels=missing)
    whole = copy_checkpoint(checkpoint)
    new_versions = {ch: saver.get_next_version(versions[ch], None) for ch in missing}
    for ch in missing:
        seed = history[ch].get("seed")
        base = seed.value if isinstance(seed, _DeltaSnapshot) else (seed or [])
        whole["channel_values"][ch] = _DeltaSnapshot(
            appended(list(base), [value for _, _, value in history[ch]["writes"]])
        )
    whole["channel_versions"].update(new_versions)
    whole["id"] = str(uuid6(clock_seq=-1))
    whole["ts"] = datetime.now(UTC).isoformat()
    # the lists just copied whole start counting towards their next full copy again
    metadata: dict[str, Any] = dict(latest.metadata)
    counters = {
        ch: n
        for ch, n in (metadata.pop("counters_since_delta_snapshot", None) or {}).items()
        if ch not in missing
    }
    if counters:
        metadata["counters_since_delta_snapshot"] = counters
    stored = await saver.aput(
        latest.config, whole, cast(CheckpointMetadata, metadata), new_versions
    )
    return str(stored["configurable"]["checkpoint_id"])
