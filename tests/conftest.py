"""Fixtures shared by every test: a fresh, migrated database on SQLite and on PostgreSQL.

Contract (the API tests rely on these names):

- ``backend``: ``"sqlite"`` or ``"postgresql"``; every test that uses a database runs
  on both.
- ``database_url``: a fresh database with the schema applied by the Alembic
  migrations and no rows, dropped after the test.
- ``engine`` / ``sessionmaker`` / ``session``: the store's engine on that database,
  its session factory, and one session for simple tests.
- ``now``: the fixed, timezone-aware "present" of every test; time is injected.

Every test that runs on PostgreSQL is marked ``postgresql``, and every test that starts
a real ``redbridge serve`` (or other) process is marked ``process``, so the quick inner
loop (``make quick``) can leave both out: ``-m "not postgresql and not process"``.
"""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from events.store import create_engine, create_sessionmaker
from tests.support.databases import Databases, PostgresDatabases, SQLiteDatabases
from tests.support.postgres import PostgresUnavailable, postgres_server

BACKENDS = ("sqlite", "postgresql")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the PostgreSQL runs of every test parametrised by backend (directly, or by the
    live bot process of tests/bot)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params: dict[str, object] = callspec.params if callspec is not None else {}
        if "postgresql" in (params.get("backend"), params.get("live_stack")):
            item.add_marker(pytest.mark.postgresql)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the whole session, started on first use."""
    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SQLiteDatabases:
    return SQLiteDatabases(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgresql_databases(postgres_url: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_url)
    yield databases
    databases.close()


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def databases(backend: str, request: pytest.FixtureRequest) -> Databases:
    """The database factory of the current backend (PostgreSQL starts only if needed)."""
    factory: Databases = request.getfixturevalue(f"{backend}_databases")
    return factory


@pytest.fixture
def database_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    url = databases.create(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
