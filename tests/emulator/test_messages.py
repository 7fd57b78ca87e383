"""Sending and editing messages with the real aiogram client, validated like Telegram."""

from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from emulator import Button, SimulatedUser, TelegramEmulator
from tests.emulator.conftest import connect


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "redbridge_test_bot")
    assert me.can_join_groups is True


async def test_html_message_arrives_as_plain_text_with_buttons(
    bot: Bot, ani: SimulatedUser
) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Register", callback_data="register:42")],
            [InlineKeyboardButton(text="Website", url="https://example.org/summer")],
        ]
    )
    sent = await bot.send_message(
        ani.id, "<b>Summer school</b> &amp; forum", parse_mode=ParseMode.HTML, reply_markup=markup
    )
    assert sent.text == "Summer school & forum"
    assert sent.entities is not None
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == markup.model_dump()

    received = await ani.next_message(timeout=1)
    assert received.message_id == sent.message_id
    assert received.text == "Summer school & forum"
    assert received.html == "<b>Summer school</b> &amp; forum"
    assert received.buttons == [
        [Button("Register", callback_data="register:42")],
        [Button("Website", url="https://example.org/summer")],
    ]


async def test_link_previews_are_on_unless_the_sender_turns_them_off(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    text = "Join: https://redbridge.example/j/abc"
    await bot.send_message(ani.id, text)
    assert (await ani.next_message(timeout=1)).link_preview is True
    off = LinkPreviewOptions(is_disabled=True)
    sent = await bot.send_message(ani.id, text, link_preview_options=off)
    assert (await ani.next_message(timeout=1)).link_preview is False
    await bot.send_message(ani.id, text, disable_web_page_preview=True)
    assert (await ani.next_message(timeout=1)).link_preview is False
    # An edit says again whether to preview, as Telegram reads it.
    await bot.edit_message_text(text + " (updated)", chat_id=ani.id, message_id=sent.message_id)
    assert ani.messages[-2].link_preview is True
    answer = await raw_call(
        tg, "sendMessage", chat_id=ani.id, text=text, link_preview_options=[True]
    )
    assert (answer["ok"], answer["error_code"]) == (False, 400)
    assert "link preview options" in answer["description"]


async def test_invalid_html_is_refused(bot: Bot, ani: SimulatedUser) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Unsupported start tag"):
        await bot.send_message(ani.id, "Seats: <10 left", parse_mode=ParseMode.HTML)
    assert ani.messages == []


async def test_user_name_is_safe_only_when_escaped(bot: Bot, ani: SimulatedUser) -> None:
    name = "<b>Ani</b> & co"
    # Unescaped, Telegram accepts it (a bare "&" is literal) but the name becomes markup.
    await bot.send_message(ani.id, f"Hello, {name}!", parse_mode=ParseMode.HTML)
    assert (await ani.next_message(timeout=1)).text == "Hello, Ani & co!"
    # Escaped with html.escape(quote=False), the person sees their name exactly.
    await bot.send_message(
        ani.id, "Hello, &lt;b&gt;Ani&lt;/b&gt; &amp; co!", parse_mode=ParseMode.HTML
    )
    assert (await ani.next_message(timeout=1)).text == f"Hello, {name}!"
    # And a "<" that starts no valid tag fails the whole message.
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(ani.id, "Hello, <Ani>!", parse_mode=ParseMode.HTML)


async def test_text_length_is_counted_after_parsing(bot: Bot, ani: SimulatedUser) -> None:
    await bot.send_message(ani.id, "a" * 4096)
    # Markup does not count: 4096 visible characters in 4103 characters of HTML.
    await bot.send_message(ani.id, "<b>" + "я" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ani.id, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ani.id, "<b> </b>", parse_mode=ParseMode.HTML)
    assert len(ani.messages) == 2


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, ani: SimulatedUser) -> None:
    await bot.send_message(ani.id, "ok", reply_markup=keyboard([("x", "d" * 64)]))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ani.id, "too long", reply_markup=keyboard([("x", "d" * 65)]))
    # Bytes, not characters: 33 Armenian letters are 66 bytes of UTF-8.
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ani.id, "too long", reply_markup=keyboard([("x", "Ա" * 33)]))


async def test_inline_buttons_need_exactly_one_action(tg: TelegramEmulator, bot: Bot) -> None:
    tg.user(1002, started=True)
    bare = {"inline_keyboard": [[{"text": "nothing"}]]}
    both = {"inline_keyboard": [[{"text": "x", "url": "https://a.org", "callback_data": "x"}]]}
    for markup, reason in [(bare, "text buttons are unallowed"), (both, "exactly one")]:
        answer = await raw_call(tg, "sendMessage", chat_id=1002, text="x", reply_markup=markup)
        assert answer["error_code"] == 400
        assert reason in answer["description"]


async def test_pressing_a_button_makes_a_callback_query(bot: Bot, ani: SimulatedUser) -> None:
    sent = await bot.send_message(
        ani.id, "Choose", reply_markup=keyboard([("Register", "reg"), ("Later", "later")])
    )
    await ani.press("Later")
    await ani.press(0, 0)
    await ani.press(data="reg")
    updates = await bot.get_updates()
    queries = [update.callback_query for update in updates]
    assert [q.data for q in queries if q] == ["later", "reg", "reg"]
    query = queries[0]
    assert query is not None
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert query.from_user.id == ani.id
    assert query.chat_instance

    assert await bot.answer_callback_query(query.id, text="Saved", show_alert=True)
    answer = await ani.next_callback_answer(timeout=1)
    assert (answer.text, answer.show_alert) == ("Saved", True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("no-such-query")


async def test_url_buttons_send_nothing(bot: Bot, ani: SimulatedUser) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Site", url="https://example.org")]]
    )
    await bot.send_message(ani.id, "x", reply_markup=markup)
    with pytest.raises(ValueError, match="sends no callback"):
        await ani.press("Site")
    with pytest.raises(LookupError):
        await ani.press("Missing")


