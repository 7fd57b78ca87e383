"""The send budget in the bot's HTTP session, against the Telegram emulator over HTTP:
replies survive a 429, a 5xx and a proxy's error page; a bounded number of attempts;
a blocked person is not asked again; what Telegram does not count never waits; and
replies to many people at once arrive in the order they wrote, within the limits.
"""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramServerError

from bot.runtime import create_bot
from emulator import TelegramEmulator
from scheduler.dispatcher import DispatchStats
from sending.budget import RetryPolicy, SendBudget, answering
from sending.pacing import Pacer
from tests.scheduler.harness import BOT_USERNAME, TOKEN, Deliveries

QUICK_RETRIES = RetryPolicy(attempts=4, backoff_seconds=0.02, max_backoff_seconds=0.05)


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN, BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture
def budget() -> SendBudget:
    return SendBudget(Pacer(30, 1), QUICK_RETRIES)


@pytest.fixture
async def bot(tg: TelegramEmulator, budget: SendBudget) -> AsyncIterator[Bot]:
    bot = create_bot(TOKEN, tg.base_url, budget)
    yield bot
    await bot.session.close()


async def reply(bot: Bot, chat_id: int, text: str, rank: float = 1.0) -> None:
    with answering(rank):
        await bot.send_message(chat_id, text)


async def test_a_reply_refused_with_429_waits_retry_after_and_is_sent(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget
) -> None:
    person = tg.user(5001, started=True)
    tg.fail_next(1, 429, methods=["sendMessage"])
    began = time.monotonic()

    await reply(bot, person.id, "Welcome")

    assert [message.text for message in person.messages] == ["Welcome"]
    assert time.monotonic() - began >= 1.0  # the emulator's retry_after
    assert (budget.stats.too_many_requests, budget.stats.retried, budget.stats.sent) == (1, 1, 1)
    # Reported with the outbox's counters, in the line the dispatcher logs every minute.
    summary = DispatchStats(replies=budget.stats).summary()
    assert "replies: 1 sent, waited p50 " in summary
    assert "1 sent again, 0 given up, 1 refused with 429" in summary


@pytest.mark.parametrize("body", ["json", "html"])
async def test_a_reply_survives_server_errors_and_a_proxys_error_page(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget, body: str
) -> None:
    person = tg.user(5002, started=True)
    tg.fail_next(2, 502, body=body, methods=["sendMessage"])  # type: ignore[arg-type]

    await reply(bot, person.id, "Welcome")

    assert [message.text for message in person.messages] == ["Welcome"]
    assert budget.stats.retried == 2


async def test_a_reply_is_given_up_after_the_bounded_number_of_attempts(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget
) -> None:
    person = tg.user(5003, started=True)
    tg.fail_next(10, 503, methods=["sendMessage"])

    with pytest.raises(TelegramServerError):
        await reply(bot, person.id, "Welcome")

    assert tg.stats.calls["sendMessage"] == QUICK_RETRIES.attempts
    assert (budget.stats.given_up, budget.stats.retried) == (1, QUICK_RETRIES.attempts - 1)
    assert person.messages == []


async def test_a_person_who_blocked_the_bot_is_not_asked_again(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget
) -> None:
    person = tg.user(5004, started=True)
    person.block()

    with pytest.raises(TelegramForbiddenError):
        await reply(bot, person.id, "Welcome")

    assert tg.stats.calls["sendMessage"] == 1
    assert budget.stats.retried == 0


async def test_what_telegram_does_not_count_passes_while_every_send_waits(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget
) -> None:
    person = tg.user(5005, started=True)
    budget.pacer.pause(30)  # as after a 429 with retry_after 30
    began = time.monotonic()

    with answering(1):
        await bot.send_chat_action(person.id, "typing")
        await bot.get_me()
        sending = asyncio.create_task(bot.send_message(person.id, "Welcome"))
        await asyncio.sleep(0.2)

    assert time.monotonic() - began < 1.0
    assert not sending.done()
    assert person.chat_actions == ["typing"]
    sending.cancel()
    await asyncio.gather(sending, return_exceptions=True)
    assert budget.pacer.waiting == 0


async def test_a_send_outside_any_update_is_counted_but_not_retried(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget
) -> None:
    person = tg.user(5006, started=True)
    tg.fail_next(1, 502, methods=["sendMessage"])

    with pytest.raises(TelegramServerError):
        await bot.send_message(person.id, "From a script")

    assert budget.stats.retried == 0


async def test_replies_to_many_people_arrive_in_the_order_they_wrote_within_the_limits(
    tg: TelegramEmulator, bot: Bot, budget: SendBudget
) -> None:
    """60 people, two messages each, all asked for at once in shuffled order: Telegram's
    limits hold (no 429), and first replies arrive in the order of the updates."""
    tg.flood_limits(enabled=True, global_per_second=30, per_chat_per_second=1)
    deliveries = Deliveries(tg)
    people = [tg.user(6000 + rank, started=True) for rank in range(60)]

    async def answer(rank: int) -> None:
        with answering(rank):
            await bot.send_message(people[rank].id, f"Welcome {rank}")
            await bot.send_message(people[rank].id, f"Choose a language {rank}")

    ranks = list(range(60))
    ranks.reverse()  # asked in the opposite order of writing
    # A moment's pause (as after a 429) lets every request join the queue first; in
    # real life the requests trickle in, which the process tests cover.
    budget.pacer.pause(0.3)
    await asyncio.gather(*(answer(rank) for rank in ranks))

    assert tg.stats.too_many_requests == 0
    assert all(len(person.messages) == 2 for person in people)
    first: dict[int, float] = {}
    for delivery in deliveries.log:
        first.setdefault(delivery.chat_id, delivery.at)
    assert sorted(first, key=first.__getitem__) == [person.id for person in people]
    assert budget.stats.sent == 120
    assert len(budget.stats.waits) == 120
