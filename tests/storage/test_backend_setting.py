"""One setting picks the backend; a URL that is not PostgreSQL is refused by name."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from resolution_agent.agent.settings import SettingsError, load_settings
from resolution_agent.agent.storage import (
    LocalConversationLocks,
    PostgresConversationLocks,
    open_storage,
)
from resolution_agent.agent.storage.postgres import PostgresAuditLog
from resolution_agent.agent.storage.sqlite import SqliteAuditLog


def test_a_database_url_that_is_not_postgresql_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(database_url="mysql://app:s3cret@db:3306/resolve")

    message = str(raised.value)
    assert "RESOLVE_DATABASE_URL" in message and "postgresql://" in message
    assert "s3cret" not in message


def test_the_database_url_is_kept_secret_in_the_settings() -> None:
    settings = load_settings(database_url="postgresql://app:s3cret@db/resolve")

    assert "s3cret" not in repr(settings)
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://app:s3cret@db/resolve"


async def test_without_a_database_url_the_storage_is_embedded(tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        storage = await open_storage(load_settings(data_dir=tmp_path), stack)

    assert isinstance(storage.audit, SqliteAuditLog)
    assert isinstance(storage.locks, LocalConversationLocks)
    assert (tmp_path / "audit.sqlite").exists()


@pytest.mark.postgres
async def test_a_database_url_puts_everything_in_postgresql(
    database_url: str, tmp_path: Path
) -> None:
    settings = load_settings(data_dir=tmp_path, database_url=database_url)
    async with AsyncExitStack() as stack:
        storage = await open_storage(settings, stack)

    assert isinstance(storage.audit, PostgresAuditLog)
    assert isinstance(storage.locks, PostgresConversationLocks)
    assert type(storage.checkpointer).__name__ == "AsyncPostgresSaver"
    assert list(tmp_path.iterdir()) == []
