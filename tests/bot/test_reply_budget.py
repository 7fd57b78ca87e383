"""Every reply arrives under Telegram's limits: the real ``redbridge serve`` process
against the emulator enforcing them (30 messages a second per bot, one a second per chat).

- A burst: 200 new people send ``/start`` within one second. Each is owed one message (the
  welcome with the language picker, one message since #13 item 8): everyone gets it, in
  the order people wrote, and Telegram never answers 429.
- During a broadcast (scaled to 100 a second, as the crash test does, to keep it short):
  people who write are answered within seconds while 2,000 messages drain at the limit,
  and a clean restart in the middle loses nothing and repeats nothing.
"""

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import SimulatedUser, TelegramEmulator
from events.outbox.queue import State
from redbridge.settings import DISPATCH_CHAT_BURST
from tests.bot.process import BOT_USERNAME, BotProcess
from tests.factories import create_event, create_programme
from tests.scheduler.harness import (
    Deliveries,
    add_broadcast,
    add_people,
    open_chats,
    queue_broadcast,
    until,
    until_stored,
)

# Run by itself after the parallel suite (make test): it times replies against Telegram's
# real per-second limits, which four busy workers on two cores turned into the machine's.
pytestmark = pytest.mark.alone

BURST = 200
# One message each at 30 a second, plus start-up.
BURST_SECONDS = BURST / 30 + 10

RECIPIENTS = 2000
RATE = 100
WRITERS = 20
REPLY_WITHIN_SECONDS = 5.0


class ServeAt(BotProcess):
    """``redbridge serve`` whose send budget is ``rate`` messages a second."""

    def __init__(self, workdir: Path, database_url: str, tg: TelegramEmulator, rate: int) -> None:
        super().__init__(workdir, database_url, tg)
        self.rate = rate

    def environment(self) -> dict[str, str]:
        return super().environment() | {"REDBRIDGE_DISPATCH_RATE": str(self.rate)}


