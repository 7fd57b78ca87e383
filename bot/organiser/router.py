"""Organisers in chat: /stats for their events, and check-in by opening a ticket's QR link."""

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Translator
from bot.replies import answer_long
from bot.views import e, event_title
from bot.wording import count_label, refusal
from events.access import may_organise, telegram_principal
from events.errors import DomainError
from events.models import Event
from events.registrations import check_in_from_chat
from events.statistics import EventStatistics, managed_event_statistics


async def stats(
    message: Message, t: Translator, db: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    user_id = message.from_user.id if message.from_user else 0
    # No request to Telegram while a session is open: on SQLite the bot's other work
    # (saving the conversation before sending) needs the one connection.
    async with db() as session:
        principal = may_organise(await telegram_principal(session, user_id))
        rows = await managed_event_statistics(session, principal, now) if principal else []
    if principal is None:
        await message.answer(t.gettext("This is only for organisers."))
        return
    # The one place organisers look regularly, so /broadcast is mentioned here rather
    # than in the public command menu.
    hint = t.gettext("To write to your participants: /broadcast")
    if not rows:
        await message.answer(t.gettext("You have no upcoming events.") + "\n\n" + hint)
        return
    blocks = [_event_statistics(t, event, statistics) for event, statistics in rows]
    await answer_long(message, "\n\n".join([*blocks, hint]))


def _event_statistics(t: Translator, event: Event, statistics: EventStatistics) -> str:
    counts = ", ".join(
        f"{count_label(t, status)}: {count}"
        for status, count in statistics.by_status.items()
        if count
    )
    return "<b>{title}</b> · {date}\n{seats}\n{counts}".format(
        title=e(event_title(t, event)),
        date=t.date(event.starts_at, event.timezone),
        seats=t.ngettext("{count} seat left", "{count} seats left", statistics.seats_left).format(
            count=statistics.seats_left
        ),
        counts=counts or t.gettext("No registrations."),
    )


async def check_in_message(
    message: Message, t: Translator, db: async_sessionmaker[AsyncSession], now: datetime, code: str
) -> None:
    """A ticket's QR link opened in chat: only organisers and checkers of its programme
    check it in."""
    user_id = message.from_user.id if message.from_user else 0
    try:
        async with db() as session:
            checked = await check_in_from_chat(session, now, user_id, code)
    except DomainError as error:
        await message.answer("⛔ " + refusal(t, error))
        return
    if checked is None:
        ticket = t.gettext("This is a ticket. Please show it to the organisers at the entrance.")
        await message.answer(ticket)
        return
    _registration, event, name = checked
    title = event_title(t, event)
    done = t.gettext("Checked in: {name}, {title}").format(name=e(name), title=e(title))
    await message.answer("✅ " + done)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(stats, Command("stats"))
    return router
