"""Mini App buttons and the chat menu button, refused over plain http as Telegram does."""

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    MenuButtonWebApp,
    WebAppInfo,
)

from emulator import SimulatedUser

APP = "https://dashboard.example.org/dashboard/app"


def web_app_keyboard(url: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text="Open", web_app=WebAppInfo(url=url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def test_a_web_app_button_arrives_with_its_url(bot: Bot, ani: SimulatedUser) -> None:
    await bot.send_message(ani.id, "Dashboard", reply_markup=web_app_keyboard(APP))
    message = await ani.next_message(timeout=5)
    assert message.buttons[0][0].text == "Open"
    assert message.buttons[0][0].web_app_url == APP


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/dashboard/app", "https://", "tg://x"])
async def test_a_web_app_button_needs_https(bot: Bot, ani: SimulatedUser, url: str) -> None:
    with pytest.raises(TelegramBadRequest, match="BUTTON_TYPE_INVALID"):
        await bot.send_message(ani.id, "Dashboard", reply_markup=web_app_keyboard(url))


async def test_the_menu_button_of_one_chat(bot: Bot, ani: SimulatedUser) -> None:
    assert ani.menu_button == {"type": "commands"}
    menu = MenuButtonWebApp(text="Dashboard", web_app=WebAppInfo(url=APP))
    assert await bot.set_chat_menu_button(chat_id=ani.id, menu_button=menu) is True
    assert ani.menu_button == {"type": "web_app", "text": "Dashboard", "web_app": {"url": APP}}
    got = await bot.get_chat_menu_button(chat_id=ani.id)
    assert isinstance(got, MenuButtonWebApp)
    assert got.web_app.url == APP
    # Back to the command list.
    await bot.set_chat_menu_button(chat_id=ani.id, menu_button=MenuButtonCommands())
    assert ani.menu_button == {"type": "commands"}


async def test_a_menu_button_needs_https_and_a_label(bot: Bot, ani: SimulatedUser) -> None:
    insecure = MenuButtonWebApp(text="Dashboard", web_app=WebAppInfo(url="http://example.org"))
    with pytest.raises(TelegramBadRequest, match="BUTTON_TYPE_INVALID"):
        await bot.set_chat_menu_button(chat_id=ani.id, menu_button=insecure)
    unlabelled = MenuButtonWebApp(text=" ", web_app=WebAppInfo(url=APP))
    with pytest.raises(TelegramBadRequest, match="BUTTON_TEXT_INVALID"):
        await bot.set_chat_menu_button(chat_id=ani.id, menu_button=unlabelled)
    assert ani.menu_button == {"type": "commands"}
