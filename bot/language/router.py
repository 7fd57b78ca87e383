"""/language: switch the language at any time."""

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import LanguageChoice
from bot.context import LANGUAGE_KEY
from bot.keyboards import language_picker, main_menu
from events.languages import LANGUAGES
from events.models import Participant
from events.preferences import set_language
from locales.translator import Catalogues, Translator


async def language_command(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Choose your language:"), reply_markup=language_picker())


async def show_picker(query: CallbackQuery, t: Translator) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            t.gettext("Choose your language:"), reply_markup=language_picker()
        )


async def choose(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    state: FSMContext,
    catalogues: Catalogues,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    code = next((language for language in LANGUAGES if language == callback_data.code), None)
    if code is None:
        await query.answer()
        return
    await state.update_data({LANGUAGE_KEY: code})
    if participant is not None:
        async with db() as session:
            fresh = await session.get(Participant, participant.id)
            if fresh is not None:
                await set_language(session, now, fresh, code)
    t = catalogues.translator(code)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            t.gettext("Done: I will write to you in English."), reply_markup=main_menu(t)
        )


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(language_command, Command("language"))
    router.callback_query.register(show_picker, LanguageChoice.filter(F.code == ""))
    router.callback_query.register(choose, LanguageChoice.filter())
    return router
