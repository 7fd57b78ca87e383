"""The Alembic migrations build exactly the schema the models describe, and undo it.

On both backends: a stairway over every revision (up one, down one, up again), a full
downgrade to base and back, and autogenerate's comparison of the migrated database
with ``Base.metadata`` finding nothing to change.
"""

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, inspect
from sqlalchemy.engine import Connection

from events.migrations.runner import alembic_config, downgrade, upgrade
from events.models import Base, UTCDateTime
from events.store import create_engine
from tests.support.databases import Databases

APPLICATION_TABLES = set(Base.metadata.tables)


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names: list[str] = await connection.run_sync(
                lambda sync: inspect(sync).get_table_names()
            )
            return set(names) - {"alembic_version"}
    finally:
        await engine.dispose()


async def _current(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def _is_utc_datetime_alias(diff: Any) -> bool:
    """``UTCDateTime`` is stored as ``DateTime(timezone=True)``: the same column type."""
    if not (isinstance(diff, tuple) and diff and diff[0] == "modify_type"):
        return False
    existing, wanted = diff[-2], diff[-1]
    return isinstance(wanted, UTCDateTime) and getattr(existing, "timezone", None) is not None


def _schema_differences(connection: Connection, metadata: MetaData = Base.metadata) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    differences: list[Any] = []
    for diff in compare_metadata(context, metadata):
        # Column changes come grouped in a list of tuples.
        items = diff if isinstance(diff, list) else [diff]
        differences.extend(item for item in items if not _is_utc_datetime_alias(item))
    return differences


async def test_migrations_go_up_and_down_every_step(databases: Databases, tmp_path: Path) -> None:
    url = databases.create(tmp_path, migrated=False)
    try:
        revisions = _revisions(url)
        assert revisions, "no migrations found"
        assert await _tables(url) == set()
        previous = "base"
        for revision in revisions:
            await upgrade(url, revision)
            assert await _current(url) == revision
            await downgrade(url, previous)
            assert await _current(url) == (None if previous == "base" else previous)
            await upgrade(url, revision)
            previous = revision

        assert await _tables(url) == APPLICATION_TABLES
        await downgrade(url, "base")
        assert await _tables(url) == set()
        assert await _current(url) is None
        await upgrade(url)
        assert await _current(url) == revisions[-1]
        assert await _tables(url) == APPLICATION_TABLES
    finally:
        databases.drop(url)


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_schema_differences)
    finally:
        await engine.dispose()

    assert differences == []


async def test_schema_comparison_does_notice_a_difference(database_url: str) -> None:
    """Guards the test above against comparing nothing."""
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["participants"].append_column(Column("nickname", String(40)))
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_schema_differences, changed)
    finally:
        await engine.dispose()

    assert [(diff[0], diff[2], diff[3].name) for diff in differences] == [
        ("add_column", "participants", "nickname")
    ]


def test_the_models_cover_the_core_tables() -> None:
    core = {"programmes", "events", "participants", "registrations", "api_tokens", "audit_log"}
    assert core <= APPLICATION_TABLES
