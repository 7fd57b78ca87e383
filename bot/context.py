"""Per-update context for handlers: the clock, a session factory, the reader's language,
their participant record, their organiser role (if they have them) and their
conversation state.

This replaces aiogram's own FSM middleware (the dispatcher is built with
``disable_fsm=True``) so that, inside the per-chat lock, one transaction reads the
person, their role and their conversation, and the conversation is written back once
at the end (see :mod:`bot.storage`).
"""

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.strategy import FSMStrategy
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import DatabaseStorage
from events.access import may_organise
from events.clock import Clock
from events.languages import language_from_tag
from events.participants import find_telegram_person
from events.preferences import set_reachable
from locales.translator import Catalogues

# Key in the conversation data where a person without a profile keeps their language.
LANGUAGE_KEY = "language"


class ContextMiddleware(FSMContextMiddleware):
    def __init__(
        self,
        storage: DatabaseStorage,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalogues: Catalogues,
        clock: Clock,
    ) -> None:
        super().__init__(
            storage=storage,
            strategy=FSMStrategy.USER_IN_CHAT,
            events_isolation=SimpleEventIsolation(),
        )
        self._conversations = storage
        self._sessionmaker = sessionmaker
        self._catalogues = catalogues
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["fsm_storage"] = self.storage
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        if context is None:
            return await self._handle(handler, event, data, None)
        # One update of a chat at a time: the conversation it reads stays true until it
        # has written it back.
        async with (
            self.events_isolation.lock(key=context.key),
            self._conversations.update_scope(),
        ):
            return await self._handle(handler, event, data, context)

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
        state: FSMContext | None,
    ) -> Any:
        user: User | None = data.get("event_from_user")
        participant = None
        organiser = None
        language = "en"
        if user is not None:
            async with self._sessionmaker() as session:
                person = await find_telegram_person(session, user.id)
                # A checker's role is for ticket links only (bot.organiser), not here.
                participant, organiser = person.participant, may_organise(person.organiser)
                if state is not None:
                    await self._conversations.preload(session, state.key)
                # Only a message or a button press means they talk to the bot again; a
                # membership update may be the very news that they blocked it.
                wrote = isinstance(event, Update) and bool(event.message or event.callback_query)
                if wrote and participant is not None and not participant.is_reachable:
                    await set_reachable(session, self._clock(), user.id, reachable=True)
            stored = (await state.get_value(LANGUAGE_KEY)) if state is not None else None
            if participant is not None:
                language = participant.language
            elif isinstance(stored, str):
                language = stored
            else:
                language = language_from_tag(user.language_code)
        if state is not None:
            data["state"] = state
            data["raw_state"] = await state.get_state()
        data["db"] = self._sessionmaker
        data["now"] = self._clock()
        data["participant"] = participant
        data["organiser"] = organiser
        data["t"] = self._catalogues.translator(language)
        return await handler(event, data)
