"""Whatever no other handler took: unknown commands, stray text, stale or forged buttons."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.filters import IS_COMMAND
from bot.keyboards import main_menu
from locales.translator import Translator


async def unknown_command(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Unknown command. Try /help."))


async def anything_else(message: Message, t: Translator) -> None:
    await message.answer(
        t.gettext("How can I help? Choose below or try /help."), reply_markup=main_menu(t)
    )


async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.gettext("This button is no longer active."))


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(unknown_command, IS_COMMAND)
    router.message.register(anything_else)
    router.callback_query.register(stale_button)
    return router
