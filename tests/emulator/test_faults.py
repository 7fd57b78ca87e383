"""Flood control (429) and injected faults, as aiogram sees them."""

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from emulator import SimulatedUser, TelegramEmulator
from tests.emulator.conftest import FakeClock


async def test_one_message_per_chat_per_second(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser, clock: FakeClock
) -> None:
    tg.flood_limits(enabled=True, global_per_second=30, per_chat_per_second=1)
    await bot.send_message(ani.id, "first")
    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(ani.id, "second")
    assert raised.value.retry_after >= 1
    assert "Too Many Requests: retry after" in raised.value.message
    assert [m.text for m in ani.messages] == ["first"]  # the rejected call is not delivered
    clock.advance(raised.value.retry_after)
    await bot.send_message(ani.id, "second")
    assert tg.stats.too_many_requests == 1
    assert tg.stats.messages_delivered == 2


async def test_edits_count_too(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser, clock: FakeClock
) -> None:
    sent = await bot.send_message(ani.id, "seats: 3")
    tg.flood_limits(per_chat_per_second=1)
    await bot.edit_message_text("seats: 2", chat_id=ani.id, message_id=sent.message_id)
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("seats: 1", chat_id=ani.id, message_id=sent.message_id)
    assert ani.messages[0].text == "seats: 2"


async def test_thirty_messages_a_second_overall(tg: TelegramEmulator, bot: Bot) -> None:
    tg.flood_limits(enabled=True, global_per_second=30, per_chat_per_second=1)
    users = [tg.user(5000 + number, started=True) for number in range(31)]
    for user in users[:30]:
        await bot.send_message(user.id, "broadcast")
    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(users[30].id, "broadcast")
    assert raised.value.retry_after == 1
    assert users[30].messages == []


async def test_limits_can_be_switched_off(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    tg.flood_limits(enabled=True)
    tg.flood_limits(enabled=False)
    for _ in range(5):
        await bot.send_message(ani.id, "fast")


async def test_fail_next_with_502(tg: TelegramEmulator, bot: Bot, ani: SimulatedUser) -> None:
    tg.fail_next(n=2, status=502)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(ani.id, "x")
    await bot.send_message(ani.id, "through")
    assert [m.text for m in ani.messages] == ["through"]
    assert tg.stats.server_errors == 2


async def test_proxy_html_error_page_is_a_decode_error(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    """aiogram parses the body before looking at the status: ClientDecodeError, not 5xx."""
    tg.fail_next(status=503, body="html")
    with pytest.raises(ClientDecodeError, match="Failed to decode object"):
        await bot.send_message(ani.id, "x")
    assert ani.messages == []


async def test_faults_can_target_methods(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    tg.fail_next(status=500, methods=["sendDocument"])
    await bot.get_updates()  # not affected
    await bot.send_message(ani.id, "not affected either")
    tg.fail_next(status=500, methods=["sendMessage"])
    tg.clear_faults()
    await bot.send_message(ani.id, "cleared")


async def test_failure_after_delivery(tg: TelegramEmulator, bot: Bot, ani: SimulatedUser) -> None:
    """A proxy can fail after Telegram delivered: retrying then sends a duplicate."""
    tg.fail_next(status=504, after_delivery=True)
    with pytest.raises(TelegramServerError):
        await bot.send_message(ani.id, "sent anyway")
    assert [m.text for m in ani.messages] == ["sent anyway"]


async def test_hanging_call_times_out_in_the_client(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    tg.fail_next(body="hang", methods=["sendMessage"])
    with pytest.raises(TelegramNetworkError, match="Request timeout"):
        await bot.send_message(ani.id, "x", request_timeout=1)
    assert ani.messages == []


def test_unknown_status_is_refused(tg: TelegramEmulator) -> None:
    with pytest.raises(ValueError, match="599"):
        tg.fail_next(status=599)
