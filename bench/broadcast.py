"""A broadcast to many people at Telegram's limit, beside a naive send loop.

    python bench/broadcast.py [--recipients N] [--rate R] [--offers K] [--skip-naive]

The project's Telegram emulator runs in this process and enforces the flood limits
(``--rate`` messages a second overall, default 30, and one a second per chat). Redbridge's
outbox dispatcher runs in a second process, as deployed, on a temporary SQLite file.

1. ``--recipients`` people (default 10,000) are confirmed for an event; an organiser's
   broadcast to all of them is created through the use case (``create_broadcast``) and
   the dispatcher sends it. Printed: messages a second from the first delivery to the
   last, as a fraction of the limit (goal ≥ 0.97), 429 answers (goal 0), and the
   dispatcher process's peak memory.
2. While it drains, ``--offers`` times (default 5, spread over the broadcast) someone
   cancels a seat at a small full event; the person first on its waitlist gets an
   offer. Printed: the delay from that cancellation's commit to the offer's arrival
   (goal under 2 s).
3. The naive loop: ``bot.send_message`` then ``asyncio.sleep(1 / rate)`` for each
   recipient, measured in the same run against the same emulator.

Figures only; the exit status is 0 unless something failed.
"""

import argparse
import asyncio
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection

from aiogram.exceptions import TelegramRetryAfter
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notices import notice_renderer
from bot.runtime import create_bot
from emulator import SimulatedUser, TelegramEmulator
from events.access import SYSTEM
from events.broadcast_inputs import BroadcastDraft
from events.broadcasts import create_broadcast
from events.editions import create_event, publish_event
from events.enums import ProgrammeKind, RegistrationStatus
from events.inputs import EventDraft, ProgrammeDraft
from events.languages import LANGUAGES
from events.migrations.runner import upgrade
from events.models import Participant, Registration
from events.programmes import create_programme, publish_programme
from events.registrations import cancel_registration, register
from events.store import create_engine, create_sessionmaker
from locales.translator import Catalogues
from scheduler.dispatcher import DispatchSettings, OutboxDispatcher

TOKEN = "123456:BENCH-BROADCAST"
FIRST_ID = 30_000_000


@dataclass
class Offers:
    """A small full event per planned offer: one seat holder, one person waiting."""

    holders: list[int]  # registration ids whose cancellation frees the seat
    waiting: list[int]  # Telegram ids of the people first in line


async def prepare(url: str, recipients: int, offers: int, now: datetime) -> tuple[int, Offers]:
    """Migrate; the event and its confirmed people; the small events for offers."""
    await upgrade(url)
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            await create_programme(
                session,
                now,
                SYSTEM,
                ProgrammeDraft(
                    slug="forum", kind=ProgrammeKind.ECONOMIC_FORUM, title={"en": "Forum"}
                ),
            )
            await publish_programme(session, now, SYSTEM, "forum")
            event = await _event(session, now, "forum-2027", recipients)
            await _people(session, now, event, recipients)
            small = Offers([], [])
            for number in range(offers):
                side = await _event(session, now, f"side-{number}", 1)
                holder_id, waiting_id = (FIRST_ID - 2 * number - 1, FIRST_ID - 2 * number - 2)
                holder = await _person(session, now, holder_id)
                waiting = await _person(session, now, waiting_id)
                small.holders.append((await register(session, now, side, holder)).id)
                await register(session, now, side, waiting)
                small.waiting.append(waiting_id)
            return event, small
    finally:
        await engine.dispose()


async def _event(session: AsyncSession, now: datetime, slug: str, capacity: int) -> int:
    draft = EventDraft.model_validate(
        {
            "slug": slug,
            "title": {"en": f"Economic forum ({slug})", "ru": f"Экономический форум ({slug})"},
            "starts_at": now + timedelta(days=60),
            "ends_at": now + timedelta(days=62),
            "timezone": "Asia/Yerevan",
            "city": "Yerevan",
            "country": "AM",
            "capacity": capacity,
        }
    )
    event = await create_event(session, now, SYSTEM, "forum", draft)
    await publish_event(session, now, SYSTEM, event.id)
    return event.id


