"""getUpdates: the update shapes, long polling, confirmation and conflicts."""

import asyncio
import time

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from emulator import SimulatedUser, TelegramEmulator
from tests.emulator.conftest import connect


async def test_text_from_a_user_arrives_with_telegram_shape(
    tg: TelegramEmulator, bot: Bot
) -> None:
    ani = tg.user(1001, "Ani", last_name="Petrosyan", username="ani_p", language_code="hy")
    await ani.send("/start e-summer-school-2027")
    [update] = await bot.get_updates()
    message = update.message
    assert message is not None
    assert message.from_user is not None
    assert message.text == "/start e-summer-school-2027"
    assert [(e.type, e.offset, e.length) for e in message.entities or []] == [
        ("bot_command", 0, 6)
    ]
    assert (message.from_user.id, message.from_user.is_bot) == (1001, False)
    assert message.from_user.language_code == "hy"
    assert (message.chat.id, message.chat.type, message.chat.username) == (
        1001,
        "private",
        "ani_p",
    )
    # The raw JSON also validates as aiogram's Update model, as a webhook receiver parses it.
    raw = tg.state.updates.first(1)[0]
    assert Update.model_validate(raw).model_dump() == update.model_dump()


async def test_deep_link_payloads(tg: TelegramEmulator, bot: Bot) -> None:
    ani = tg.user(1001)
    await ani.start("e-summer-school-2027")
    await ani.start("not valid!")  # Telegram apps drop an invalid start parameter
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == [
        "/start e-summer-school-2027",
        "/start",
    ]


async def test_offset_confirms_and_ids_increase(tg: TelegramEmulator, bot: Bot) -> None:
    ani = tg.user(1001)
    for text in ("one", "two", "three"):
        await ani.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates()  # nothing confirmed yet
    assert [u.update_id for u in again] == [first[0].update_id, first[1].update_id, 3]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert tg.pending_updates == 1
    await bot.get_updates(offset=-1)  # a negative offset keeps only the newest
    assert tg.pending_updates == 1


async def test_long_poll_returns_as_soon_as_a_message_arrives(
    tg: TelegramEmulator, bot: Bot
) -> None:
    ani = tg.user(1001)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await ani.send("hello")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert time.monotonic() - started < 1


async def test_long_poll_waits_for_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 < time.monotonic() - started < 2


async def test_a_second_poll_terminates_the_first(tg: TelegramEmulator, bot: Bot) -> None:
    other = connect(tg)
    try:
        first = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(other.get_updates(timeout=10))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await asyncio.wait_for(first, 2)
        await tg.user(1001).send("for the survivor")
        assert len(await asyncio.wait_for(second, 2)) == 1
    finally:
        await other.session.close()


async def test_allowed_updates_filter_new_updates(tg: TelegramEmulator, bot: Bot) -> None:
    ani = tg.user(1001, started=True)
    await bot.send_message(
        ani.id,
        "x",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="b", callback_data="b")]]
        ),
    )
    await bot.get_updates(allowed_updates=["callback_query"])
    await ani.send("ignored")
    await ani.press("b")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    await bot.get_updates(offset=update.update_id + 1, allowed_updates=[])  # default again
    await ani.send("seen")
    assert len(await bot.get_updates()) == 1


async def test_a_real_dispatcher_talks_to_simulated_users(tg: TelegramEmulator) -> None:
    router = Router()

    @router.message(CommandStart(deep_link=True))
    async def start(message: Message, command: CommandObject) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Register", callback_data="reg")]]
        )
        await message.answer(f"Event <b>{command.args}</b>", reply_markup=markup)

    @router.callback_query(F.data == "reg")
    async def register(query: CallbackQuery) -> None:
        await query.answer("Registered")
        if isinstance(query.message, Message):
            await query.message.edit_text("You are registered")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(tg.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=5
        )
    )
    try:
        ani = tg.user(1001, "Ani", language_code="hy")
        await ani.start("summer-2027")
        card = await ani.next_message(timeout=3)
        assert (card.text, card.html) == ("Event summer-2027", "Event <b>summer-2027</b>")
        await ani.press("Register")
        assert (await ani.next_callback_answer(timeout=3)).text == "Registered"
        for _ in range(100):
            if card.edits:
                break
            await ani.wait_for_change(0.05)
        assert card.text == "You are registered"
        assert card.buttons == []
    finally:
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()
    assert tg.stats.calls["getMe"] >= 1
    assert tg.stats.calls["getUpdates"] >= 1


async def test_user_sends_only_what_a_telegram_app_would(tg: TelegramEmulator) -> None:
    ani = tg.user(1001)
    with pytest.raises(ValueError, match="1-4096"):
        await ani.send("   ")
    with pytest.raises(ValueError, match="1-4096"):
        await ani.send("x" * 4097)
    with pytest.raises(TimeoutError):
        await ani.next_message(timeout=0.01)


@pytest.mark.parametrize("count", [1, 5])
async def test_updates_are_snapshots(tg: TelegramEmulator, bot: Bot, count: int) -> None:
    ani: SimulatedUser = tg.user(1001)
    for number in range(count):
        await ani.send(f"message {number}")
    updates = await bot.get_updates()
    assert [u.message.message_id for u in updates if u.message] == list(range(1, count + 1))
