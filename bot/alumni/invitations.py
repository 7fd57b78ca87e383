"""Imported alumni are invited the first time they write to the bot: after the answer to
whatever they wrote, one message asks whether the listing is theirs."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alumni.router import account_of, invitation_keyboard, invitation_text
from events.alumni.invitations import take_new_invitations
from locales.translator import Translator


class AlumniInvitations(BaseMiddleware):
    """A message middleware (it needs the context's ``db``, ``now`` and ``t``)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        result = await handler(event, data)
        if (
            isinstance(event, Message)
            and event.chat.type == ChatType.PRIVATE
            and event.from_user is not None
            # /alumni shows open invitations itself.
            and not (event.text or "").startswith("/alumni")
        ):
            db: async_sessionmaker[AsyncSession] = data["db"]
            now: datetime = data["now"]
            t: Translator = data["t"]
            async with db() as session:
                editions = await take_new_invitations(session, now, account_of(event.from_user))
            if editions:
                await event.answer(
                    invitation_text(t, list(editions)), reply_markup=invitation_keyboard(t)
                )
        return result
