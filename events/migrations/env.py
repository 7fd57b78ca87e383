"""Alembic environment: runs migrations on the async engine of the configured URL."""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import Connection

from events.models import Base
from events.store import create_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.execute(text("PRAGMA foreign_key_check")).all()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    if engine.dialect.name == "sqlite":
        # Batch mode alters a table by copying it and dropping the original; with foreign
        # keys enforced, dropping a table that other rows point at fails. The pragma only
        # works outside a transaction, so it is set on connect; the check above replaces it.
        @sa_event.listens_for(engine.sync_engine, "connect")
        def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()

    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `redbridge migrate`")
asyncio.run(_run_async())
