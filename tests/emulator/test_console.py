"""The terminal chat used by ``redbridge sandbox``, driven with scripted lines."""

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from emulator import SimulatedUser, TelegramEmulator
from emulator.console import chat_in_terminal


async def test_a_person_types_text_and_numbers_and_presses_buttons_with_a_hash(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Register", callback_data="reg")],
            [InlineKeyboardButton(text="Website", url="https://example.org")],
        ]
    )
    card = await bot.send_message(ani.id, "Summer school", reply_markup=markup)
    output: list[str] = []

    async def typed() -> AsyncIterator[str]:
        for line in ("hello\n", "2001\n", "#2\n", "/press 7\n", "#1\n"):
            yield line
            await asyncio.sleep(0)
        [*_, update] = await bot.get_updates()
        assert update.callback_query is not None
        await bot.answer_callback_query(update.callback_query.id, text="Registered")
        await bot.edit_message_text(
            "Summer school: registered", chat_id=ani.id, message_id=card.message_id
        )
        await ani.wait_for_change(0.1)
        yield "/quit\n"
        yield "never read\n"

    await asyncio.wait_for(chat_in_terminal(ani, typed(), output.append), 3)
    screen = "".join(output)
    assert "bot> Summer school\n" in screen
    assert "[1] Register" in screen
    assert "[2] Website -> https://example.org" in screen
    assert "button 2 opens https://example.org" in screen
    assert "there is no button 7" in screen
    assert "[notice] Registered" in screen
    assert "bot> (edited) Summer school: registered" in screen
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["hello", "2001"]
    assert "#2 (or /press 2) presses button [2]" in screen
    assert [u.callback_query.data for u in updates if u.callback_query] == ["reg"]


@pytest.mark.process
async def test_python_dash_m_emulator_serves_until_quit() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emulator",
        "--port",
        "0",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _stderr = await asyncio.wait_for(process.communicate(b"hello\n/quit\n"), 20)
    assert process.returncode == 0
    assert "Telegram Bot API emulator at http://127.0.0.1:" in stdout.decode()