async def _person(session: AsyncSession, now: datetime, telegram_id: int) -> int:
    person = Participant(
        telegram_user_id=telegram_id,
        name=f"Person {telegram_id}",
        language="en",
        country="GE",
        consented_at=now,
        is_reachable=True,
        created_at=now,
        updated_at=now,
    )
    session.add(person)
    await session.commit()
    return person.id


async def _people(session: AsyncSession, now: datetime, event_id: int, count: int) -> None:
    """Confirmed registrations in bulk (registering 10,000 one by one is not the subject)."""
    people = [
        {
            "telegram_user_id": FIRST_ID + number,
            "name": f"Person {number}",
            "language": LANGUAGES[number % len(LANGUAGES)],
            "country": "AM" if number % 2 else "AZ",
            "consented_at": now,
            "is_reachable": True,
            "created_at": now,
            "updated_at": now,
        }
        for number in range(count)
    ]
    await session.execute(insert(Participant), people)
    ids = (
        await session.scalars(
            Participant.__table__.select()
            .with_only_columns(Participant.id)
            .where(Participant.telegram_user_id >= FIRST_ID)
            .order_by(Participant.id)
        )
    ).all()
    rows = [
        {
            "event_id": event_id,
            "participant_id": participant_id,
            "status": RegistrationStatus.CONFIRMED.value,
            "answers": {},
            "country": "AM",
            "created_at": now,
            "updated_at": now,
            "confirmed_at": now,
        }
        for participant_id in ids
    ]
    await session.execute(insert(Registration), rows)
    await session.commit()


# --- The dispatcher process ----------------------------------------------------------------


def dispatcher_process(api_url: str, database_url: str, rate: float, control: Connection) -> None:
    """Redbridge's dispatcher until told to stop; reports its peak memory (MiB)."""

    async def run() -> None:
        engine = create_engine(database_url)
        bot = create_bot(TOKEN, api_url)
        dispatcher = OutboxDispatcher(
            create_sessionmaker(engine),
            bot,
            notice_renderer(Catalogues()),
            lambda: datetime.now(UTC),
            DispatchSettings(rate=rate, idle_poll_seconds=0.2),
        )
        running = asyncio.create_task(dispatcher.run())
        control.send("ready")
        await asyncio.to_thread(control.recv)
        await dispatcher.stop()
        await running
        await bot.session.close()
        await engine.dispose()
        stats = dispatcher.stats
        control.send(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, stats.too_many_requests)
        )

    asyncio.run(run())


# --- Measuring -----------------------------------------------------------------------------


async def wait_for_messages(users: list[SimulatedUser], timeout: float) -> list[float]:
    """Until each user has a message; when each arrived. One waiting task per person, woken
    by the emulator (polling 10,000 people would slow the emulator being measured)."""

    async def first(user: SimulatedUser) -> float:
        await user.next_message(timeout=timeout)
        return time.perf_counter()

    return sorted(await asyncio.gather(*(first(user) for user in users)))


async def measure_offers(
    sessionmaker: async_sessionmaker[AsyncSession],
    tg: TelegramEmulator,
    offers: Offers,
    spread_seconds: float,
) -> list[float]:
    delays = []
    for holder, waiting_id in zip(offers.holders, offers.waiting, strict=True):
        await asyncio.sleep(spread_seconds)
        user = tg.user(waiting_id)
        before = len(user.messages)
        async with sessionmaker() as session:
            await cancel_registration(session, datetime.now(UTC), holder)
        committed = time.perf_counter()
        while len(user.messages) == before:
            await asyncio.sleep(0.005)
        delays.append(time.perf_counter() - committed)
    return delays


