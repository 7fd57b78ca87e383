"""An asyncio SQLite driver that runs each statement where it is awaited.

SQLAlchemy's ``sqlite+aiosqlite`` dialect drives aiosqlite, which runs every DBAPI
call in a thread of the connection's own and hands the result back through the event
loop. On this project's 2-core machines one such hop costs 100–300 µs of CPU, while
the indexed statements a bot update makes take SQLite 10–20 µs: the hops were most of
the bot's time (``bench/bot_updates.py``). The embedded default is one process with
one pooled connection (``events.store``), so this driver calls sqlite3 directly, on the
event loop's thread. It speaks the part of aiosqlite's interface that the dialect uses.

The one wait SQLite can impose is another connection's write lock (a second process, a
command-line tool, a backup). SQLite's own busy handler would sleep inside the call
and stall the event loop, so it is off: a statement that finds the database locked,
and changed nothing, is tried again after an ``asyncio.sleep`` with SQLite's own
backoff, until the connection's busy timeout (``timeout=`` at connect, or ``PRAGMA
busy_timeout``) has passed. Everyone else is served meanwhile.

The price: a statement that is slow in itself (a report over many thousands of rows)
holds the event loop while it runs. With one pooled connection every other database
user waited for it anyway.

A "begin" event listener can hand its BEGIN to :meth:`Connection.begin_with_next`, so
that a transaction with no statements never takes the write lock.
"""

import asyncio
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

T = TypeVar("T")

# SQLite's own busy handler waits this long between tries (sqlite3BusyHandler), then
# the last delay again until the timeout.
_BACKOFF_S = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1)
_DEFAULT_TIMEOUT_S = 5.0  # sqlite3.connect's default
_BUSY_TIMEOUT = re.compile(r"\s*PRAGMA\s+(?:main\.)?busy_timeout\s*(?:=\s*(\d+))?\s*;?\s*$", re.I)


@dataclass(frozen=True)
class _Outcome:
    """What one statement left behind."""

    rows: list[Any] | None
    description: Any
    rowcount: int
    lastrowid: int | None


class _Immediately:
    """Stands in for aiosqlite's job queue, which SQLAlchemy's adapter uses directly to
    set the isolation level: the job runs at once and settles its future."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, job = item
        try:
            future.set_result(job())
        except Exception as error:  # noqa: BLE001 - handed to the awaiting coroutine
            future.set_exception(error)


class Connection:
    """One sqlite3 connection, used from the event loop's thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout_s: float) -> None:
        self._connector = connector
        self._connection: sqlite3.Connection | None = None
        self._busy_timeout_s = busy_timeout_s
        self._begin: str | None = None
        # Named as in aiosqlite: SQLAlchemy's adapter uses both. There is no thread; the
        # adapter only marks it a daemon.
        self._tx = _Immediately()
        self._thread = SimpleNamespace(daemon=False)

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> "Connection":
        self._connection = self._connector()
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
        if self._begin is not None:
            return True
        return self._connection is not None and self._connection.in_transaction

    @property
    def busy_timeout_s(self) -> float:
        return self._busy_timeout_s

    async def statement(self, sql: str, parameters: Any, many: bool = False) -> _Outcome:
        if _is_begin(sql):
            self.begin_with_next(sql)
            return _Outcome(None, None, -1, None)
        setting = _BUSY_TIMEOUT.match(sql)
        if setting is not None:
            return self._busy_timeout_pragma(setting.group(1))
        begin, self._begin = self._begin, None
        connection = self._conn
        if begin is not None:
            await self._patiently(lambda: connection.execute(begin))
        return await self._patiently(lambda: _execute(connection, sql, parameters, many))

    def _busy_timeout_pragma(self, milliseconds: str | None) -> _Outcome:
        """The busy timeout is this driver's to keep: SQLite's stays zero."""
        if milliseconds is not None:
            self._busy_timeout_s = int(milliseconds) / 1000
        value = round(self._busy_timeout_s * 1000)
        return _Outcome([(value,)], (("timeout", None, None, None, None, None, None),), -1, None)

    async def _patiently(self, job: Callable[[], T]) -> T:
        """Run ``job``; while it finds the database locked and has changed nothing, wait
        without blocking the loop and try again, until the busy timeout has passed."""
        connection = self._conn
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        tries = 0
        while True:
            changes = connection.total_changes
            try:
                return job()
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or connection.total_changes != changes:
                    raise
                now = loop.time()
                if deadline is None:
                    deadline = now + self._busy_timeout_s
                delay = min(_BACKOFF_S[min(tries, len(_BACKOFF_S) - 1)], deadline - now)
                if delay <= 0:
                    raise
                tries += 1
                await asyncio.sleep(delay)

    def begin_with_next(self, sql: str) -> None:
        """Send this BEGIN with the next statement: nothing in between could see it."""
        self._begin = sql

    def cursor(self) -> "Cursor":
        return Cursor(self)

    async def commit(self) -> None:
        self._begin = None
        connection = self._conn
        if connection.in_transaction:
            # A COMMIT that finds the database locked leaves the transaction open to retry.
            await self._patiently(connection.commit)

    async def rollback(self) -> None:
        self._begin = None
        connection = self._conn
        if connection.in_transaction:
            await self._patiently(connection.rollback)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate, too)."""
        connection, self._connection = self._connection, None
        self._begin = None
        if connection is not None:
            # Closed explicitly: a dropped sqlite3 connection keeps its transaction and
            # the file's write lock until the garbage collector breaks its reference cycle.
            connection.close()


def _is_begin(sql: str) -> bool:
    return sql.lstrip()[:5].upper() == "BEGIN"


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY, but not BUSY_SNAPSHOT: a stale snapshot stays stale however long one
    waits; its transaction has to start again."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY and code != _BUSY_SNAPSHOT


_BUSY_SNAPSHOT = sqlite3.SQLITE_BUSY_SNAPSHOT


def _execute(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Outcome:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return _Outcome(rows, cursor.description, cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


class Cursor:
    """A cursor whose statement is run, fetched and closed at once."""

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


def connect(database: str, timeout: float = _DEFAULT_TIMEOUT_S, **kwargs: Any) -> Connection:
    """A connection whose busy timeout this driver keeps (see the module's text)."""
    # The pool may close a connection from wherever the garbage collector runs it.
    kwargs["check_same_thread"] = False
    return Connection(lambda: sqlite3.connect(database, timeout=0, **kwargs), timeout)


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
