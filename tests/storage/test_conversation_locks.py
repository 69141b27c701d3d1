"""Per-conversation locks: one holder at a time, in one process and across workers."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import psycopg
import pytest

from resolution_agent.agent.storage import LocalConversationLocks, PostgresConversationLocks
from resolution_agent.agent.storage._open import open_pool

SETTLE_S = 0.3  # long enough for a waiter that could get in to have got in


async def test_the_local_lock_excludes_and_is_pruned_when_nobody_holds_or_waits() -> None:
    locks = LocalConversationLocks()
    order: list[str] = []

    async def turn(name: str, conversation_id: str) -> None:
        async with locks.hold(conversation_id):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(turn("a", "conv-1"), turn("b", "conv-1"), turn("c", "conv-2"))

    assert order.index("a out") < order.index("b in")  # conv-1's turns never overlap
    assert order.index("c in") < order.index("a out")  # conv-2 is not held up by conv-1
    assert len(locks) == 0


async def test_a_cancelled_waiter_leaves_no_lock_behind() -> None:
    locks = LocalConversationLocks()
    async with locks.hold("conv-1"):
        waiter = asyncio.create_task(_enter(locks, "conv-1"))
        await asyncio.sleep(0.01)
        assert len(locks) == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    assert len(locks) == 0


async def _enter(locks: LocalConversationLocks | PostgresConversationLocks, cid: str) -> None:
    async with locks.hold(cid):
        pass


async def _worker(stack: AsyncExitStack, url: str, name: str) -> PostgresConversationLocks:
    """A worker's locks, over a pool of its own (as a separate process would have)."""
    return PostgresConversationLocks(await open_pool(url, 2, stack, name=name))


def _advisory_locks_held(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres
async def test_the_postgres_lock_excludes_a_second_worker_until_the_first_releases(
    database_url: str,
) -> None:
    async with AsyncExitStack() as stack:
        one = await _worker(stack, database_url, "worker-1")
        two = await _worker(stack, database_url, "worker-2")
        entered = asyncio.Event()

        async def second() -> None:
            async with two.hold("conv-1"):
                entered.set()

        async with one.hold("conv-1"):
            waiting = asyncio.create_task(second())
            other = asyncio.create_task(_enter(two, "conv-2"))
            await asyncio.wait_for(other, 5)  # another conversation is not held up
            await asyncio.sleep(SETTLE_S)
            assert not entered.is_set()
            assert _advisory_locks_held(database_url) == 1
        await asyncio.wait_for(waiting, 5)

        assert entered.is_set()
        assert _advisory_locks_held(database_url) == 0
        assert len(one) == len(two) == 0


@pytest.mark.postgres
async def test_a_worker_cancelled_while_waiting_for_the_lock_takes_nothing_with_it(
    database_url: str,
) -> None:
    async with AsyncExitStack() as stack:
        one = await _worker(stack, database_url, "worker-1")
        two = await _worker(stack, database_url, "worker-2")
        async with one.hold("conv-1"):
            waiter = asyncio.create_task(_enter(two, "conv-1"))
            await asyncio.sleep(SETTLE_S)
            waiter.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiter
        await asyncio.wait_for(_enter(two, "conv-1"), 5)  # the lock is free again

        assert _advisory_locks_held(database_url) == 0
