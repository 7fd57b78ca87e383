"""An asyncio SQLite driver that crosses to its thread once per statement.

SQLAlchemy's ``sqlite+aiosqlite`` dialect drives aiosqlite, which runs every DBAPI
call in the connection's thread and hands the result back through the event loop: a
SELECT costs four such hops (open a cursor, execute, fetch, close), the ``BEGIN
IMMEDIATE`` of every transaction four more, and each hop about 100 µs of CPU here
(``bench/bot_updates.py``). This module speaks the part of aiosqlite's interface that
the dialect uses, but a statement, its rows and its cursor's end make one hop, the
``BEGIN`` travels with the transaction's first statement, and a rollback with no
transaction open makes none. SQLite itself sees the same statements in the same order.

Use it through :func:`dbapi`, passed as ``module=`` to ``create_async_engine``; a
"begin" event listener can hand its BEGIN to :meth:`Connection.begin_with_next`.
"""

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from queue import SimpleQueue
from types import SimpleNamespace
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

# The thread's work: a function of the sqlite3 connection, and the future for its result.
_Job = tuple[asyncio.Future[Any] | None, Callable[[], Any]]
_STOP = object()


@dataclass(frozen=True)
class _Outcome:
    """What one statement left behind, read in the connection's thread."""

    rows: list[Any] | None
    description: Any
    rowcount: int
    lastrowid: int | None
    in_transaction: bool


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _serve(jobs: "SimpleQueue[_Job]") -> None:
    """The connection's thread: run each job in turn and settle its future."""
    while True:
        future, job = jobs.get()
        result: Any = None
        error: BaseException | None = None
        try:
            result = job()
        except BaseException as failure:  # noqa: BLE001 - handed to the awaiting coroutine
            error = failure
        if future is not None:
            # A closed loop means nobody is waiting any more.
            with suppress(RuntimeError):
                future.get_loop().call_soon_threadsafe(_settle, future, result, error)
        if result is _STOP:
            return


class Connection:
    """One sqlite3 connection and the thread that owns it."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        self._connector = connector
        self._connection: sqlite3.Connection | None = None
        # Named as in aiosqlite: SQLAlchemy's adapter uses both.
        self._tx: SimpleQueue[_Job] = SimpleQueue()
        self._thread = threading.Thread(target=_serve, args=(self._tx,), name="sqlite")
        self._begin: str | None = None
        self._in_transaction = False

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> "Connection":
        self._thread.start()
        try:
            self._connection = await self._run(self._connector)
        except BaseException:
            self._tx.put_nowait((None, lambda: _STOP))
            raise
        return self

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @property
    def in_transaction(self) -> bool:
        return self._in_transaction or self._begin is not None

    async def _run(self, job: Callable[[], Any]) -> Any:
        if self._connection is None and job is not self._connector:
            raise ValueError("no active connection")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._tx.put_nowait((future, job))
        return await future

    async def statement(self, sql: str, parameters: Any, many: bool = False) -> _Outcome:
        if _is_begin(sql):
            self.begin_with_next(sql)
            return _Outcome(None, None, -1, None, True)
        begin, self._begin = self._begin, None
        connection = self._conn

        def run() -> _Outcome:
            if begin is not None:
                connection.execute(begin)
            cursor = connection.cursor()
            try:
                if many:
                    cursor.executemany(sql, parameters)
                elif parameters is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, parameters)
                rows = cursor.fetchall() if cursor.description else None
                return _Outcome(
                    rows,
                    cursor.description,
                    cursor.rowcount,
                    cursor.lastrowid,
                    connection.in_transaction,
                )
            finally:
                cursor.close()

        # Until the thread says otherwise: a cancelled wait must not make a rollback skipped.
        self._in_transaction = True
        try:
            outcome: _Outcome = await self._run(run)
        except BaseException:
            self._in_transaction = await self._run(lambda: connection.in_transaction)
            raise
        self._in_transaction = outcome.in_transaction
        return outcome

    def begin_with_next(self, sql: str) -> None:
        """Send this BEGIN with the next statement: nothing in between could see it."""
        self._begin = sql

    def cursor(self) -> "Cursor":
        return Cursor(self)

    async def commit(self) -> None:
        await self._end(lambda connection: connection.commit())

    async def rollback(self) -> None:
        await self._end(lambda connection: connection.rollback())

    async def _end(self, finish: Callable[[sqlite3.Connection], None]) -> None:
        self._begin = None
        if not self._in_transaction:
            return
        connection = self._conn

        def run() -> bool:
            finish(connection)
            return connection.in_transaction

        self._in_transaction = await self._run(run)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        connection = self._conn
        await self._run(lambda: connection.create_function(*args, **kwargs))

    async def close(self) -> None:
        if self._connection is None:
            return
        try:
            await self._run(self._closer())
        finally:
            self._connection = None

    def stop(self) -> None:
        """Close without waiting (SQLAlchemy's terminate)."""
        if self._connection is None:
            return
        self._tx.put_nowait((None, self._closer()))
        self._connection = None

    def _closer(self) -> Callable[[], object]:
        # Closed explicitly: a dropped sqlite3 connection keeps its transaction and the
        # file's write lock until the garbage collector breaks its reference cycle.
        connection = self._conn

        def close() -> object:
            connection.close()
            return _STOP

        return close


def _is_begin(sql: str) -> bool:
    return sql.lstrip()[:5].upper() == "BEGIN"


class Cursor:
    """A cursor whose statement runs, is fetched and closed in one hop."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> "Cursor":
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Any = None) -> "Cursor":
        self._take(await self._connection.statement(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> "Cursor":
        self._take(await self._connection.statement(sql, list(parameters), many=True))
        return self

    def _take(self, outcome: _Outcome) -> None:
        self._rows = outcome.rows or []
        self.description = outcome.description
        self.rowcount = outcome.rowcount
        self.lastrowid = outcome.lastrowid

    async def fetchall(self) -> Sequence[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = size or self.arraysize
        taken, self._rows = self._rows[:count], self._rows[count:]
        return taken

    async def close(self) -> None:
        self._rows = []


def connect(database: str, **kwargs: Any) -> Connection:
    # The connection is made in its thread; only its isolation level is read elsewhere.
    kwargs["check_same_thread"] = False
    return Connection(lambda: sqlite3.connect(database, **kwargs))


def dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    """This driver in the shape SQLAlchemy's aiosqlite dialect expects of aiosqlite."""
    module = SimpleNamespace(
        connect=connect,
        Connection=Connection,
        __version__="0.22.1",
        sqlite_version=sqlite3.sqlite_version,
        sqlite_version_info=sqlite3.sqlite_version_info,
        **{
            name: getattr(sqlite3, name)
            for name in (
                "DatabaseError",
                "Error",
                "IntegrityError",
                "NotSupportedError",
                "OperationalError",
                "ProgrammingError",
            )
        },
    )
    return AsyncAdapt_aiosqlite_dbapi(module, sqlite3)  # type: ignore[arg-type]
