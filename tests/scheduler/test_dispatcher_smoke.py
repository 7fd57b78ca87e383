"""The dispatcher end to end: a freed seat's offer reaches the next person in line."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogues
from bot.runtime import create_bot
from emulator import TelegramEmulator
from events.models import OutboxMessage
from events.outbox.queue import State
from events.registrations import cancel_registration, register
from scheduler.dispatcher import DispatchSettings, OutboxDispatcher
from tests.factories import create_event, create_participant, create_programme

TOKEN = "123456:DISPATCH-test"


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN, "redbridge_test_bot") as emulator:
        yield emulator


async def test_a_freed_seat_is_offered_in_the_persons_language(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
) -> None:
    await create_programme(session, now, "dispatch")
    event = await create_event(session, now, "dispatch", capacity=1)
    first = await create_participant(session, now, telegram_user_id=7001)
    second = await create_participant(session, now, telegram_user_id=7002, language="ru")
    taken = await register(session, now, event.id, first.id)
    await register(session, now, event.id, second.id)
    await cancel_registration(session, now, taken.id)
    waiting = tg.user(7002, "Arzu", language_code="ru", started=True)

    bot = create_bot(TOKEN, tg.base_url)
    dispatcher = OutboxDispatcher(
        sessionmaker, bot, Catalogues(), lambda: now, DispatchSettings(idle_poll_seconds=0.05)
    )
    running = asyncio.create_task(dispatcher.run())
    try:
        offer = await waiting.next_message(timeout=10)
    finally:
        await dispatcher.stop()
        await running
        await bot.session.close()
    assert "Summer school in Tbilisi" in (offer.text or "")
    assert len(offer.buttons) >= 1
    async with sessionmaker() as check:
        rows = (await check.scalars(select(OutboxMessage))).all()
    states = {row.kind: row.state for row in rows}
    assert states["offer"] == State.SENT
    assert states["offer_expiring"] == State.PENDING
