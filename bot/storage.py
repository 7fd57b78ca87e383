"""Conversation state in the database, so a deploy does not lose a half-done application.

One row per chat and user; each read or write is its own short transaction.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.models import ConversationState


def storage_key(key: StorageKey) -> str:
    parts = [str(key.bot_id), str(key.chat_id), str(key.user_id)]
    if key.thread_id is not None:
        parts.append(f"t{key.thread_id}")
    if key.business_connection_id is not None:
        parts.append(f"b{key.business_connection_id}")
    parts.append(key.destiny)
    return ":".join(parts)


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def _row(self, session: AsyncSession, key: StorageKey) -> ConversationState:
        name = storage_key(key)
        row = await session.get(ConversationState, name)
        if row is None:
            row = ConversationState(
                key=name, user_id=key.user_id, state=None, data={}, updated_at=datetime.now(UTC)
            )
            session.add(row)
        return row

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._sessionmaker() as session:
            row = await self._row(session, key)
            row.state = value
            row.updated_at = datetime.now(UTC)
            await session.commit()

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._sessionmaker() as session:
            return await session.scalar(
                select(ConversationState.state).where(ConversationState.key == storage_key(key))
            )

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._sessionmaker() as session:
            row = await self._row(session, key)
            row.data = {name: value for name, value in data.items() if value is not None}
            row.updated_at = datetime.now(UTC)
            await session.commit()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._sessionmaker() as session:
            data = await session.scalar(
                select(ConversationState.data).where(ConversationState.key == storage_key(key))
            )
        return dict(data or {})

    async def forget_user(self, user_id: int) -> None:
        """Drop every conversation of a person who asked to be forgotten."""
        async with self._sessionmaker() as session:
            await session.execute(
                delete(ConversationState).where(ConversationState.user_id == user_id)
            )
            await session.commit()

    async def close(self) -> None:
        """The engine belongs to the composition root, which disposes of it."""
