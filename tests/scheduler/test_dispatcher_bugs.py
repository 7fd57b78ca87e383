"""Production bugs the outbox tests found, each pinned by a test (all fixed now):
a 403 seen while the recorder is slow, a lease that runs out mid-batch, an event moved
later and back, a reminder queued before an outage, paid broadcasts and the free limit,
and a stop during a pause.
"""

import asyncio
from datetime import datetime, timedelta
from typing import cast

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.runtime import create_bot
from emulator import TelegramEmulator
from events.access import SYSTEM
from events.editions import update_event
from events.inputs import EventChanges
from events.models import Event, OutboxMessage
from events.outbox.queue import Kind, State
from events.registrations import register
from locales.translator import Catalogues
from scheduler.jobs import queue_reminders
from tests.factories import create_event, create_participant
from tests.scheduler.harness import (
    Deliveries,
    ManualClock,
    add_broadcast,
    add_people,
    add_registrations,
    dispatching,
    make_dispatcher,
    open_chats,
    outbox,
    queue_broadcast,
    quiet,
    until,
    until_stored,
)
from tests.sending.test_pacing import most_in_any_window

DAY = 24 * 60  # minutes


class _RecorderCommitsSlowly(AsyncSession):
    """A session whose commit takes half a second when the dispatcher's outcome recorder
    makes it (a busy database), so the recorder's transaction is still open when
    Telegram's next answer comes back."""

    async def commit(self) -> None:
        task = asyncio.current_task()
        coroutine = task.get_coro() if task is not None else None
        if "_record_outcomes" in getattr(coroutine, "__qualname__", ""):
            await asyncio.sleep(0.5)
        await super().commit()


async def test_a_person_who_blocked_the_bot_is_tried_only_once_with_a_slow_database(
    engine: AsyncEngine,
    session: AsyncSession,
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
) -> None:
    slow = cast(
        async_sessionmaker[AsyncSession],
        async_sessionmaker(engine, class_=_RecorderCommitsSlowly, expire_on_commit=False),
    )
    blocker, other = await add_people(session, now, 2)
    open_chats(tg, [blocker, other])
    tg.user(blocker.telegram_user_id or 0).block()
    for number in range(3):
        broadcast = await add_broadcast(session, now, event.id, {"en": f"News {number}"})
        await queue_broadcast(session, now, broadcast, [blocker, other])

    async with dispatching(make_dispatcher(slow, bot, catalogues, clock)):
        await until(lambda: len(deliveries) >= 3, "the other's three messages", timeout=20)
        await until_stored(
            slow, lambda rows: all(row.state != State.PENDING for row in rows), "no pending"
        )

    assert tg.stats.errors[403] == 1
    rows = await outbox(slow)
    assert [row.state for row in rows if row.participant_id == blocker.id] == [State.BLOCKED] * 3


async def test_a_leader_whose_lease_ran_out_mid_batch_sends_nothing_more(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
) -> None:
    lease = 3.0
    people = await add_people(session, now, 6)
    open_chats(tg, people)
    broadcast = await add_broadcast(session, now, event.id, {"en": "Once only."})
    slow_bot = create_bot(bot.token, tg.base_url)
    # Four a second: it claims two rows at a time, and four requests in flight fill its
    # window. Its first four requests hang for two seconds.
    leader = make_dispatcher(
        sessionmaker,
        slow_bot,
        catalogues,
        clock,
        holder="leader",
        rate=4,
        lease_seconds=lease,
        request_timeout_seconds=2,
    )
    other = make_dispatcher(
        sessionmaker, bot, catalogues, clock, holder="other", lease_seconds=lease
    )
    tg.fail_next(4, body="hang", methods=["sendMessage"])
    try:
        async with dispatching(leader):
            await until(lambda: leader.stats.leading, "the leader")
            await queue_broadcast(session, now, broadcast, people)
            leader.wake()
            await until_stored(
                sessionmaker,
                lambda rows: (
                    [row.state for row in rows] == [State.SENDING] * 6
                    and tg.stats.calls["sendMessage"] == 4
                ),
                "the leader to be stuck with four requests in flight, two rows waiting",
            )
            # Its lease runs out while it waits (it renews only between batches).
            clock.advance(seconds=lease + 1)
            async with dispatching(other):
                await until(lambda: other.stats.leading, "the other to take over")
                await until(lambda: len(deliveries) == 6, "everyone's message")
                # The leader's requests time out; it finishes the batch it had claimed.
                await quiet(3.5)
    finally:
        await slow_bot.session.close()

    assert len(deliveries) == 6
    assert set(deliveries.per_chat().values()) == {1}


