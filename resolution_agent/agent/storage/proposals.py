"""Proposed actions beside the cases: SQLite (``cases.sqlite``, or memory) and PostgreSQL.

Each proposal is one row: its id, conversation and status as columns (the status is what a
decision compares and sets), the whole proposal as JSON. A decision is one ``UPDATE ... WHERE
status = <expected>``, so of two racing decisions exactly one changes the row, on either
backend and across workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution_agent.agent.desk.proposals import Proposal, ProposalStatus
from resolution_agent.agent.storage._migrations import SQLITE_CASES
from resolution_agent.agent.storage.sqlite import SqliteStore

if TYPE_CHECKING:  # the postgres extra; the embedded backend must not need it
    from resolution_agent.agent.storage.postgres import Pool


class SqliteProposalStore(SqliteStore):
    """The proposals in ``cases.sqlite`` (or memory), beside the cases."""

    migrations = SQLITE_CASES

    async def add(self, proposal: Proposal) -> None:
        await self._conn.execute(
            "INSERT INTO proposals (id, conversation_id, status, created_at, body) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (
                proposal.id,
                proposal.conversation_id,
                proposal.status,
                proposal.created_at.isoformat(),
                proposal.model_dump_json(),
            ),
        )

    async def get(self, proposal_id: str) -> Proposal | None:
        async with self._conn.execute(
            "SELECT body FROM proposals WHERE id = ?", (proposal_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return Proposal.model_validate_json(str(row[0])) if row else None

    async def of_conversation(self, conversation_id: str) -> list[Proposal]:
        async with self._conn.execute(
            "SELECT body FROM proposals WHERE conversation_id = ? ORDER BY created_at, id",
            (conversation_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Proposal.model_validate_json(str(r[0])) for r in rows]

    async def replace(self, proposal: Proposal, *, expected: ProposalStatus) -> bool:
        cursor = await self._conn.execute(
            "UPDATE proposals SET status = ?, body = ? WHERE id = ? AND status = ?",
            (proposal.status, proposal.model_dump_json(), proposal.id, expected),
        )
        return cursor.rowcount == 1


class PostgresProposalStore:
    """The proposals in the table ``proposals``."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def add(self, proposal: Proposal) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO proposals (id, conversation_id, status, created_at, body) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (
                    proposal.id,
                    proposal.conversation_id,
                    proposal.status,
                    proposal.created_at,
                    proposal.model_dump_json(),
                ),
            )

    async def get(self, proposal_id: str) -> Proposal | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT body::text AS body FROM proposals WHERE id = %s", (proposal_id,)
            )
            row = await cursor.fetchone()
        return Proposal.model_validate_json(row["body"]) if row else None

    async def of_conversation(self, conversation_id: str) -> list[Proposal]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT body::text AS body FROM proposals WHERE conversation_id = %s "
                "ORDER BY created_at, id",
                (conversation_id,),
            )
            rows = await cursor.fetchall()
        return [Proposal.model_validate_json(r["body"]) for r in rows]

    async def replace(self, proposal: Proposal, *, expected: ProposalStatus) -> bool:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE proposals SET status = %s, body = %s WHERE id = %s AND status = %s",
                (proposal.status, proposal.model_dump_json(), proposal.id, expected),
            )
            return cursor.rowcount == 1
