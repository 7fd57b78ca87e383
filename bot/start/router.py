"""First contact, deep links, help, and leaving whatever one is in the middle of."""

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.draft import Composition
from bot.browse.router import show_event_message, show_programme_message
from bot.context import LANGUAGE_KEY
from bot.keyboards import first_menu, main_menu
from bot.organiser.router import check_in_message
from bot.signup.draft import SignupDraft
from events.deeplinks import parse_payload
from events.models import Participant
from events.principals import Principal
from locales.translator import Translator


async def start_with_payload(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    organiser: Principal | None,
) -> None:
    await state.set_state(None)
    target = parse_payload(command.args or "")
    if target is None:
        await message.answer(
            t.gettext("This link is not valid. Here is what Redbridge offers:"),
            reply_markup=main_menu(t),
        )
        return
    kind, key = target
    if kind == "event":
        await show_event_message(message, t, db, now, participant, organiser, key)
    elif kind == "programme":
        await show_programme_message(message, t, db, now, key)
    else:
        await check_in_message(message, t, db, now, key)


async def start(
    message: Message, state: FSMContext, t: Translator, participant: Participant | None
) -> None:
    await state.set_state(None)
    greeting = t.gettext(
        "Welcome to Redbridge! Here you can find programmes that bring young people and civil "
        "society of the South Caucasus together, register or apply, and get reminders."
    )
    if participant is None and await state.get_value(LANGUAGE_KEY) is None:
        # Someone new: one message, one set of buttons (the languages, then the menu), so
        # every button on screen can still be pressed.
        choose = t.gettext("You can choose your language at any time:")
        await message.answer(f"{greeting}\n\n{choose}", reply_markup=first_menu(t))
        return
    await message.answer(greeting, reply_markup=main_menu(t))


async def help_command(message: Message, t: Translator, organiser: Principal | None) -> None:
    lines = [
        t.gettext("What I can do:"),
        t.gettext("/start – programmes and events"),
        t.gettext("/my – your registrations and tickets"),
        t.gettext("/profile – your profile"),
        t.gettext("/alumni – the alumni network"),
        t.gettext("/language – change the language"),
        t.gettext("/mydata – see what is stored about you"),
        t.gettext("/forget – erase your data"),
        t.gettext("/cancel – stop what you are doing"),
    ]
    if organiser is not None:
        lines += [
            "",
            t.gettext("For organisers:"),
            t.gettext("/stats – registrations for your events"),
            t.gettext("/review – review applications and select"),
            t.gettext("/broadcast – write to your participants"),
            t.gettext("/broadcasts – your messages and how far they got"),
            t.gettext("/dashboard – the organiser dashboard, in a browser or in Telegram"),
        ]
    await message.answer("\n".join(lines), reply_markup=main_menu(t))


async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    was = await state.get_state()
    await state.set_state(None)
    # Whatever was being written (an application, a broadcast) is dropped unsent.
    await state.update_data({SignupDraft.key: None, Composition.key: None})
    text = t.gettext("Stopped. Nothing was saved.") if was else t.gettext("Nothing to stop.")
    await message.answer(text, reply_markup=main_menu(t))


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(start_with_payload, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    return router