async def test_edits(bot: Bot, ani: SimulatedUser) -> None:
    sent = await bot.send_message(ani.id, "Seats: 3", reply_markup=keyboard([("Take", "take")]))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Seats: 3", chat_id=ani.id, message_id=sent.message_id, reply_markup=sent.reply_markup
        )
    edited = await bot.edit_message_text(
        "<i>Seats: 2</i>",
        chat_id=ani.id,
        message_id=sent.message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=sent.reply_markup,
    )
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None
    received = ani.messages[0]
    assert (received.text, received.html, received.edits) == ("Seats: 2", "<i>Seats: 2</i>", 1)

    # No reply_markup in editMessageText removes the keyboard, as in Telegram.
    await bot.edit_message_text("Full", chat_id=ani.id, message_id=sent.message_id)
    assert received.buttons == []
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=ani.id, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=ani.id, message_id=sent.message_id, reply_markup=keyboard([("Waitlist", "w")])
    )
    assert received.button("Waitlist").callback_data == "w"
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=ani.id, message_id=999)
    assert len(ani.messages) == 1


async def test_delete_message(bot: Bot, ani: SimulatedUser) -> None:
    sent = await bot.send_message(ani.id, "temporary")
    assert await bot.delete_message(ani.id, sent.message_id)
    assert ani.messages[0].deleted
    assert ani.last_message is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ani.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=ani.id, message_id=sent.message_id)


async def test_replies_and_reply_keyboards(bot: Bot, ani: SimulatedUser) -> None:
    question = await ani.send("Which country?")
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Armenia"), KeyboardButton(text="Georgia")]],
        one_time_keyboard=True,
    )
    sent = await bot.send_message(
        ani.id,
        "Pick one",
        reply_markup=markup,
        reply_parameters=ReplyParameters(message_id=question.message_id),
    )
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "Which country?"
    assert ani.keyboard == [["Armenia", "Georgia"]]
    await ani.send("Georgia")  # a one-time keyboard hides after use
    assert ani.keyboard == []
    await bot.send_message(ani.id, "again", reply_markup=markup)
    await bot.send_message(ani.id, "done", reply_markup=ReplyKeyboardRemove())
    assert ani.keyboard == []
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(ani.id, "x", reply_parameters=ReplyParameters(message_id=999))


async def test_who_the_bot_can_reach(tg: TelegramEmulator, bot: Bot, ani: SimulatedUser) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hello")
    stranger = tg.user(2002, "Giorgi", language_code="ka")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(stranger.id, "hello")
    await stranger.send("hi")
    await bot.send_message(stranger.id, "hello")

    ani.block()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(ani.id, "reminder")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(ani.id, "typing")
    ani.unblock()
    await bot.send_message(ani.id, "welcome back")
    updates = [u for u in await bot.get_updates() if u.my_chat_member]
    statuses = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert statuses == ["kicked", "member"]


async def test_chat_actions(bot: Bot, ani: SimulatedUser) -> None:
    assert await bot.send_chat_action(ani.id, "upload_document")
    assert ani.chat_actions == ["upload_document"]
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(ani.id, "dancing")


class SendTelepathy(TelegramMethod[bool]):
    """A method Telegram does not have."""

    __returning__ = bool
    __api_method__ = "sendTelepathy"


async def test_wrong_token_and_unknown_method(tg: TelegramEmulator, bot: Bot) -> None:
    intruder = connect(tg, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()
    with pytest.raises(TelegramNotFound, match="Not Found"):
        await bot(SendTelepathy())
    assert await raw_call(tg, "sendTelepathy") == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }


async def test_parameters_in_json_query_string_and_any_case(
    tg: TelegramEmulator, ani: SimulatedUser
) -> None:
    answer = await raw_call(
        tg, "SENDMESSAGE", chat_id=ani.id, text="<b>json</b>", parse_mode="HTML"
    )
    assert answer["ok"]
    assert answer["result"]["text"] == "json"
    async with aiohttp.ClientSession() as session:
        url = f"{tg.base_url}/bot{tg.token}/sendMessage"
        async with session.get(url, params={"chat_id": ani.id, "text": "query"}) as response:
            assert (await response.json())["result"]["text"] == "query"
    assert tg.stats.calls["sendMessage"] == 2


async def test_commands_per_scope_and_language(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    armenian = [BotCommand(command="start", description="Սկսել")]
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(armenian, scope=BotCommandScopeAllPrivateChats(), language_code="hy")
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Start")
    ]
    assert await bot.get_my_commands(language_code="hy") == []  # exact scope only
    assert ani.menu_commands == [{"command": "start", "description": "Սկսել"}]
    assert tg.user(1003, language_code="ru").menu_commands == [
        {"command": "start", "description": "Start"}
    ]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start Now", description="x")])
    await bot.delete_my_commands()
    assert tg.commands() == []


async def raw_call(tg: TelegramEmulator, method: str, **params: Any) -> dict[str, Any]:
    """One call with a JSON body, as other Bot API clients send it."""
    async with aiohttp.ClientSession() as session:
        url = f"{tg.base_url}/bot{tg.token}/{method}"
        async with session.post(url, json=params) as response:
            body: dict[str, Any] = await response.json()
            return body
