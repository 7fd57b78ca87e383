"""The dispatcher end to end: a freed seat's offer reaches the next person in line."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.i18n import Catalogues
from bot.notices import notice_renderer
from bot.runtime import create_bot
from emulator import SimulatedUser as TelegramUser
from emulator import TelegramEmulator
from events.models import OutboxMessage, Registration
from events.outbox.queue import State
from events.registrations import cancel_registration, register
from events.store import OutboxBell, create_sessionmaker
from scheduler.dispatcher import DispatchSettings, OutboxDispatcher
from tests.factories import create_event, create_participant, create_programme
from tests.scheduler.harness import until_stored

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
        sessionmaker,
        bot,
        notice_renderer(Catalogues()),
        lambda: now,
        DispatchSettings(idle_poll_seconds=0.05),
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
    # The bot never lets Telegram preview a link: the links it sends are personal.
    assert offer.link_preview is False
    async with sessionmaker() as check:
        rows = (await check.scalars(select(OutboxMessage))).all()
    states = {row.kind: row.state for row in rows}
    assert states["offer"] == State.SENT
    assert states["offer_expiring"] == State.PENDING


async def test_a_message_queued_by_any_writer_goes_at_once_not_at_the_next_look(
    session: AsyncSession,
    engine: AsyncEngine,
    now: datetime,
    tg: TelegramEmulator,
) -> None:
    """The API, the bot and the jobs share one sessionmaker: its outbox bell wakes the
    dispatcher after their commit, so its idle poll (a minute here) is never waited out;
    nor by a stop."""
    await create_programme(session, now, "bell")
    seats: list[tuple[Registration, TelegramUser]] = []
    for number in range(2):
        event = await create_event(session, now, "bell", capacity=1)
        holder = await create_participant(session, now)
        waiting = await create_participant(session, now, telegram_user_id=7110 + number)
        taken = await register(session, now, event.id, holder.id)
        await register(session, now, event.id, waiting.id)
        seats.append((taken, tg.user(7110 + number, "Lala", language_code="en", started=True)))
    (first_taken, first_waiting), (second_taken, second_waiting) = seats
    await cancel_registration(session, now, first_taken.id)

    bell = OutboxBell()
    sessionmaker = create_sessionmaker(engine, bell)
    bot = create_bot(TOKEN, tg.base_url)
    dispatcher = OutboxDispatcher(
        sessionmaker,
        bot,
        notice_renderer(Catalogues()),
        lambda: now,
        DispatchSettings(idle_poll_seconds=60),
    )
    bell.listen(dispatcher.wake)
    running = asyncio.create_task(dispatcher.run())
    try:
        # The first offer goes in the dispatcher's first look; then it idles for a minute
        # (the offer's expiry warning waits in the queue for its time).
        await first_waiting.next_message(timeout=10)
        await until_stored(
            sessionmaker,
            lambda rows: [row.state for row in rows if row.state != State.PENDING] == [State.SENT],
            "the offer recorded as sent",
        )
        async with sessionmaker() as writer:
            await cancel_registration(writer, now, second_taken.id)
        offer = await second_waiting.next_message(timeout=5)
    finally:
        await dispatcher.stop()
        # Stopped at once, although it was busy when asked: not after its idle minute.
        await asyncio.wait_for(running, timeout=5)
        await bot.session.close()
    assert len(offer.buttons) >= 1  # accept or decline the seat
