"""An emulator per test and the real aiogram client pointed at it (no database needed)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from emulator import SimulatedUser, TelegramEmulator


@dataclass
class FakeClock:
    """A monotonic clock the test moves by hand (for the flood limiter)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def tg(clock: FakeClock) -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(clock=clock, webhook_retry_delays=(0.01, 0.02)) as emulator:
        yield emulator


def connect(tg: TelegramEmulator, token: str | None = None) -> Bot:
    """A real aiogram Bot whose API server is the emulator."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    return Bot(token or tg.token, session=session)


@pytest.fixture
async def bot(tg: TelegramEmulator) -> AsyncIterator[Bot]:
    bot = connect(tg)
    yield bot
    await bot.session.close()


@pytest.fixture
def ani(tg: TelegramEmulator) -> SimulatedUser:
    """A user who has already started the bot (no update queued for that)."""
    return tg.user(1001, "Ani", language_code="hy", started=True)
