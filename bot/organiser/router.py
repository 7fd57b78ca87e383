"""Organisers in chat: /stats for their events, and check-in by opening a ticket's QR link."""

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.feedback.views import feedback_summary
from bot.guards import only_organisers
from bot.replies import answer_long
from bot.views import e, event_title
from bot.wording import count_label, refusal
from events.access import may_organise, telegram_principal
from events.errors import DomainError
from events.feedback.results import recent_feedback
from events.models import Event, Programme
from events.registrations import check_in_from_chat
from events.statistics import (
    AGE_BANDS,
    FIRST_TIMER,
    UNSPECIFIED,
    Balance,
    EventStatistics,
    ProgrammeStatistics,
    managed_event_statistics,
    managed_programme_statistics,
)
from locales.translator import Translator


async def stats(
    message: Message, t: Translator, db: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    user_id = message.from_user.id if message.from_user else 0
    # No request to Telegram while a session is open: on SQLite the bot's other work
    # (saving the conversation before sending) needs the one connection.
    async with db() as session:
        principal = may_organise(await telegram_principal(session, user_id))
        rows = await managed_event_statistics(session, principal, now) if principal else []
        programmes = (
            await managed_programme_statistics(
                session, principal, (event.programme_id for event, _ in rows)
            )
            if principal
            else []
        )
        surveys = await recent_feedback(session, principal, now) if principal else []
    if principal is None:
        await message.answer(only_organisers(t))
        return
    # The one place organisers look regularly, so /broadcast is mentioned here rather
    # than in the public command menu.
    hint = t.gettext("To write to your participants: /broadcast")
    summaries = [feedback_summary(t, event, found) for event, found in surveys]
    if not rows:
        blocks = [t.gettext("You have no upcoming events."), *summaries, hint]
        await answer_long(message, "\n\n".join(blocks))
        return
    blocks = [_event_statistics(t, event, statistics) for event, statistics in rows]
    blocks += [_programme_statistics(t, programme, found) for programme, found in programmes]
    blocks += summaries
    await answer_long(message, "\n\n".join([*blocks, hint]))


def _event_statistics(t: Translator, event: Event, statistics: EventStatistics) -> str:
    counts = ", ".join(
        f"{count_label(t, status)}: {count}"
        for status, count in statistics.by_status.items()
        if count
    )
    text = "<b>{title}</b> · {date}\n{seats}\n{counts}".format(
        title=e(event_title(t, event)),
        date=t.date(event.starts_at, event.timezone),
        seats=t.ngettext("{count} seat left", "{count} seats left", statistics.seats_left).format(
            count=statistics.seats_left
        ),
        counts=counts or t.gettext("No registrations."),
    )
    return "\n".join([text, *balance_lines(t, statistics)])


def _programme_statistics(
    t: Translator, programme: Programme, statistics: ProgrammeStatistics
) -> str:
    """A programme's balance over all its events that were not cancelled, past ones too."""
    title = t.pick(programme.title, programme.default_language)
    lines = [
        t.gettext("Programme: {title}").format(title=f"<b>{e(title)}</b>"),
        t.gettext("Events: {events}, seats: {capacity}, taken: {taken}").format(
            events=len(statistics.events),
            capacity=statistics.capacity,
            taken=statistics.seats_held,
        ),
    ]
    return "\n".join([*lines, *balance_lines(t, statistics)])


def _age_band_label(t: Translator, band: str) -> str:
    labels = {
        "under_18": t.gettext("under 18"),
        "36_and_over": t.gettext("36 and over"),
        UNSPECIFIED: t.gettext("age not stated"),
    }
    for name, lowest, highest in AGE_BANDS:
        if name == band and name not in labels:
            return f"{lowest}–{highest}"
    return labels.get(band, band)


def balance_lines(t: Translator, statistics: Balance) -> list[str]:
    """Who holds the seats, by country, gender, age band and first participation; nothing
    while nobody does."""
    countries = statistics.holding(statistics.by_country)
    if not countries:
        return []
    genders = statistics.holding(statistics.by_gender)
    ages = statistics.holding(statistics.by_age_band)
    first = statistics.holding(statistics.by_first_timer).get(FIRST_TIMER, 0)
    held = sum(countries.values())
    named = ", ".join(
        f"{e(t.country(code)) if code != UNSPECIFIED else t.gettext('country not stated')} "
        f"{number}"
        for code, number in countries.items()
    )
    return [
        t.gettext("Holding a seat:"),
        "• " + t.gettext("Countries: {counts}").format(counts=named),
        "• "
        + t.gettext("Women {women}, men {men}, other {other}, not stated {unstated}").format(
            women=genders.get("female", 0),
            men=genders.get("male", 0),
            other=genders.get("other", 0),
            unstated=genders.get(UNSPECIFIED, 0),
        ),
        "• "
        + t.gettext("Ages: {counts}").format(
            counts=", ".join(f"{_age_band_label(t, band)} {n}" for band, n in ages.items())
        ),
        "• " + t.gettext("First-timers: {first} of {held}").format(first=first, held=held),
    ]


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
