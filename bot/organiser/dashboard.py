"""/dashboard: an organiser's one-time sign-in link to the web dashboard, and, when the
dashboard is served over https (Telegram opens Mini Apps only from https), a button that
opens it inside Telegram and the chat's menu button set to it."""

from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Message,
    WebAppInfo,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.guards import only_organisers
from bot.services import BotServices
from bot.views import e
from events.dashboard_sign_in import SignInRefused, issue_sign_in_link
from locales.translator import Translator

SIGN_IN_PATH = "/dashboard/sign-in/"
MINI_APP_PATH = "/dashboard/app"


async def dashboard(
    message: Message,
    bot: Bot,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    services: BotServices,
) -> None:
    user_id = message.from_user.id if message.from_user else 0
    # No request to Telegram while a session is open (SQLite has one connection).
    async with db() as session:
        try:
            secret = await issue_sign_in_link(session, now, user_id, t.language)
        except SignInRefused:
            secret = None
    if secret is None:
        await message.answer(only_organisers(t))
        return
    base = services.public_url.rstrip("/")
    link = base + SIGN_IN_PATH + secret
    text = t.gettext(
        "Your sign-in link to the dashboard. It works once, for 10 minutes; "
        "do not share it:\n{link}"
    ).format(link=e(link))
    mini_app = base.startswith("https://")
    markup = None
    if mini_app:
        app = WebAppInfo(url=base + MINI_APP_PATH)
        label = t.gettext("Open the dashboard")
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=label, web_app=app)]]
        )
    # No preview: Telegram's robot would fetch the link (it changes nothing, but the
    # preview would show the secret's page to anyone looking over a shoulder).
    await message.answer(
        text, reply_markup=markup, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    if mini_app:
        await bot.set_chat_menu_button(
            chat_id=message.chat.id,
            menu_button=MenuButtonWebApp(
                text=t.gettext("Dashboard"), web_app=WebAppInfo(url=base + MINI_APP_PATH)
            ),
        )


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(dashboard, Command("dashboard"))
    return router
