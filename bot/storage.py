"""Conversation state in the database, so a deploy does not lose a half-done application.

One row per chat and user. While an update is handled (``update_scope``), the state
lives in an :class:`UpdateScope`: the context middleware loads the row in the
transaction it opens anyway, handlers read and write the copy, and it is written back
in one statement if it changed — before the bot's next request to Telegram
(:class:`SaveBeforeSending`), so a person never sees a question whose step is not
stored yet, and at the end of the update. Without that, every ``get_state``/
``get_data``/``set_state`` was its own transaction: six or more per update and most of
the bot's time. Outside an update (tests, tools) each call is its own transaction.

A conversation with no state and no data is deleted rather than stored empty.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.dialects import INSERTS, Inserter, Upsert, dialect_of
from events.models import ConversationState


def storage_key(key: StorageKey) -> str:
    parts = [str(key.bot_id), str(key.chat_id), str(key.user_id)]
    if key.thread_id is not None:
        parts.append(f"t{key.thread_id}")
    if key.business_connection_id is not None:
        parts.append(f"b{key.business_connection_id}")
    parts.append(key.destiny)
    return ":".join(parts)


@dataclass
class _Conversation:
    user_id: int
    state: str | None
    data: dict[str, Any]
    changed: bool = False


@dataclass
class UpdateScope:
    """The conversations one update has read or written, by storage key."""

    storage: "DatabaseStorage"
    conversations: dict[str, _Conversation] = field(default_factory=dict)


_scope: ContextVar[UpdateScope | None] = ContextVar("conversation_scope", default=None)


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def preload(self, session: AsyncSession, key: StorageKey) -> None:
        """Read a conversation into the current update's scope, in the caller's transaction."""
        scope = _scope.get()
        name = storage_key(key)
        if scope is None or name in scope.conversations:
            return
        scope.conversations[name] = await self._read(session, key)

    async def _conversation(self, key: StorageKey) -> _Conversation:
        scope = _scope.get()
        name = storage_key(key)
        if scope is not None and name in scope.conversations:
            return scope.conversations[name]
        async with self._sessionmaker() as session:
            found = await self._read(session, key)
        if scope is not None:
            scope.conversations[name] = found
        return found

    @staticmethod
    async def _read(session: AsyncSession, key: StorageKey) -> _Conversation:
        row = (await session.execute(_READ, {"key": storage_key(key)})).one_or_none()
        if row is None:
            return _Conversation(key.user_id, None, {})
        return _Conversation(key.user_id, row.state, dict(row.data or {}))

    async def _changed(self, key: StorageKey, conversation: _Conversation) -> None:
        scope = _scope.get()
        if scope is not None:
            conversation.changed = True
            scope.conversations[storage_key(key)] = conversation
            return
        async with self._sessionmaker() as session:
            await write(session, storage_key(key), conversation)
            await session.commit()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        conversation = await self._conversation(key)
        conversation.state = state.state if isinstance(state, State) else state
        await self._changed(key, conversation)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._conversation(key)).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        conversation = await self._conversation(key)
        conversation.data = {name: value for name, value in data.items() if value is not None}
        await self._changed(key, conversation)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._conversation(key)).data)

    @asynccontextmanager
    async def update_scope(self) -> AsyncIterator[None]:
        """Conversations read and written inside are kept in memory and written back once
        at the end, only if the body succeeded: a failed update leaves the conversation
        where it was, so the person's next message is read against the last good state."""
        scope = UpdateScope(self)
        token = _scope.set(scope)
        try:
            yield
        finally:
            _scope.reset(token)
        await self.flush(scope)

    async def flush(self, scope: UpdateScope) -> None:
        """Write back what an update changed: one transaction, one statement a conversation."""
        changed = {name: c for name, c in scope.conversations.items() if c.changed}
        if not changed:
            return
        async with self._sessionmaker() as session:
            for name, conversation in changed.items():
                await write(session, name, conversation)
            await session.commit()
        for conversation in changed.values():
            conversation.changed = False

    async def close(self) -> None:
        """The engine belongs to the composition root, which disposes of it."""


async def write(session: AsyncSession, name: str, conversation: _Conversation) -> None:
    """Insert or update a conversation in one statement; an empty one is deleted."""
    if conversation.state is None and not conversation.data:
        await session.execute(_DELETE, {"key": name})
        return
    values = {
        "key": name,
        "user_id": conversation.user_id,
        "state": conversation.state,
        "data": conversation.data,
        "updated_at": datetime.now(UTC),
    }
    await session.execute(_UPSERT[dialect_of(session)], values)


# The statements of every update, built once: building one cost more than running it.
_READ = select(ConversationState.state, ConversationState.data).where(
    ConversationState.key == bindparam("key")
)
_DELETE = delete(ConversationState).where(ConversationState.key == bindparam("key"))


def _upsert(insert: Inserter) -> Upsert:
    columns = ConversationState.__table__.c
    statement = insert(ConversationState).values(
        {name: bindparam(name, type_=columns[name].type) for name in _WRITTEN}
    )
    return statement.on_conflict_do_update(
        index_elements=[ConversationState.key],
        set_={name: statement.excluded[name] for name in _WRITTEN if name != "key"},
    )


_WRITTEN = ("key", "user_id", "state", "data", "updated_at")
_UPSERT = {name: _upsert(insert) for name, insert in INSERTS.items()}


class SaveBeforeSending(BaseRequestMiddleware):
    """Writes the current update's changed conversation before any request to Telegram:
    once someone can read the next question, the step that asks it is stored."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        scope = _scope.get()
        if scope is not None:
            await scope.storage.flush(scope)
        return await make_request(bot, method)
