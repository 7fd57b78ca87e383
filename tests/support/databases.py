"""Fresh databases for tests, on SQLite and on PostgreSQL.

The schema comes from the Alembic migrations, applied once per session to a template;
each test then gets a copy of the template (a file copy on SQLite, ``CREATE DATABASE
… TEMPLATE`` on PostgreSQL), which takes milliseconds instead of a migration run.
"""

import asyncio
import itertools
import os
import shutil
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import StaticPool

from events.migrations.runner import upgrade
from tests.support.postgres import with_database

T = TypeVar("T")

_numbers = itertools.count(1)


def run_blocking(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, whatever loop the caller has.

    It runs on its own loop in a worker thread, so it neither needs nor disturbs the
    event loop pytest-asyncio keeps for the current test.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-blocking") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


class Databases(Protocol):
    """Creates and drops the databases of one backend."""

    backend: str

    def create(self, directory: Path, *, migrated: bool = True) -> str:
        """The URL of a new database: the migrated schema and no rows, or empty."""
        ...

    def drop(self, url: str) -> None: ...


class SQLiteDatabases:
    backend = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self._template = workdir / "template.db"
        run_blocking(lambda: upgrade(self._url(self._template)))
        # The migration engine is disposed, so WAL is checkpointed: the main file is whole.
        for leftover in ("-wal", "-shm"):
            if Path(f"{self._template}{leftover}").exists():
                raise RuntimeError(f"the SQLite template still has a {leftover} file")

    @staticmethod
    def _url(path: Path) -> str:
        return f"sqlite+aiosqlite:///{path}"

    def create(self, directory: Path, *, migrated: bool = True) -> str:
        path = directory / f"test_{next(_numbers)}.db"
        if migrated:
            shutil.copyfile(self._template, path)
        return self._url(path)

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite+aiosqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresDatabases:
    backend = "postgresql"

    def __init__(self, server_url: str) -> None:
        self._server_url = server_url
        # The process id keeps parallel sessions on one shared server apart.
        self._prefix = f"redbridge_test_{os.getpid()}"
        self._template = f"{self._prefix}_template"
        self._admin = _AdminConnection(server_url)
        try:
            version = int(self._admin.scalar("SHOW server_version_num"))
            # FILE_COPY (PostgreSQL 15+) copies a small template faster than WAL_LOG.
            self._strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
            self._admin.execute(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
            self._admin.execute(f'CREATE DATABASE "{self._template}"')
            run_blocking(lambda: upgrade(with_database(self._server_url, self._template)))
        except BaseException:
            self._admin.close()
            raise

    def create(self, directory: Path, *, migrated: bool = True) -> str:
        name = f"{self._prefix}_{next(_numbers)}"
        template = self._template if migrated else "template0"
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{self._strategy}')
        return with_database(self._server_url, name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        if not name.startswith(self._prefix):
            raise ValueError(f"{url} is not a test database")
        # FORCE ends stray connections (a test that failed before disposing its engine).
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        try:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
        finally:
            self._admin.close()


class _AdminConnection:
    """One autocommit connection to the server's admin database, on a private loop thread.

    CREATE/DROP DATABASE cannot run in a transaction block, and reconnecting for every
    test would cost more than the statements themselves.
    """

    def __init__(self, server_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="postgres-admin", daemon=True
        )
        self._thread.start()
        self._engine = create_async_engine(
            server_url, poolclass=StaticPool, isolation_level="AUTOCOMMIT"
        )

    def _run(self, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return asyncio.run_coroutine_threadsafe(make(), self._loop).result()

    def execute(self, statement: str) -> None:
        async def go() -> None:
            async with self._engine.connect() as connection:
                await connection.execute(text(statement))

        self._run(go)

    def scalar(self, statement: str) -> Any:
        async def go() -> Any:
            async with self._engine.connect() as connection:
                return await connection.scalar(text(statement))

        return self._run(go)

    def close(self) -> None:
        try:
            self._run(self._engine.dispose)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