async def write_spread(people: list[SimulatedUser], seconds: float) -> list[float]:
    """Each person sends ``/start``, evenly spread over ``seconds``; when each wrote."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    wrote: list[float] = []
    for number, person in enumerate(people):
        await asyncio.sleep(max(0.0, began + seconds * number / len(people) - loop.time()))
        wrote.append(time.monotonic())
        await person.send("/start")
    return wrote


def first_replies(deliveries: Deliveries, people: list[SimulatedUser]) -> dict[int, float]:
    """When each person got their first message (``time.monotonic()``)."""
    ids = {person.id for person in people}
    first: dict[int, float] = {}
    for delivery in deliveries.log:
        if delivery.chat_id in ids:
            first.setdefault(delivery.chat_id, delivery.at)
    return first


@pytest.mark.slow  # 200 messages at Telegram's real 30 a second: 7 s
@pytest.mark.process
async def test_200_people_writing_at_once_are_all_answered_in_the_order_they_wrote(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    async with TelegramEmulator(bot_username=BOT_USERNAME) as tg:
        process = ServeAt(tmp_path, database_url, tg, rate=30)
        try:
            await process.start()
            tg.flood_limits(
                enabled=True,
                global_per_second=30,
                per_chat_per_second=1,
                per_chat_burst=DISPATCH_CHAT_BURST,
            )
            deliveries = Deliveries(tg)
            people = [tg.user(8_200_000 + n, f"Guest {n}") for n in range(BURST)]
            wrote = await write_spread(people, 1.0)
            await until(
                lambda: all(len(person.messages) >= 1 for person in people),
                "a message for everyone",
                BURST_SECONDS,
            )
        finally:
            await process.stop()
        problems = process.problems()

    first = first_replies(deliveries, people)
    waits = sorted(first[person.id] - at for person, at in zip(people, wrote, strict=True))
    # How long anyone waited while someone who wrote after them was already answered.
    answered = [first[person.id] for person in people]
    overtaken = max(
        [0.0, *(answered[n] - min(answered[n + 1 :]) for n in range(len(answered) - 1))]
    )
    print(  # noqa: T201
        f"\n[{backend}] {BURST} people: first reply p50 {waits[len(waits) // 2]:.2f} s, "
        f"p95 {waits[int(len(waits) * 0.95)]:.2f} s, max {waits[-1]:.2f} s; "
        f"overtaken by later writers for at most {overtaken:.2f} s; "
        f"429s: {tg.stats.too_many_requests}"
    )
    assert tg.stats.too_many_requests == 0
    assert all(len(person.messages) == 1 for person in people)
    # In the order they wrote: a handler that reaches its reply later than the next
    # person's (a slower database turn) may be overtaken, by a moment at most.
    assert overtaken <= 1.0
    assert waits[-1] <= BURST / 30 + 2
    assert not problems, problems


@pytest.mark.slow  # 2,000 messages at 100 a second, and a restart
@pytest.mark.process
async def test_people_who_write_during_a_broadcast_are_answered_and_a_restart_loses_nothing(
    backend: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)  # the process runs on the real clock
    async with sessionmaker() as session:
        await create_programme(session, now, "busy")
        event = await create_event(session, now, "busy", capacity=5000)
        recipients = await add_people(session, now, RECIPIENTS, languages=("en", "ru", "ka"))
        broadcast = await add_broadcast(
            session, now, event.id, {"en": "Doors open at 18:00.", "ru": "Двери в 18:00."}
        )

    async with TelegramEmulator(bot_username=BOT_USERNAME) as tg:
        tg.flood_limits(
            enabled=True,
            global_per_second=RATE,
            per_chat_per_second=1,
            per_chat_burst=DISPATCH_CHAT_BURST,
        )
        open_chats(tg, recipients)
        deliveries = Deliveries(tg)
        process = ServeAt(tmp_path, database_url, tg, rate=RATE)
        writers = [tg.user(8_300_000 + n, f"Writer {n}") for n in range(2 * WRITERS)]
        try:
            await process.start()
            async with sessionmaker() as session:
                await queue_broadcast(session, now, broadcast, recipients)
            await until(lambda: len(deliveries) >= 400, "the broadcast under way", 30)
            wrote = await write_spread(writers[:WRITERS], 1.0)
            await until(
                lambda: all(len(person.messages) >= 1 for person in writers[:WRITERS]),
                "the writers' replies",
                30,
            )
            rate_while_writing = deliveries.rate(RATE)
            # People write, and the process is told to stop at once: a clean stop sends
            # the replies of the updates it took; the next process takes the others.
            restarting = asyncio.create_task(write_spread(writers[WRITERS:], 0.3))
            await asyncio.sleep(0.15)
            at_stop = len(deliveries)
            await process.stop()
            await restarting
            await process.start()
            # Liveness, not speed (the speed is asserted above and below): on a loaded
            # machine the restart alone was seen to take 33 s and the rest of the
            # broadcast to go at a quarter of the rate, so the deadlines are generous.
            await until(
                lambda: all(len(person.messages) >= 1 for person in writers),
                "every writer's replies",
                60,
            )
            try:
                await until(
                    lambda: len(deliveries.per_chat()) >= RECIPIENTS + len(writers),
                    "everyone's message",
                    150,
                )
            except AssertionError as error:
                # Seen once in six full runs: say how far it got and what the process did.
                raise AssertionError(
                    f"{error}: {len(deliveries.per_chat())} of {RECIPIENTS + len(writers)} "
                    f"chats served, {process.starts} starts\n{process.log_tail()}"
                ) from None
            rows = await until_stored(
                sessionmaker,
                lambda rows: all(row.state == State.SENT for row in rows),
                "every row recorded as sent",
            )
        finally:
            await process.stop()
        problems = process.problems()

    first = first_replies(deliveries, writers[:WRITERS])
    waits = sorted(first[person.id] - at for person, at in zip(writers, wrote, strict=False))
    per_chat = deliveries.per_chat()
    copies = Counter(per_chat[person.telegram_user_id or 0] for person in recipients)
    print(  # noqa: T201
        f"\n[{backend}] {WRITERS} people wrote during a {RECIPIENTS}-message broadcast at "
        f"{RATE}/s: first reply max {waits[-1]:.2f} s, p50 {waits[len(waits) // 2]:.2f} s; "
        f"rate {rate_while_writing:.1f}/s; stopped after {at_stop} deliveries; "
        f"copies per recipient {dict(copies)}; 429s: {tg.stats.too_many_requests}"
    )
    assert tg.stats.too_many_requests == 0
    assert waits[-1] <= REPLY_WITHIN_SECONDS
    assert rate_while_writing >= 0.9 * RATE
    assert len(rows) == RECIPIENTS
    assert copies == Counter({1: RECIPIENTS})
    assert all(len(person.messages) == 1 for person in writers)
    assert not problems, problems
