"""/profile, /mydata (everything stored about a person) and /forget (erase it, after a
confirmation)."""

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alumni.views import my_alumni_data
from bot.callbacks import Forget, Signup
from bot.context import LANGUAGE_KEY
from bot.feedback.views import my_feedback_data
from bot.keyboards import button, rows
from bot.replies import answer_long
from bot.signup.draft import PROFILE_ONLY
from bot.views import my_data, profile_summary
from events.alumni.directory import own_alumni_data
from events.alumni.membership import attended_events
from events.errors import DomainError
from events.feedback.privacy import own_feedback
from events.models import Participant
from events.own_registrations import own_registrations
from events.participants import erase_participant
from locales.translator import Translator

EDIT_PROFILE = Signup(action="start", event_id=PROFILE_ONLY)


async def show_my_data(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
) -> None:
    if participant is None:
        await message.answer(
            t.gettext("Redbridge stores nothing about you except your language choice.")
        )
        return
    async with db() as session:
        registrations = await own_registrations(session, participant.id)
        alumni = await own_alumni_data(session, participant.id)
        editions = {event.id: event for event in await attended_events(session, alumni.editions)}
        surveys = await own_feedback(session, participant.id)
    text = my_data(t, participant, list(registrations))
    network = my_alumni_data(t, participant.name, alumni, editions)
    answered = my_feedback_data(t, surveys)
    await answer_long(message, "\n\n".join(part for part in (text, network, answered) if part))


async def ask_to_forget(message: Message, t: Translator) -> None:
    await message.answer(
        t.gettext(
            "This erases your name, profile, answers and tickets, and cancels your upcoming "
            "registrations. It cannot be undone. Erase everything?"
        ),
        reply_markup=rows(
            button(t.gettext("Yes, erase my data"), Forget(confirm=True).pack()),
            button(t.gettext("No, keep it"), Forget(confirm=False).pack()),
        ),
    )


async def forget(
    query: CallbackQuery,
    callback_data: Forget,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not callback_data.confirm:
        await query.message.answer(t.gettext("Nothing was erased."))
        return
    if participant is not None:
        try:
            async with db() as session:
                await erase_participant(session, now, None, participant.id)
        except DomainError:
            pass  # already erased: the outcome the person asked for
    await state.clear()
    # The language they chose is the one thing kept (/mydata says so): without it the bot
    # would fall back to the Telegram app's language, which may not be one they read.
    await state.update_data({LANGUAGE_KEY: t.language})
    await query.message.answer(t.gettext("Your data has been erased. Goodbye, and take care."))


async def show_profile(message: Message, t: Translator, participant: Participant | None) -> None:
    if participant is None or not participant.name:
        await message.answer(
            t.gettext("You have no profile yet. It is created when you first register.")
        )
        return
    summary = profile_summary(
        t, participant.name, participant.country, participant.gender, participant.birth_year
    )
    await message.answer(
        summary,
        reply_markup=rows(
            button(
                t.gettext("Edit my profile"), Signup(action="start", event_id=PROFILE_ONLY).pack()
            )
        ),
    )


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(show_my_data, Command("mydata"))
    router.message.register(ask_to_forget, Command("forget"))
    router.callback_query.register(forget, Forget.filter())
    router.message.register(show_profile, Command("profile"))
    return router
