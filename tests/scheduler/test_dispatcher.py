"""The outbox dispatcher against the Telegram emulator, on SQLite and PostgreSQL.

Time in the database is the injected clock (``ManualClock``): retries, lease expiry and
reminder times come due when the test moves it. Real seconds pass only where Telegram's
per-second limits are the subject, scaled up (100 or 250 a second) to keep the tests short,
and once at the true 30 a second.
"""

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Mine
from bot.runtime import create_bot
from emulator import ChatMessage, TelegramEmulator
from events.access import SYSTEM
from events.editions import cancel_event, update_event
from events.enums import Decision
from events.inputs import EventChanges
from events.models import Event, OutboxMessage
from events.outbox.queue import Kind, State
from events.registrations import cancel_registration, decide, register
from locales.translator import Catalogues, Translator
from scheduler.dispatcher import OutboxDispatcher
from scheduler.jobs import queue_reminders
from tests.factories import create_event, create_participant
from tests.scheduler.harness import (
    TOKEN,
    Deliveries,
    ManualClock,
    Severable,
    add_broadcast,
    add_people,
    callback_data,
    crash,
    dispatching,
    labels,
    make_dispatcher,
    open_chats,
    outbox,
    participant,
    queue_broadcast,
    quiet,
    record_sends,
    texts_of,
    until,
    until_stored,
)

# --- Telegram's limits ---------------------------------------------------------------------------


@pytest.mark.slow  # left out of `make quick`
async def test_two_thousand_recipients_at_the_flood_limit_without_a_single_429(
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
    """Telegram's limits scaled up (250 a second overall, 1 a second per chat): 2,000
    people get a broadcast, 20 of them two more messages, and Telegram never says 429."""
    rate = 250
    tg.flood_limits(enabled=True, global_per_second=rate, per_chat_per_second=1)
    people = await add_people(session, now, 2000)
    open_chats(tg, people)
    first = await add_broadcast(session, now, event.id, {"en": "The forum opens at <b>10:00</b>."})
    second = await add_broadcast(session, now, event.id, {"en": "Bring your passport."})
    third = await add_broadcast(session, now, event.id, {"en": "Tea at 16:00."})
    await queue_broadcast(session, now, first, people)
    await queue_broadcast(session, now, second, people[:20])
    await queue_broadcast(session, now, third, people[:20])
    total = 2000 + 2 * 20

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock, rate=rate)
    async with dispatching(dispatcher):
        await until(lambda: len(deliveries) >= total, f"{total} deliveries", timeout=60)
    rows = await outbox(sessionmaker)  # the dispatcher stopped: every outcome is recorded

    assert tg.stats.too_many_requests == 0
    assert dispatcher.stats.too_many_requests == 0
    received = deliveries.per_chat()
    assert len(deliveries) == total
    assert {received[person.telegram_user_id or 0] for person in people[:20]} == {3}
    assert {received[person.telegram_user_id or 0] for person in people[20:]} == {1}
    assert Counter(row.state for row in rows) == {State.SENT: total}
    achieved = deliveries.rate(rate)
    print(  # noqa: T201
        f"\n{total} messages at {achieved:.1f}/s ({achieved / rate:.3f} of the limit of "
        f"{rate}/s), 0 answers 429"
    )


@pytest.mark.slow  # left out of `make quick`
async def test_three_hundred_recipients_at_telegrams_true_limit_of_30_a_second(
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
    """The default settings against Telegram's real limits: no 429, and the achieved
    rate as a fraction of 30 a second (printed; about 10 s)."""
    tg.flood_limits(enabled=True, global_per_second=30, per_chat_per_second=1)
    people = await add_people(session, now, 300, languages=("hy", "az", "ka", "ru", "en"))
    open_chats(tg, people)
    broadcast = await add_broadcast(
        session, now, event.id, {"en": "See you in Tbilisi!", "ru": "До встречи в Тбилиси!"}
    )
    await queue_broadcast(session, now, broadcast, people)

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock)
    async with dispatching(dispatcher):
        await until(lambda: len(deliveries) >= 300, "300 deliveries", timeout=30)

    assert tg.stats.too_many_requests == 0
    assert set(deliveries.per_chat().values()) == {1}
    achieved = deliveries.rate(30)
    print(  # noqa: T201
        f"\n300 messages at {achieved:.2f}/s: {achieved / 30:.3f} of Telegram's 30/s"
    )
    assert achieved / 30 > 0.8


