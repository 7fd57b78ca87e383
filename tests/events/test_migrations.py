"""The Alembic migrations build exactly the schema the models describe, and undo it.

On both backends: a stairway over every revision (up one, down one, up again), a full
downgrade to base and back, and autogenerate's comparison of the migrated database
with ``Base.metadata`` finding nothing to change.
"""

from datetime import UTC, date, datetime
from datetime import time as dt_time
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Column,
    Date,
    MetaData,
    String,
    Time,
    column,
    inspect,
    select,
    table,
)
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
    for model_table in Base.metadata.tables.values():
        model_table.to_metadata(changed)
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


_NOW = datetime(2027, 1, 10, 12, tzinfo=UTC)
# The revision that makes venues and cities translated, and the one before it.
TRANSLATED_PLACES = "0008"
BEFORE_PLACES = "0007"


def _seed_before_translated_places(connection: Connection) -> None:
    """A programme, two events (one without a venue) and a series, as 0007 stored them."""
    programmes = table(
        "programmes", *(column(name) for name in ("id", "slug", "kind", "status")),
        column("title", JSON), column("description", JSON), column("default_language"),
        column("created_at", UTCDateTime()), column("updated_at", UTCDateTime()),
    )  # fmt: skip
    stamps = {"created_at": _NOW, "updated_at": _NOW}
    connection.execute(
        programmes.insert().values(
            id=1, slug="p", kind="town_hall", status="published", title={"en": "P"},
            description={}, default_language="en", **stamps,
        )
    )  # fmt: skip
    names = ("id", "programme_id", "slug", "default_language", "timezone", "venue", "city",
             "country", "capacity", "mode", "offer_valid_hours", "status", "sequence",
             "calendar_uid")  # fmt: skip
    events = table(
        "events", *(column(name) for name in names),
        *(column(name, JSON) for name in ("title", "description", "eligible_countries",
                                          "country_quotas", "gender_quotas", "questions")),
        *(column(name, UTCDateTime()) for name in ("starts_at", "ends_at", "created_at",
                                                   "updated_at", "calendar_revised_at")),
    )  # fmt: skip
    common = {
        "programme_id": 1, "timezone": "Asia/Tbilisi", "country": "GE", "capacity": 10,
        "mode": "open", "offer_valid_hours": 48, "status": "published", "sequence": 0,
        "title": {"en": "E"}, "description": {}, "eligible_countries": [],
        "country_quotas": {}, "gender_quotas": {}, "questions": [], "starts_at": _NOW,
        "ends_at": _NOW, "calendar_revised_at": _NOW, **stamps,
    }  # fmt: skip
    connection.execute(
        events.insert(),
        [
            {**common, "id": 1, "slug": "a", "calendar_uid": "a", "default_language": "ru",
             "venue": "Молодёжный центр", "city": "Тбилиси"},
            {**common, "id": 2, "slug": "b", "calendar_uid": "b", "default_language": "en",
             "venue": "", "city": "Tbilisi"},
        ],
    )  # fmt: skip
    series = table(
        "series", *(column(name) for name in ("id", "programme_id", "slug", "default_language",
                                              "rrule", "timezone", "duration_minutes",
                                              "horizon_months", "status")),
        column("starts_on", Date()), column("start_time", Time()),
        *(column(name, JSON) for name in ("title", "description", "exceptions", "template")),
        *(column(name, UTCDateTime()) for name in ("materialised_until", "created_at",
                                                   "updated_at")),
    )  # fmt: skip
    connection.execute(
        series.insert().values(
            id=1, programme_id=1, slug="s", default_language="hy", rrule="FREQ=MONTHLY",
            timezone="Asia/Yerevan", duration_minutes=60, horizon_months=6, status="draft",
            starts_on=date(2027, 2, 1), start_time=dt_time(18), title={"hy": "Ս"},
            description={}, exceptions=[], template={"venue": "", "city": "Երևան",
                                                     "capacity": 5},
            materialised_until=_NOW, **stamps,
        )
    )  # fmt: skip


def _places(connection: Connection, *, translated: bool = True) -> list[Any]:
    kind = JSON if translated else String
    events = table("events", column("id"), column("venue", kind), column("city", kind))
    series = table("series", column("template", JSON))
    rows = connection.execute(select(events.c.venue, events.c.city).order_by(events.c.id))
    return [*(tuple(row) for row in rows), connection.execute(select(series.c.template)).scalar()]


async def _read_places(url: str, *, translated: bool) -> list[Any]:
    # A new engine each time: PostgreSQL's cached plans do not survive a schema change.
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: _places(sync, translated=translated))
    finally:
        await engine.dispose()


async def test_places_become_translated_and_back(databases: Databases, tmp_path: Path) -> None:
    """0008 keeps each venue and city as the text in the event's default language."""
    url = databases.create(tmp_path, migrated=False)
    try:
        await upgrade(url, BEFORE_PLACES)
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_seed_before_translated_places)
        finally:
            await engine.dispose()
        await upgrade(url, TRANSLATED_PLACES)
        assert await _read_places(url, translated=True) == [
            ({"ru": "Молодёжный центр"}, {"ru": "Тбилиси"}),
            ({}, {"en": "Tbilisi"}),
            {"venue": {}, "city": {"hy": "Երևան"}, "capacity": 5},
        ]
        await downgrade(url, BEFORE_PLACES)
        assert await _read_places(url, translated=False) == [
            ("Молодёжный центр", "Тбилиси"),
            ("", "Tbilisi"),
            {"venue": "", "city": "Երևան", "capacity": 5},
        ]
    finally:
        databases.drop(url)
