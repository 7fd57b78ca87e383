"""Telegram tells the bot when a person blocks or unblocks it (``my_chat_member``): the
outbox stops queueing for them at once rather than learning it from a 403."""

from datetime import datetime

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.filters import Matches
from events.preferences import set_reachable


async def membership_changed(
    update: ChatMemberUpdated, db: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    reachable = update.new_chat_member.status == ChatMemberStatus.MEMBER
    async with db() as session:
        await set_reachable(session, now, update.from_user.id, reachable=reachable)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.my_chat_member.register(membership_changed, Matches(F.chat.type == ChatType.PRIVATE))
    return router
