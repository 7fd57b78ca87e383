"""SQLite through SQLAlchemy's stock aiosqlite dialect, as ``events.store`` sets it up,
on real files.

Engines come from ``events.store.create_engine`` as the application makes them: one
pooled connection, WAL, ``BEGIN IMMEDIATE`` for every transaction, a 30 s busy timeout.
How a wait for the lock behaves is observed, not assumed.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    bindparam,
    exc,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from events.models import Base, Participant
from events.store import create_engine, create_sessionmaker

# How long a test holds the write lock before releasing it.
HOLD = 0.2

ITEMS = Table(
    "items",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("number", Integer),
    Column("label", Text, unique=True),
    Column("payload", LargeBinary),
)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/x.db"


@pytest.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    """Replaces conftest's two-backend engine: the application's SQLite engine, two tables."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(ITEMS.metadata.create_all)
        await connection.run_sync(Base.metadata.tables["participants"].create)
    yield engine
    await engine.dispose()


@pytest.fixture
async def other_engine(url: str, engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """A second engine on the same file, as another process would have."""
    other = create_engine(url)
    yield other
    await other.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


async def _driver(engine: AsyncEngine) -> aiosqlite.Connection:
    """The aiosqlite connection behind the engine's pool of one."""
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, aiosqlite.Connection)
    return driver