async def test_an_event_moved_later_and_back_keeps_its_due_reminder(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
) -> None:
    starts = now + timedelta(days=30)
    school = await create_event(session, now, "outbox", starts_at=starts)
    person = await create_participant(session, now, telegram_user_id=9400)
    await register(session, now, school.id, person.id)
    open_chats(tg, [person])

    def move(to: datetime) -> EventChanges:
        return EventChanges(starts_at=to, ends_at=to + timedelta(days=5))

    clock.set(starts - timedelta(minutes=DAY - 1))
    assert await queue_reminders(sessionmaker, clock()) == 1
    await update_event(session, clock(), SYSTEM, school.id, move(starts + timedelta(days=2)))

    def postponed(rows: list[OutboxMessage]) -> bool:
        reminder = next(row for row in rows if row.kind == Kind.REMINDER)
        return reminder.due_at == starts + timedelta(days=1) and all(
            row.state == State.SENT for row in rows if row.kind == Kind.EVENT_CHANGED
        )

    async with dispatching(make_dispatcher(sessionmaker, bot, catalogues, clock)):
        await until_stored(sessionmaker, postponed, "the change notice, the reminder postponed")
        # Back to the original date: the day-before reminder is due again, now.
        await update_event(session, clock(), SYSTEM, school.id, move(starts))
        await until(lambda: len(deliveries) == 2, "the second change notice")
        await until_stored(
            sessionmaker,
            lambda rows: all(row.state == State.SENT for row in rows),
            "the reminder to be sent (it waits until a day after the start)",
            timeout=4,
        )
    assert len(deliveries) == 3


async def test_a_reminder_queued_before_an_outage_gives_way_to_the_nearer_one(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
) -> None:
    starts = now + timedelta(days=30)
    school = await create_event(session, now, "outbox", starts_at=starts)
    person = await create_participant(session, now, telegram_user_id=9500)
    await register(session, now, school.id, person.id)
    open_chats(tg, [person])
    clock.set(starts - timedelta(minutes=DAY - 1))
    assert await queue_reminders(sessionmaker, clock()) == 1
    # Redbridge is down before the day-before reminder went out, until two hours before.
    clock.set(starts - timedelta(minutes=100))
    assert await queue_reminders(sessionmaker, clock()) == 1

    async with dispatching(make_dispatcher(sessionmaker, bot, catalogues, clock)):
        await until_stored(
            sessionmaker,
            lambda rows: all(row.state not in (State.PENDING, State.SENDING) for row in rows),
            "both reminders settled",
        )

    assert len(deliveries) == 1


async def test_with_paid_broadcasts_other_messages_keep_to_30_a_second(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
) -> None:
    soon = await create_event(session, now, "outbox", capacity=100, reminder_offsets=[60])
    people = await add_people(session, now, 70)
    await add_registrations(session, now, soon.id, people)
    open_chats(tg, people)
    clock.set(soon.starts_at - timedelta(minutes=30))
    assert await queue_reminders(sessionmaker, clock()) == 70

    paid = make_dispatcher(sessionmaker, bot, catalogues, clock, paid_broadcast=True)
    async with dispatching(paid):
        await until(lambda: len(deliveries) == 70, "70 reminders")

    assert most_in_any_window([one.at for one in deliveries.log]) <= 30


async def test_stop_ends_the_dispatcher_promptly_even_during_a_pause(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
) -> None:
    people = await add_people(session, now, 2)
    open_chats(tg, people)
    broadcast = await add_broadcast(session, now, event.id, {"en": "Hello."})
    await queue_broadcast(session, now, broadcast, people)
    revoked = create_bot("123456:REVOKED-token", tg.base_url)  # Telegram answers 401
    dispatcher = make_dispatcher(sessionmaker, revoked, catalogues, clock)
    running = asyncio.create_task(dispatcher.run())
    try:
        await until(lambda: tg.stats.errors[401] >= 1, "the first 401")
        # The second message may have been granted its slot before the first 401 came
        # back (on a busy machine): let a send already in flight finish first.
        await quiet()
        refused = tg.stats.errors[401]
        await dispatcher.stop()
        done, _ = await asyncio.wait({running}, timeout=3)
        assert running in done
        # Nothing is sent after the stop (a send already in flight may have been refused).
        assert tg.stats.errors[401] == refused
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await revoked.session.close()