async def redbridge_broadcast(
    tg: TelegramEmulator,
    url: str,
    event_id: int,
    offers: Offers,
    people: list[SimulatedUser],
    rate: float,
) -> bool:
    context = multiprocessing.get_context("spawn")
    control, child = context.Pipe()
    process = context.Process(
        target=dispatcher_process, args=(tg.base_url, url, rate, child), daemon=True
    )
    process.start()
    await asyncio.to_thread(control.recv)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    too_many_before = tg.stats.too_many_requests
    try:
        async with sessionmaker() as session:
            draft = BroadcastDraft.model_validate(
                {
                    "texts": {
                        "en": "The forum programme is out: <b>three days</b>, forty speakers.",
                        "ru": "Программа форума готова: <b>три дня</b>, сорок спикеров.",
                    }
                }
            )
            await create_broadcast(session, datetime.now(UTC), SYSTEM, event_id, draft)
        started = time.perf_counter()
        expected = len(people) / rate
        offer_task = asyncio.create_task(
            measure_offers(sessionmaker, tg, offers, expected / (len(offers.holders) + 1))
        )
        arrivals = await wait_for_messages(people, timeout=expected * 3 + 60)
        delays = await offer_task
    finally:
        control.send("stop")
        memory, dispatcher_429 = await asyncio.to_thread(control.recv)
        await asyncio.to_thread(process.join, 30)
        await engine.dispose()
    seconds = arrivals[-1] - arrivals[0]
    achieved = (len(arrivals) - 1) / seconds if seconds > 0 else float("inf")
    too_many = tg.stats.too_many_requests - too_many_before
    print(
        f"Redbridge dispatcher: {len(arrivals)} messages in {seconds:.1f} s "
        f"(first after {arrivals[0] - started:.2f} s): {achieved:.2f} messages/s = "
        f"{achieved / rate:.3f} of the limit; {too_many} × 429; "
        f"peak memory {memory:.0f} MiB (dispatcher process; it saw {dispatcher_429} × 429)"
    )
    if delays:
        print(
            f"waitlist offers during the broadcast: {len(delays)}, delivered after "
            f"median {statistics.median(delays):.2f} s, max {max(delays):.2f} s (goal < 2 s)"
        )
    met = achieved / rate >= 0.97 and too_many == 0 and (not delays or max(delays) < 2)
    print(f"goal {'met' if met else 'MISSED'}")
    return True


async def naive_loop(tg: TelegramEmulator, people: list[SimulatedUser], rate: float) -> None:
    bot = create_bot(TOKEN, tg.base_url)
    too_many_before = tg.stats.too_many_requests
    refused = 0
    try:
        started = time.perf_counter()
        for person in people:
            try:
                await bot.send_message(person.id, "The forum programme is out.")
            except TelegramRetryAfter:
                refused += 1  # a naive loop loses the message
            await asyncio.sleep(1 / rate)
        seconds = time.perf_counter() - started
    finally:
        await bot.session.close()
    sent = len(people) - refused
    print(
        f"naive loop (send, sleep 1/{rate:g} s): {sent} messages in {seconds:.1f} s: "
        f"{sent / seconds:.2f} messages/s = {sent / seconds / rate:.3f} of the limit; "
        f"{tg.stats.too_many_requests - too_many_before} × 429"
    )


async def run(recipients: int, rate: float, offers: int, naive: bool) -> bool:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="redbridge-bench-broadcast-") as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.db"
        event_id, small = await prepare(url, recipients, offers, now)
        async with TelegramEmulator(TOKEN, "redbridge_bench_bot") as tg:
            tg.flood_limits(enabled=True, global_per_second=int(rate), per_chat_per_second=1)
            people = [
                tg.user(FIRST_ID + n, f"Person {n}", started=True) for n in range(recipients)
            ]
            for telegram_id in small.waiting:
                tg.user(telegram_id, "Waiting", started=True)
            ok = await redbridge_broadcast(tg, url, event_id, small, people, rate)
            if naive:
                await asyncio.sleep(2)  # let the flood window empty
                await naive_loop(tg, people, rate)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="the flood limit (default 30/s)")
    parser.add_argument("--offers", type=int, default=5)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.recipients} recipients; the emulator allows {args.rate:g} messages/s overall "
        "and 1/s per chat; the dispatcher in its own process, the emulator in this one."
    )
    ok = asyncio.run(run(args.recipients, args.rate, args.offers, not args.skip_naive))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