def _holds_write_lock(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()
    return False


def _participant(telegram_user_id: int, now: datetime) -> Participant:
    return Participant(telegram_user_id=telegram_user_id, created_at=now, updated_at=now)


async def _labels(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.scalars(select(ITEMS.c.label).order_by(ITEMS.c.id)))


# Round trips


async def test_rows_come_back_with_their_types(engine: AsyncEngine) -> None:
    rows = [
        (1, "one", b"\x00\x01\xff"),
        (-(2**62), "ünïcode ✓", b""),
        (None, None, None),
    ]
    async with engine.begin() as connection:
        for row in rows:
            await connection.execute(
                text("INSERT INTO items (number, label, payload) VALUES (:n, :l, :p)"),
                {"n": row[0], "l": row[1], "p": row[2]},
            )
        result = await connection.execute(
            text("SELECT number, label, payload FROM items ORDER BY id")
        )
        assert [tuple(found) for found in result] == rows
        empty = await connection.execute(text("SELECT id, label FROM items WHERE 0"))
        assert (list(empty.keys()), empty.all()) == (["id", "label"], [])


async def test_inserts_report_their_new_ids(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        plain = await connection.execute(insert(ITEMS).values(label="first"))
        assert (plain.lastrowid, plain.inserted_primary_key) == (1, (1,))
        returned = await connection.execute(
            insert(ITEMS).values(label="second").returning(ITEMS.c.id, ITEMS.c.label)
        )
        assert returned.one() == (2, "second")


async def test_executemany_inserts_every_row(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        result = await connection.execute(
            insert(ITEMS), [{"number": n, "label": f"item {n}"} for n in range(100)]
        )
        assert result.rowcount == 100
    labels = await _labels(engine)
    assert labels == [f"item {n}" for n in range(100)]


async def test_rowcount_counts_the_rows_updated_and_deleted(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(ITEMS), [{"number": n} for n in range(10)])
        updated = await connection.execute(
            update(ITEMS).where(ITEMS.c.number < 4).values(payload=b"low")
        )
        assert updated.rowcount == 4
        returning = await connection.execute(
            update(ITEMS).where(ITEMS.c.number >= 8).values(payload=b"x").returning(ITEMS.c.id)
        )
        assert (sorted(returning.scalars()), returning.rowcount) == ([9, 10], 2)
        by_number = update(ITEMS).where(ITEMS.c.number == bindparam("n")).values(payload=b"y")
        many = await connection.execute(by_number, [{"n": 0}, {"n": 1}, {"n": 42}])
        assert many.rowcount == 2
        deleted = await connection.execute(ITEMS.delete().where(ITEMS.c.number >= 5))
        assert deleted.rowcount == 5


async def test_orm_inserts_get_their_ids(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    """One object is inserted alone (id from lastrowid), several with RETURNING."""
    async with sessions() as session:
        alone = _participant(100, now)
        session.add(alone)
        await session.flush()
        assert alone.id == 1
        several = [_participant(n, now) for n in (200, 300, 400)]
        session.add_all(several)
        await session.flush()
        assert [person.id for person in several] == [2, 3, 4]
        await session.commit()
    async with sessions() as session:
        stored = await session.execute(
            select(Participant.id, Participant.telegram_user_id).order_by(Participant.id)
        )
        assert [tuple(row) for row in stored] == [(1, 100), (2, 200), (3, 300), (4, 400)]


async def test_streamed_results_arrive_in_full(engine: AsyncEngine) -> None:
    """``stream()`` reads through SQLAlchemy's server-side cursor, fetching in batches."""
    async with engine.begin() as connection:
        await connection.execute(insert(ITEMS), [{"number": n} for n in range(25)])
        result = await connection.stream(select(ITEMS.c.number).order_by(ITEMS.c.id))
        assert [number async for number in result.scalars()] == list(range(25))


async def test_functions_the_dialect_registers_are_callable(engine: AsyncEngine) -> None:
    """The dialect adds REGEXP with ``create_function``, which runs in the driver's thread."""
    async with engine.connect() as connection:
        assert await connection.scalar(select(literal("redbridge").regexp_match("^red")))


# Transactions


async def test_a_commit_is_visible_to_another_engine(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(ITEMS).values(label="shared"))
    assert await _labels(other_engine) == ["shared"]


async def test_a_rollback_discards_the_writes(engine: AsyncEngine) -> None:
    count = select(func.count()).select_from(ITEMS)
    async with engine.connect() as connection:
        await connection.execute(insert(ITEMS).values(label="gone"))
        assert await connection.scalar(count) == 1
        await connection.rollback()
        assert await connection.scalar(count) == 0


@pytest.mark.parametrize("end", ["commit", "rollback"])
async def test_a_transaction_without_statements_ends_cleanly(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], end: str
) -> None:
    """Its BEGIN IMMEDIATE is ended, so the next transaction's BEGIN does not collide."""
    driver = await _driver(engine)
    async with sessions() as session:
        await session.connection()
        assert driver.in_transaction
        if end == "commit":
            await session.commit()
        else:
            await session.rollback()
        assert not driver.in_transaction
        await session.execute(insert(ITEMS).values(label="next"))
        await session.commit()
    assert await _labels(engine) == ["next"]


async def test_after_an_integrity_error_the_session_rolls_back_and_goes_on(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    async with sessions() as session:
        session.add(_participant(7, now))
        await session.commit()
    async with sessions() as session:
        await session.execute(insert(ITEMS).values(label="undone"))
        session.add(_participant(7, now))
        with pytest.raises(exc.IntegrityError, match="UNIQUE"):
            await session.flush()
        await session.rollback()
        session.add(_participant(8, now))
        await session.commit()
    async with sessions() as session:
        users = select(Participant.telegram_user_id).order_by(Participant.id)
        assert list(await session.scalars(users)) == [7, 8]
    assert await _labels(engine) == []


@pytest.mark.parametrize("writes_before", [0, 1], ids=["first-statement", "after-a-write"])
async def test_a_failed_statement_leaves_its_transaction_open_until_rollback(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], writes_before: int
) -> None:
    """The failing INSERT may be the transaction's first statement: the BEGIN stands."""
    async with engine.begin() as connection:
        await connection.execute(insert(ITEMS).values(label="taken"))
    driver = await _driver(engine)
    async with sessions() as session:
        for _ in range(writes_before):
            await session.execute(insert(ITEMS).values(label="undone"))
        with pytest.raises(exc.IntegrityError, match="UNIQUE"):
            await session.execute(insert(ITEMS).values(label="taken"))
        assert driver.in_transaction
        await session.rollback()
        assert not driver.in_transaction
        await session.execute(insert(ITEMS).values(label="next"))
        await session.commit()
    assert await _labels(engine) == ["taken", "next"]


async def test_a_failure_in_a_savepoint_undoes_only_the_savepoint(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        await session.execute(insert(ITEMS).values(label="outer"))
        savepoint = await session.begin_nested()
        await session.execute(insert(ITEMS).values(label="inner"))
        with pytest.raises(exc.IntegrityError):
            await session.execute(insert(ITEMS).values(label="outer"))
        await savepoint.rollback()
        await session.commit()
    assert await _labels(engine) == ["outer"]


async def test_a_statement_sqlite_rolls_back_itself_leaves_no_transaction(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """RAISE(ROLLBACK) ends the transaction inside SQLite; so must SQLAlchemy's."""
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "CREATE TRIGGER veto BEFORE INSERT ON items WHEN NEW.label = 'veto' "
            "BEGIN SELECT RAISE(ROLLBACK, 'vetoed'); END"
        )
    driver = await _driver(engine)
    async with sessions() as session:
        await session.execute(insert(ITEMS).values(label="rolled back by sqlite"))
        with pytest.raises(exc.IntegrityError, match="vetoed"):
            await session.execute(insert(ITEMS).values(label="veto"))
        assert not driver.in_transaction
        await session.rollback()
        await session.execute(insert(ITEMS).values(label="after"))
        await session.commit()
    assert await _labels(engine) == ["after"]


async def test_a_failed_commit_keeps_the_transaction_until_rolled_back(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A deferred foreign key fails at COMMIT, which leaves SQLite's transaction open."""
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE parents (id INTEGER PRIMARY KEY)")
        await connection.exec_driver_sql(
            "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER "
            "REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    driver = await _driver(engine)
    async with sessions() as session:
        await session.execute(text("INSERT INTO children (parent_id) VALUES (42)"))
        with pytest.raises(exc.IntegrityError, match="FOREIGN KEY"):
            await session.commit()
        assert driver.in_transaction
        await session.rollback()
        assert not driver.in_transaction
        await session.execute(insert(ITEMS).values(label="after"))
        await session.commit()
        assert await session.scalar(text("SELECT count(*) FROM children")) == 0
    assert await _labels(engine) == ["after"]


# The write lock


async def test_a_writer_waits_for_the_lock_and_writes_after_the_holder_commits(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    async def write() -> None:
        async with create_sessionmaker(other_engine)() as session:
            await session.execute(insert(ITEMS).values(label="waited"))
            await session.commit()

    async with create_sessionmaker(engine)() as holder:
        await holder.execute(insert(ITEMS).values(label="held"))
        writer = asyncio.create_task(write())
        await asyncio.sleep(HOLD)
        assert not writer.done()
        await holder.commit()
    await writer
    assert await _labels(engine) == ["held", "waited"]


async def test_a_read_session_waits_too_because_every_transaction_begins_immediate(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    async def read() -> int | None:
        async with create_sessionmaker(other_engine)() as session:
            return await session.scalar(select(func.count()).select_from(ITEMS))

    async with create_sessionmaker(engine)() as holder:
        await holder.execute(insert(ITEMS).values(label="held"))
        reader = asyncio.create_task(read())
        await asyncio.sleep(HOLD)
        assert not reader.done()
        await holder.commit()
    assert await reader == 1


async def test_a_begin_that_times_out_leaves_no_transaction_behind(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    """BEGIN IMMEDIATE gives up after the busy timeout; nothing stays open."""
    async with other_engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA busy_timeout=50")
        await connection.commit()
    driver = await _driver(other_engine)
    async with create_sessionmaker(engine)() as holder:
        await holder.execute(insert(ITEMS).values(label="held"))
        async with create_sessionmaker(other_engine)() as session:
            with pytest.raises(exc.OperationalError, match="database is locked"):
                await session.execute(insert(ITEMS).values(label="late"))
            assert not driver.in_transaction
            await session.rollback()
            await holder.commit()
            await session.execute(insert(ITEMS).values(label="late"))
            await session.commit()
    assert await _labels(engine) == ["held", "late"]


# Concurrency


@pytest.mark.parametrize("pool_size", [1, 5])
async def test_fifty_concurrent_transactions_all_succeed(
    url: str, engine: AsyncEngine, pool_size: int
) -> None:
    """With one connection sessions queue for it; with five they queue for the lock."""
    pooled = create_engine(url, pool_size=pool_size)
    sessions = create_sessionmaker(pooled)

    async def transact(index: int) -> int | None:
        async with sessions() as session:
            await session.execute(insert(ITEMS).values(number=index, label=f"task {index}"))
            found = await session.scalar(
                select(ITEMS.c.number).where(ITEMS.c.label == f"task {index}")
            )
            await session.commit()
            return found

    try:
        found = await asyncio.gather(*(transact(index) for index in range(50)))
    finally:
        await pooled.dispose()
    assert found == list(range(50))
    assert sorted(await _labels(engine)) == sorted(f"task {index}" for index in range(50))


# Errors


@pytest.mark.parametrize(
    ("statement", "parameters", "error", "cause"),
    [
        ("SELEC 1", None, exc.OperationalError, sqlite3.OperationalError),
        ("SELECT * FROM missing", None, exc.OperationalError, sqlite3.OperationalError),
        (
            "INSERT INTO items (label) VALUES (?)",
            ("taken",),
            exc.IntegrityError,
            sqlite3.IntegrityError,
        ),
        ("SELECT ?, ?", (1,), exc.ProgrammingError, sqlite3.ProgrammingError),
    ],
    ids=["syntax", "no-such-table", "unique", "bindings"],
)
async def test_sqlite_errors_surface_as_sqlalchemy_errors(
    engine: AsyncEngine,
    statement: str,
    parameters: tuple[Any, ...] | None,
    error: type[exc.DBAPIError],
    cause: type[sqlite3.Error],
) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(ITEMS).values(label="taken"))
        await connection.commit()
        with pytest.raises(error) as caught:
            await connection.exec_driver_sql(statement, parameters)
        assert type(caught.value.orig) is cause
        await connection.rollback()
        assert await connection.scalar(text("SELECT label FROM items")) == "taken"


# Lifecycle


# Lifecycle


async def test_dispose_closes_the_connection(engine: AsyncEngine, tmp_path: Path) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(ITEMS).values(label="kept"))
    driver = await _driver(engine)
    await engine.dispose()
    with pytest.raises(ValueError, match="closed|no active connection"):
        await driver.execute("SELECT 1")
    # The last connection to close checkpoints the WAL and deletes it.
    assert not (tmp_path / "x.db-wal").exists()
    assert await _labels(engine) == ["kept"]
    assert await _driver(engine) is not driver


# Waiting for the lock


async def test_the_busy_timeout_is_thirty_seconds(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.scalar(text("PRAGMA busy_timeout")) == 30_000


async def test_a_reader_outside_a_transaction_does_not_wait_and_sees_committed_rows(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Without a BEGIN, a WAL reader runs beside the writer, on the last committed state."""
    async with engine.begin() as connection:
        await connection.execute(insert(ITEMS).values(label="committed"))
    async with (
        aiosqlite.connect(tmp_path / "x.db", isolation_level=None) as reader,
        create_sessionmaker(engine)() as holder,
    ):
        await holder.execute(insert(ITEMS).values(label="pending"))
        cursor = await reader.execute("SELECT label FROM items ORDER BY id")
        assert list(await cursor.fetchall()) == [("committed",)]
        await holder.commit()


async def test_a_writer_waiting_for_the_lock_leaves_the_event_loop_free(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        async with create_sessionmaker(engine)() as holder:
            await holder.execute(insert(ITEMS).values(label="first"))
            async with create_sessionmaker(other_engine)() as waiting:
                write = asyncio.create_task(waiting.execute(insert(ITEMS).values(label="second")))
                await asyncio.sleep(HOLD)
                assert not write.done()
                waited_ticks = ticks
                await holder.commit()
                await write
                await waiting.commit()
    finally:
        ticker.cancel()
    # Ticks every 10 ms, and the loop was never held for long: at least half of them came.
    assert waited_ticks >= HOLD / 0.01 / 2
    assert await _labels(engine) == ["first", "second"]


async def test_a_session_cancelled_while_waiting_for_the_lock_leaves_nothing_open(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    """A handler cancelled mid-wait (a shutdown, a timeout) neither writes nor keeps the
    lock: its connection is rolled back before anyone else gets it."""

    async def write() -> None:
        async with create_sessionmaker(other_engine)() as session:
            await session.execute(insert(ITEMS).values(label="cancelled"))
            await session.commit()

    async with create_sessionmaker(engine)() as holder:
        await holder.execute(insert(ITEMS).values(label="held"))
        writer = asyncio.create_task(write())
        await asyncio.sleep(HOLD)
        writer.cancel()
        # Its rollback waits behind its BEGIN in aiosqlite's thread, for the lock.
        await holder.commit()
        with pytest.raises(asyncio.CancelledError):
            await writer
    async with create_sessionmaker(other_engine)() as session:
        await session.execute(insert(ITEMS).values(label="after"))
        await session.commit()
    assert await _labels(engine) == ["held", "after"]


async def test_rows_sent_together_wait_for_the_lock_and_arrive_once(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    async def write_many() -> None:
        async with other_engine.begin() as connection:
            await connection.execute(insert(ITEMS), [{"label": "one"}, {"label": "two"}])

    async with create_sessionmaker(engine)() as holder:
        await holder.execute(insert(ITEMS).values(label="held"))
        writer = asyncio.create_task(write_many())
        await asyncio.sleep(HOLD)
        assert not writer.done()
        await holder.commit()
    await writer
    assert await _labels(engine) == ["held", "one", "two"]
