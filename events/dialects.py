"""The few statements SQLite and PostgreSQL spell differently."""

from collections.abc import Callable, Mapping

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

# An INSERT that can say ``ON CONFLICT``: both databases have it, each its own way.
Upsert = postgresql.Insert | sqlite.Insert
Inserter = Callable[[type[DeclarativeBase]], Upsert]
INSERTS: Mapping[str, Inserter] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession, model: type[DeclarativeBase]) -> Upsert:
    return INSERTS[dialect_of(session)](model)
