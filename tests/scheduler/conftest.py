"""Fixtures of the outbox tests: the emulator, a bot talking to it, the record of
deliveries, the catalogues and a clock the test moves."""

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import create_bot
from emulator import TelegramEmulator
from events.models import Event
from locales.translator import Catalogues
from tests.factories import create_event, create_programme
from tests.scheduler.harness import BOT_USERNAME, TOKEN, Deliveries, ManualClock


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN, BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture
async def bot(tg: TelegramEmulator) -> AsyncIterator[Bot]:
    bot = create_bot(TOKEN, tg.base_url)
    yield bot
    await bot.session.close()


@pytest.fixture
def deliveries(tg: TelegramEmulator) -> Deliveries:
    return Deliveries(tg)


@pytest.fixture(scope="session")
def catalogues() -> Catalogues:
    return Catalogues()


@pytest.fixture
def clock(now: datetime) -> ManualClock:
    return ManualClock(now)


@pytest.fixture
async def event(session: AsyncSession, now: datetime) -> Event:
    """An event of a published programme (``outbox``), for broadcasts to be about."""
    await create_programme(session, now, "outbox")
    return await create_event(session, now, "outbox", capacity=1000)
