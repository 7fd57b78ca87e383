"""Engine and session factory for SQLite (embedded default) and PostgreSQL.

SQLite goes through SQLAlchemy's stock ``sqlite+aiosqlite`` dialect: WAL, a busy
timeout, and one pooled connection. SQLite allows one writer at a time. Every
transaction starts with ``BEGIN IMMEDIATE`` so a read-then-write use case takes the
write lock up front: with the default deferred BEGIN, a transaction whose snapshot went
stale fails at its first write ("database is locked") however long the busy timeout is.
PostgreSQL use cases lock the rows they depend on instead (see ``lock_event``).

A session that commits new outbox rows rings its sessionmaker's :class:`OutboxBell`, so
the dispatcher sends them at once instead of at its next look, whichever transport (API,
bot, scheduler job) queued them.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from events.errors import NotFound
from events.models import Event

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> URL:
    """Accept the URLs people paste (``postgresql://``, ``sqlite:///``) and pick async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        # One connection: sessions queue for it in order instead of racing for the write
        # lock, whose busy handler sleeps up to 100 ms a try (measured: 8x slower with 15).
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 120)
        engine = create_async_engine(parsed, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", 120)
    return create_async_engine(parsed, **kwargs)


CASEFOLD = "redbridge_casefold"


def _casefold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def _configure_sqlite(engine: AsyncEngine) -> None:
    @sa_event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds ASCII only: names in Armenian, Georgian or Cyrillic
        # are searched case-blind through Python's (``events.dashboard_registrations``).
        dbapi_connection.create_function(CASEFOLD, 1, _casefold, deterministic=True)

    @sa_event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class OutboxBell:
    """Calls its listeners after a commit that queued outbox messages."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def ring(self) -> None:
        for listener in self._listeners:
            listener()


class _Session(Session):
    """The sessions of :func:`create_sessionmaker`: the listeners below are theirs alone."""


_BELL = "redbridge.outbox_bell"
_QUEUED = "redbridge.queued"


def note_queued(session: AsyncSession) -> None:
    """Mark the session's transaction as one that queues outbox messages (``enqueue``
    calls this): its commit rings the bell."""
    session.info[_QUEUED] = True


@sa_event.listens_for(_Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    bell: OutboxBell | None = session.info.get(_BELL)
    if session.info.pop(_QUEUED, False) and bell is not None:
        bell.ring()


@sa_event.listens_for(_Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def create_sessionmaker(
    engine: AsyncEngine, bell: OutboxBell | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``engine``; after a commit that queued outbox messages they ring ``bell``."""
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        sync_session_class=_Session,
        info={_BELL: bell} if bell is not None else None,
    )


async def lock_event(session: AsyncSession, event_id: int) -> Event:
    """Load an event and hold its row lock until commit (a no-op lock on SQLite).

    Every use case that changes who holds a seat goes through here first, so they run
    one at a time per event and the capacity and quota counts they read stay true.
    """
    found = await session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise NotFound("event", event_id)
    return found