async def test_on_429_everyone_waits_retry_after_and_each_message_arrives_once(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    event: Event,
) -> None:
    """The dispatcher is set to 30 a second, Telegram allows 10: it runs into 429s,
    sends nothing until ``retry_after`` has passed, and loses or repeats nothing."""
    tg.flood_limits(enabled=True, global_per_second=10, per_chat_per_second=1)
    people = await add_people(session, now, 40)
    open_chats(tg, people)
    broadcast = await add_broadcast(session, now, event.id, {"en": "Doors open at 18:00."})
    await queue_broadcast(session, now, broadcast, people)
    clock = ManualClock(now, real_time=True)  # a 429's retry is due retry_after from now

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock, rate=30)
    async with dispatching(dispatcher):
        await until(lambda: len(deliveries) >= 40, "40 deliveries", timeout=25)
    rows = await outbox(sessionmaker)

    assert tg.stats.too_many_requests > 0
    assert dispatcher.stats.too_many_requests == tg.stats.too_many_requests
    assert set(deliveries.per_chat().values()) == {1}
    assert len(deliveries) == 40
    # A 429 is not an attempt: every row went to Telegram successfully exactly once.
    assert {(row.state, row.attempts) for row in rows} == {(State.SENT, 1)}
    # After a 429 nothing reaches Telegram until retry_after has passed (but requests
    # already on their way when it was answered).
    in_flight = 0.15
    for refused in (one for one in deliveries.attempts if one.retry_after is not None):
        assert refused.retry_after is not None
        early = [
            other
            for other in deliveries.attempts
            if refused.at + in_flight < other.at < refused.at + refused.retry_after
        ]
        assert not early, f"{len(early)} sends within retry_after of a 429"


# --- Priorities ----------------------------------------------------------------------------------


async def test_an_offer_and_a_decision_overtake_a_broadcast_in_progress(
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
    full = await create_event(session, now, "outbox", capacity=1)
    holder = await create_participant(session, now, telegram_user_id=9001)
    waiting = await create_participant(session, now, telegram_user_id=9002)
    held = await register(session, now, full.id, holder.id)
    await register(session, now, full.id, waiting.id)
    selective = await create_event(session, now, "outbox", mode="application")
    applicant = await create_participant(session, now, telegram_user_id=9003)
    application = await register(session, now, selective.id, applicant.id)
    people = await add_people(session, now, 60)
    open_chats(tg, [*people, waiting, applicant])
    broadcast = await add_broadcast(session, now, event.id, {"en": "Programme update."})
    await queue_broadcast(session, now, broadcast, people)
    batch = 10  # claimed at a time at 20 a second (half a second of sending)

    calls = record_sends(bot)

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock, rate=20)
    async with dispatching(dispatcher):
        await until(lambda: len(deliveries) >= 10, "the broadcast under way")
        await cancel_registration(session, now, held.id)  # the seat goes to ``waiting``
        await decide(session, now, SYSTEM, application.id, Decision.CONFIRM)
        dispatcher.wake()
        queued_at = len(calls)
        await until(
            lambda: bool(deliveries.to(9002) and deliveries.to(9003)), "the offer and decision"
        )
        await until(lambda: len(deliveries) >= 62, "the rest of the broadcast")

    urgent = max(calls.index(9002), calls.index(9003))
    # At most the batch claimed before they were queued went to Telegram before them,
    # and most of the broadcast after them.
    assert len([chat for chat in calls[queued_at:urgent] if chat not in (9002, 9003)]) <= batch
    assert len(calls) - urgent > 30
    stored = {row.kind: row.state for row in await outbox(sessionmaker)}
    assert stored[Kind.OFFER] == State.SENT
    assert stored[Kind.DECISION] == State.SENT


