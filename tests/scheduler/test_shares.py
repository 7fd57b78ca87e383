"""Two processes sending for one bot on one database split its limit: together they
never exceed it (the emulator enforces 30 a second and answers 429 otherwise), a newcomer
waits until the other has counted it, and one that leaves gives its share back.

The two "processes" are two bots with their own send budget and share keeper in this
test process, on the real SQLite file or PostgreSQL database of the test.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.runtime import create_bot
from emulator import TelegramEmulator
from events.clock import system_clock
from events.models import SenderShare
from scheduler.shares import ShareKeeper
from sending.budget import SendBudget, answering
from sending.pacing import Pacer
from tests.scheduler.harness import BOT_USERNAME, TOKEN, Deliveries

# Run by itself after the parallel suite (make test): its shares assume that sends arrive
# within a second of being granted, which four busy workers on two cores can break.
pytestmark = pytest.mark.alone

RATE = 30
PERIOD = 0.5


@asynccontextmanager
async def instance(
    tg: TelegramEmulator, sessionmaker: async_sessionmaker[AsyncSession], holder: str
) -> AsyncIterator[tuple[Bot, ShareKeeper]]:
    pacer = Pacer(RATE, 1)
    bot = create_bot(TOKEN, tg.base_url, SendBudget(pacer))
    keeper = ShareKeeper(
        sessionmaker, pacer, RATE, system_clock, name="bot:123456", holder=holder, period=PERIOD
    )
    await keeper.join()
    try:
        yield bot, keeper
    finally:
        await keeper.leave()
        await bot.session.close()


async def replies(bot: Bot, chats: range) -> float:
    """A reply to each chat, all asked for at once; seconds until the last was sent."""
    began = time.monotonic()

    async def one(chat: int) -> None:
        with answering(chat):
            await bot.send_message(chat, "Welcome")

    await asyncio.gather(*(one(chat) for chat in chats))
    return time.monotonic() - began


async def test_two_processes_split_the_limit_and_together_stay_within_it(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with TelegramEmulator(TOKEN, BOT_USERNAME) as tg:
        tg.flood_limits(enabled=True, global_per_second=RATE, per_chat_per_second=1)
        deliveries = Deliveries(tg)
        for chat in range(1, 400):
            tg.user(chat, started=True)
        async with instance(tg, sessionmaker, "first") as (first, first_keeper):
            assert first_keeper.holders == 1
            alone = await replies(first, range(1, 61))  # 60 at 30 a second: about 2 s
            joined_at = time.monotonic()
            async with instance(tg, sessionmaker, "second") as (second, second_keeper):
                assert second_keeper.holders == 2
                # Both send at once: 120 messages, 15 a second each.
                together = await asyncio.gather(
                    replies(first, range(100, 160)), replies(second, range(200, 260))
                )
                second_waited = (
                    min(one.at for one in deliveries.log if 200 <= one.chat_id < 260) - joined_at
                )
            async with sessionmaker() as session:
                holders = (await session.scalars(select(SenderShare.holder))).all()
            await asyncio.sleep(PERIOD)  # the first renews and takes the whole limit
            after = await replies(first, range(300, 360))

    print(  # noqa: T201
        f"\nalone: 60 in {alone:.2f} s; together: 60 + 60 in {max(together):.2f} s; the "
        f"newcomer's first send {second_waited:.2f} s after joining; alone again: 60 in "
        f"{after:.2f} s; 429s: {tg.stats.too_many_requests}"
    )
    assert tg.stats.too_many_requests == 0
    assert len(deliveries) == 240
    assert holders == ["first"]  # the second gave its share back when it left
    # The newcomer waited for the first to count it (a period) and a window (1 s).
    assert second_waited >= PERIOD + 1.0
    # Half the limit each: 60 messages take about 4 s (more than at the whole limit).
    assert min(together) >= 3.0
    assert alone < 3.0
    assert after < 3.0
