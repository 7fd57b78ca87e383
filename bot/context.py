"""Per-update context for handlers: the clock, a session factory, the reader's language,
their participant record and their organiser role (if they have them)."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogues
from events.access import telegram_principal
from events.languages import language_from_tag
from events.participants import find_by_telegram_id
from events.participation import set_reachable
from redbridge.clock import Clock

# Key in the conversation data where a person without a profile keeps their language.
LANGUAGE_KEY = "language"


class ContextMiddleware(BaseMiddleware):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalogues: Catalogues,
        clock: Clock,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._catalogues = catalogues
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        state: FSMContext | None = data.get("state")
        participant = None
        organiser = None
        language = "en"
        if user is not None:
            async with self._sessionmaker() as session:
                participant = await find_by_telegram_id(session, user.id)
                organiser = await telegram_principal(session, user.id)
                if participant is not None and not participant.is_reachable:
                    await set_reachable(session, self._clock(), user.id, reachable=True)
            stored = (await state.get_value(LANGUAGE_KEY)) if state is not None else None
            if participant is not None:
                language = participant.language
            elif isinstance(stored, str):
                language = stored
            else:
                language = language_from_tag(user.language_code)
        data["db"] = self._sessionmaker
        data["now"] = self._clock()
        data["participant"] = participant
        data["organiser"] = organiser
        data["t"] = self._catalogues.translator(language)
        return await handler(event, data)