async def test_reminders_go_before_a_broadcast_queued_earlier(
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
    soon = await create_event(session, now, "outbox", reminder_offsets=[60])
    reminded = [
        await create_participant(session, now, telegram_user_id=9100 + number)
        for number in range(10)
    ]
    for person in reminded:
        await register(session, now, soon.id, person.id)
    people = await add_people(session, now, 20)
    open_chats(tg, [*people, *reminded])
    broadcast = await add_broadcast(session, now, event.id, {"en": "Programme update."})
    await queue_broadcast(session, now, broadcast, people)  # due a month earlier
    clock.set(soon.starts_at - timedelta(minutes=30))
    assert await queue_reminders(sessionmaker, clock()) == 10
    calls = record_sends(bot)

    async with dispatching(make_dispatcher(sessionmaker, bot, catalogues, clock, rate=20)):
        await until(lambda: len(deliveries) >= 30, "30 deliveries")

    assert sorted(calls[:10]) == [person.telegram_user_id for person in reminded]
    assert sorted(calls[10:]) == sorted(person.telegram_user_id or 0 for person in people)


# --- Refusals and failures -----------------------------------------------------------------------


async def test_a_person_who_blocked_the_bot_is_tried_once_and_their_queue_dropped(
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
    blocker, *others = await add_people(session, now, 3)
    open_chats(tg, [blocker, *others])
    tg.user(blocker.telegram_user_id or 0).block()
    for number in range(3):
        broadcast = await add_broadcast(session, now, event.id, {"en": f"News {number}"})
        await queue_broadcast(session, now, broadcast, [blocker, *others])

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock)
    async with dispatching(dispatcher):
        await until(lambda: len(deliveries) >= 6, "the others' six messages", timeout=20)
        await quiet()
    rows = await outbox(sessionmaker)

    # Once on SQLite; on PostgreSQL sometimes more (see test_dispatcher_bugs.py).
    assert 1 <= tg.stats.errors[403] <= 3
    assert dispatcher.stats.blocked == tg.stats.errors[403]
    theirs = [row for row in rows if row.participant_id == blocker.id]
    assert [row.state for row in theirs] == [State.BLOCKED] * 3
    assert all(row.last_error for row in theirs)
    assert not (await participant(sessionmaker, blocker.id)).is_reachable
    for other in others:
        assert texts_of(deliveries.to(other.telegram_user_id or 0)) == [
            "News 0",
            "News 1",
            "News 2",
        ]
        assert (await participant(sessionmaker, other.id)).is_reachable
    assert {row.state for row in rows if row.participant_id != blocker.id} == {State.SENT}


def failed_to_retry(attempts: int) -> Callable[[list[OutboxMessage]], bool]:
    """The only row has failed ``attempts`` times and waits to be tried again."""
    return lambda rows: rows[0].attempts == attempts and rows[0].state == State.PENDING


@pytest.mark.parametrize("body", ["json", "html", "hang"])
async def test_server_errors_and_timeouts_are_retried_with_growing_pauses(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    tg: TelegramEmulator,
    bot: Bot,
    deliveries: Deliveries,
    catalogues: Catalogues,
    clock: ManualClock,
    event: Event,
    body: Literal["json", "html", "hang"],
) -> None:
    """502 with Telegram's JSON, a proxy's HTML page, or no answer at all (the request
    times out): tried again after about 2 s, then 4 s (the injected clock), then sent."""
    (person,) = await add_people(session, now, 1)
    open_chats(tg, [person])
    broadcast = await add_broadcast(session, now, event.id, {"en": "Third time lucky."})
    await queue_broadcast(session, now, broadcast, [person])
    tg.fail_next(2, status=502, body=body, methods=["sendMessage"])

    dispatcher = make_dispatcher(
        sessionmaker, bot, catalogues, clock, request_timeout_seconds=1, backoff_seconds=2
    )
    async with dispatching(dispatcher):
        for attempt, pause in ((1, 2.0), (2, 4.0)):
            (row,) = await until_stored(
                sessionmaker, failed_to_retry(attempt), f"attempt {attempt} to fail"
            )
            assert row.last_error
            delay = (row.due_at - clock()).total_seconds()
            assert 0.8 * pause <= delay <= 1.2 * pause  # the pause, with its jitter
            await quiet(0.3)
            assert tg.stats.calls["sendMessage"] == attempt  # not before it is due
            clock.advance(seconds=delay + 0.1)
            dispatcher.wake()
        await until(lambda: len(deliveries) == 1, "the message")
    (row,) = await outbox(sessionmaker)

    assert (row.state, row.attempts) == (State.SENT, 3)
    assert texts_of(deliveries.to(person.telegram_user_id or 0)) == ["Third time lucky."]
    assert dispatcher.stats.retried == 2


async def test_after_max_attempts_a_message_fails_with_the_last_error(
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
    (person,) = await add_people(session, now, 1)
    open_chats(tg, [person])
    broadcast = await add_broadcast(session, now, event.id, {"en": "Never arrives."})
    await queue_broadcast(session, now, broadcast, [person])
    tg.fail_next(10, status=502, methods=["sendMessage"])

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock, max_attempts=3)
    async with dispatching(dispatcher):
        for attempt in (1, 2):
            await until_stored(
                sessionmaker, failed_to_retry(attempt), f"attempt {attempt} to fail"
            )
            clock.advance(minutes=10)
            dispatcher.wake()
        (row,) = await until_stored(
            sessionmaker, lambda rows: rows[0].state == State.FAILED, "the message to fail"
        )
        clock.advance(hours=1)
        dispatcher.wake()
        await quiet()

    assert row.attempts == 3
    assert row.last_error is not None
    assert "Bad Gateway" in row.last_error
    assert tg.stats.calls["sendMessage"] == 3
    assert dispatcher.stats.failed == 1
    assert len(deliveries) == 0


async def test_a_message_telegram_refuses_fails_at_once_and_is_not_retried(
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
    refused_to, fine_to = await add_people(session, now, 2)
    open_chats(tg, [refused_to, fine_to])
    # An unclosed tag: Telegram answers 400 "can't parse entities".
    bad = await add_broadcast(session, now, event.id, {"en": "Meet at <b>10:00"})
    good = await add_broadcast(session, now, event.id, {"en": "Meet at <b>10:00</b>"})
    await queue_broadcast(session, now, bad, [refused_to])
    await queue_broadcast(session, now, good, [fine_to])

    dispatcher = make_dispatcher(sessionmaker, bot, catalogues, clock)
    async with dispatching(dispatcher):
        rows = await until_stored(
            sessionmaker,
            lambda rows: {row.state for row in rows} == {State.FAILED, State.SENT},
            "one failed, one sent",
        )
        clock.advance(hours=1)
        dispatcher.wake()
        await quiet()

    failed = next(row for row in rows if row.state == State.FAILED)
    assert failed.participant_id == refused_to.id
    assert failed.attempts == 1
    assert failed.last_error is not None
    assert "can't parse entities" in failed.last_error
    assert tg.stats.errors[400] == 1
    assert tg.stats.calls["sendMessage"] == 2
    assert texts_of(deliveries.to(fine_to.telegram_user_id or 0)) == ["Meet at 10:00"]
    assert [row.state for row in await outbox(sessionmaker)] == [State.FAILED, State.SENT]


# --- Reminders -----------------------------------------------------------------------------------

EVENT_TITLE = {
    "en": "Summer school in Tbilisi",
    "ru": "Летняя школа в Тбилиси",
    "ka": "საზაფხულო სკოლა თბილისში",
}


def fixed_parts(template: str) -> list[str]:
    """The words of a message template around its ``{placeholders}``."""
    return [part.strip() for part in re.split(r"\{[a-z_]+\}", template) if part.strip()]


def assert_written(
    message: ChatMessage, t: Translator, template: str, event: Event, starts_at: datetime
) -> None:
    """The message is ``template`` in the reader's language, with the event's title in
    their language and its start as their locale writes it, in the event's zone."""
    text = message.text or ""
    for part in [*fixed_parts(t.gettext(template)), t.pick(event.title)]:
        assert part in text, f"{part!r} not in {text!r}"
    assert t.date_time(starts_at, event.timezone) in text


def assert_reminder(
    message: ChatMessage, t: Translator, event: Event, registration_id: int, starts_at: datetime
) -> None:
    assert_written(message, t, "Reminder: {title}", event, starts_at)
    assert labels(message) == [t.gettext("Add to calendar"), t.gettext("Cancel registration")]
    assert callback_data(message) == [
        Mine(action="ics", id=registration_id).pack(),
        Mine(action="cancel", id=registration_id).pack(),
    ]


async def test_reminders_are_sent_once_each_in_the_readers_language_and_follow_the_event(
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
    school = await create_event(
        session,
        now,
        "outbox",
        starts_at=starts,
        title=EVENT_TITLE,
        reminder_offsets=[7 * 24 * 60, 24 * 60, 120],
    )
    people = {
        language: await create_participant(
            session, now, telegram_user_id=9200 + number, language=language
        )
        for number, language in enumerate(("en", "ru", "ka"))
    }
    registrations = {
        language: (await register(session, now, school.id, person.id)).id
        for language, person in people.items()
    }
    open_chats(tg, people.values())
    chat = {language: person.telegram_user_id or 0 for language, person in people.items()}
    t = {language: catalogues.translator(language) for language in people}

    def make() -> OutboxDispatcher:
        return make_dispatcher(sessionmaker, bot, catalogues, clock)

    # A week before: one reminder each, in their language; queueing again adds nothing,
    # and a dispatcher started afresh on the same database sends nothing twice.
    clock.set(starts - timedelta(minutes=7 * 24 * 60 - 1))
    async with dispatching(make()):
        assert await queue_reminders(sessionmaker, clock()) == 3
        await until(lambda: len(deliveries) == 3, "three reminders")
        assert await queue_reminders(sessionmaker, clock()) == 0
    for language in people:
        (reminder,) = deliveries.to(chat[language])
        assert_reminder(reminder, t[language], school, registrations[language], starts)
    async with dispatching(make()):
        assert await queue_reminders(sessionmaker, clock()) == 0
        await quiet()
    assert len(deliveries) == 3

    # A day before, while no dispatcher runs, the day-before reminders are queued, then
    # the event moves two days later: everyone hears of the change, and the reminders
    # wait for a day before the new start.
    clock.set(starts - timedelta(minutes=24 * 60 - 1))
    assert await queue_reminders(sessionmaker, clock()) == 3
    later = starts + timedelta(days=2)
    await update_event(
        session,
        clock(),
        SYSTEM,
        school.id,
        EventChanges(starts_at=later, ends_at=later + timedelta(days=5)),
    )
    new_time = later - timedelta(days=1)

    def postponed(rows: list[OutboxMessage]) -> bool:
        notices = [row.state for row in rows if row.kind == Kind.EVENT_CHANGED]
        waiting = [(row.state, row.due_at) for row in rows if row.kind == Kind.REMINDER][3:]
        return notices == [State.SENT] * 3 and waiting == [(State.PENDING, new_time)] * 3

    async with dispatching(make()):
        await until_stored(sessionmaker, postponed, "notices sent and reminders postponed")
        await quiet()
        assert len(deliveries) == 6
        for language in people:
            notice = deliveries.to(chat[language])[-1]
            assert_written(
                notice,
                t[language],
                "{title} has changed. This is when and where it takes place now:",
                school,
                later,
            )

        clock.set(later - timedelta(minutes=24 * 60 - 1))
        assert await queue_reminders(sessionmaker, clock()) == 0  # queued already
        await until(lambda: len(deliveries) == 9, "the postponed reminders")
    for language in people:
        reminder = deliveries.to(chat[language])[-1]
        assert_reminder(reminder, t[language], school, registrations[language], later)

    # Two hours before: the reminders are queued; then one person cancels, which takes
    # their reminder back before it went out.
    clock.set(later - timedelta(minutes=119))
    assert await queue_reminders(sessionmaker, clock()) == 3
    await cancel_registration(session, clock(), registrations["ka"])
    async with dispatching(make()):
        await until(lambda: len(deliveries) == 11, "two reminders")
        # The event is cancelled: everyone still registered is told.
        await cancel_event(session, clock(), SYSTEM, school.id)
        await until(lambda: len(deliveries) == 13, "two cancellation notices")
        await quiet()

    sorry = (
        "We are sorry: {title} is cancelled. Your registration is closed; there is "
        "nothing you need to do."
    )
    for language in ("en", "ru"):
        received = deliveries.to(chat[language])
        assert len(received) == 5
        assert_reminder(received[3], t[language], school, registrations[language], later)
        assert_written(received[4], t[language], sorry, school, later)
    assert len(deliveries.to(chat["ka"])) == 3
    stored = await outbox(sessionmaker)
    cancelled = [row for row in stored if row.registration_id == registrations["ka"]]
    assert [row.state for row in cancelled if row.kind == Kind.REMINDER][-1] == State.CANCELLED
    assert not [row for row in stored if row.state in (State.PENDING, State.SENDING)]


async def test_reminders_missed_while_down_bring_only_the_nearest_and_none_once_begun(
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
    school = await create_event(session, now, "outbox", starts_at=starts, title=EVENT_TITLE)
    person = await create_participant(session, now, telegram_user_id=9300, language="ru")
    registration = await register(session, now, school.id, person.id)
    open_chats(tg, [person])

    # Down through the week-before and the day-before reminders: only the nearest goes.
    clock.set(starts - timedelta(minutes=1000))
    assert await queue_reminders(sessionmaker, clock()) == 1
    async with dispatching(make_dispatcher(sessionmaker, bot, catalogues, clock)):
        await until(lambda: len(deliveries) == 1, "one reminder")
        await quiet()
    (reminder,) = deliveries.to(9300)
    assert_reminder(reminder, catalogues.translator("ru"), school, registration.id, starts)
    (row,) = await outbox(sessionmaker, Kind.REMINDER)
    assert row.params == {"offset": 24 * 60}

    # The two-hours reminder is queued, then Redbridge is down until after the start.
    clock.set(starts - timedelta(minutes=100))
    assert await queue_reminders(sessionmaker, clock()) == 1
    clock.set(starts + timedelta(minutes=5))
    assert await queue_reminders(sessionmaker, clock()) == 0
    async with dispatching(make_dispatcher(sessionmaker, bot, catalogues, clock)):
        await until_stored(
            sessionmaker,
            lambda rows: rows[-1].state == State.SKIPPED,
            "the late reminder to be skipped",
        )
        await quiet()
    assert len(deliveries) == 1
    late = (await outbox(sessionmaker, Kind.REMINDER))[-1]
    assert late.last_error == "the event has begun"


# --- One dispatcher at a time --------------------------------------------------------------------


async def test_one_dispatcher_sends_and_another_takes_over_when_its_lease_runs_out(
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
    people = await add_people(session, now, 28)
    open_chats(tg, people)
    first = await add_broadcast(session, now, event.id, {"en": "First news."})
    second = await add_broadcast(session, now, event.id, {"en": "Second news."})
    leaders_database = Severable(sessionmaker)
    leaders_bot = create_bot(TOKEN, tg.base_url)
    # The leader sends 8 a second, so it is caught with messages in flight.
    leader = make_dispatcher(
        leaders_database.factory,
        leaders_bot,
        catalogues,
        clock,
        holder="leader",
        rate=8,
        lease_seconds=lease,
        request_timeout_seconds=60,
    )
    other = make_dispatcher(
        sessionmaker, bot, catalogues, clock, holder="other", lease_seconds=lease
    )
    leading = asyncio.create_task(leader.run())
    try:
        await until(lambda: leader.stats.leading, "the first dispatcher to lead")
        async with dispatching(other):
            # Both run; only the leader sends.
            await queue_broadcast(session, now, first, people[:8])
            await until(lambda: len(deliveries) == 8, "the first broadcast")
            # Delivered is not yet answered: the leader counts a send when Telegram's
            # answer has reached it.
            await until(lambda: leader.stats.sent == 8, "the leader to count its sends")
            assert other.stats.sent == 0
            assert not other.stats.leading

            # The leader's next requests hang; it is killed with 8 of them in flight and
            # 4 more claimed: 12 rows stay ``sending`` and its lease is not released.
            tg.fail_next(8, body="hang", methods=["sendMessage"])
            await queue_broadcast(session, now, second, people[8:])
            await until_stored(
                sessionmaker,
                lambda rows: (
                    sum(row.state == State.SENDING for row in rows) == 12
                    and tg.stats.calls["sendMessage"] == 16
                ),
                "the leader to be stuck",
            )
            await crash(leading, leaders_database, leaders_bot)
            other.wake()
            await quiet(lease / 3 + 0.5)  # the other looks at the lease at least once
            assert not other.stats.leading
            assert len(deliveries) == 8

            # The lease runs out: the other takes over and sends what was left sending.
            clock.advance(seconds=lease + 1)
            other.wake()
            await until(lambda: len(deliveries) == 28, "the second broadcast", timeout=20)
            assert other.stats.leading
        stored = await outbox(sessionmaker)
    finally:
        await crash(leading, leaders_database, leaders_bot)

    assert Counter(row.state for row in stored) == {State.SENT: 28}
    assert set(deliveries.per_chat().values()) == {1}
    assert other.stats.sent == 20


async def test_a_dispatcher_stopped_cleanly_hands_over_at_once(
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
    people = await add_people(session, now, 5)
    open_chats(tg, people)
    broadcast = await add_broadcast(session, now, event.id, {"en": "Hello again."})
    first = make_dispatcher(sessionmaker, bot, catalogues, clock, holder="first")
    second = make_dispatcher(sessionmaker, bot, catalogues, clock, holder="second")

    async with dispatching(first) as first_running:
        await until(lambda: first.stats.leading, "the first to lead")
        async with dispatching(second):
            await quiet()
            assert not second.stats.leading
            await first.stop()
            await first_running  # it released the lease on its way out
            second.wake()
            await until(lambda: second.stats.leading, "the second to lead", timeout=5)
            await queue_broadcast(session, now, broadcast, people)
            await until(lambda: len(deliveries) == 5, "the broadcast")

    assert (first.stats.sent, second.stats.sent) == (0, 5)
