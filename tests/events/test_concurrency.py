"""Capacity and quotas hold under concurrency, on SQLite and on PostgreSQL.

Every attempt runs in its own session (its own connection, as separate requests
would), all started at once with ``asyncio.gather``.
"""

import asyncio
import itertools
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.enums import SEAT_HOLDING, Decision
from events.errors import AlreadyRegistered, NoSeatAvailable
from events.models import Participant, Registration
from events.participants import erase_participant
from events.registrations import decide, register
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import holders, registrations

CAPACITY = 50
COUNTRY_QUOTAS = {"AM": 20}
GENDER_QUOTAS = {"female": 24}
# (country, gender, how many) of the 45 people already holding a seat.
ALREADY_SEATED = [
    ("AM", "female", 9),
    ("AM", "male", 9),
    ("AZ", "female", 8),
    ("AZ", None, 7),
    ("GE", "female", 5),
    ("GE", "male", 7),
]
RACERS = 200


async def test_simultaneous_registrations_never_overbook(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(
        session,
        now,
        "summer-school",
        capacity=CAPACITY,
        country_quotas=COUNTRY_QUOTAS,
        gender_quotas=GENDER_QUOTAS,
    )
    for country, gender, count in ALREADY_SEATED:
        for _ in range(count):
            person = await create_participant(session, now, country=country, gender=gender)
            assert (await register(session, now, event.id, person.id)).status == "confirmed"
    before = await holders(session, event.id)
    assert (before.total, before.by_country["AM"], before.by_gender["female"]) == (45, 18, 22)
    # Most racers are bound by a nearly full quota, so the quotas are contended too.
    profiles = itertools.cycle(
        [("AM", "female"), ("AM", "male"), ("AZ", "female"), ("GE", None), ("AM", "other")]
    )
    racers = []
    for country, gender in itertools.islice(profiles, RACERS):
        racers.append((await create_participant(session, now, country=country, gender=gender)).id)
    event_id = event.id
    await session.commit()

    async def attempt(participant_id: int) -> Registration:
        async with sessionmaker() as own_session:
            return await register(own_session, now, event_id, participant_id)

    outcomes = await asyncio.gather(*(attempt(pid) for pid in racers), return_exceptions=True)

    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert failures == []
    results = [outcome for outcome in outcomes if isinstance(outcome, Registration)]
    assert Counter(r.status for r in results) == {"confirmed": 5, "waitlisted": RACERS - 5}
    after = await holders(session, event_id)
    assert after.total == CAPACITY
    assert after.by_country["AM"] <= COUNTRY_QUOTAS["AM"]
    assert after.by_gender["female"] <= GENDER_QUOTAS["female"]
    rows = await registrations(session, event_id)
    assert len(rows) == 45 + RACERS
    assert sum(1 for row in rows if row.status in SEAT_HOLDING) == CAPACITY
    assert len({row.participant_id for row in rows}) == len(rows)
    assert len({row.ticket_code for row in rows}) == len(rows)


async def test_simultaneous_double_registration_stores_one_row(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    event_id, person_id = event.id, person.id
    await session.commit()

    async def attempt() -> Registration:
        async with sessionmaker() as own_session:
            return await register(own_session, now, event_id, person_id)

    outcomes = await asyncio.gather(*(attempt() for _ in range(20)), return_exceptions=True)

    stored = [outcome for outcome in outcomes if isinstance(outcome, Registration)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AlreadyRegistered)]
    assert len(stored) == 1
    assert len(refused) == 19, [o for o in outcomes if not isinstance(o, Registration)]
    assert {error.registration_id for error in refused} == {stored[0].id}
    rows = await registrations(session, event_id)
    assert [(row.id, row.status) for row in rows] == [(stored[0].id, "confirmed")]


async def test_simultaneous_confirmations_respect_capacity_and_quota(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(
        session, now, "summer-school", mode="application", capacity=5, country_quotas={"AM": 2}
    )
    applications = []
    for country in ["AM", "AZ", "GE"] * 10:
        person = await create_participant(session, now, country=country)
        applications.append((await register(session, now, event.id, person.id)).id)
    event_id = event.id
    await session.commit()

    async def confirm(registration_id: int) -> Registration:
        async with sessionmaker() as own_session:
            return await decide(own_session, now, SYSTEM, registration_id, Decision.CONFIRM)

    outcomes = await asyncio.gather(
        *(confirm(rid) for rid in applications), return_exceptions=True
    )

    confirmed = [outcome for outcome in outcomes if isinstance(outcome, Registration)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, NoSeatAvailable)]
    assert (len(confirmed), len(refused)) == (5, 25)
    seated = await holders(session, event_id)
    assert seated.total == 5
    assert seated.by_country["AM"] <= 2


async def test_simultaneous_erasures_with_crossed_registrations_do_not_deadlock(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    """Erasure locks every event of the person: X holds A then B, Y holds B then A."""
    await create_programme(session, now)
    pairs = []
    for _ in range(10):
        first = await create_event(session, now, "summer-school", capacity=1)
        second = await create_event(session, now, "summer-school", capacity=1)
        x = await create_participant(session, now)
        y = await create_participant(session, now)
        for minute, (event_id, person_id) in enumerate(
            [(first.id, x.id), (second.id, y.id), (second.id, x.id), (first.id, y.id)]
        ):
            await register(session, now + timedelta(minutes=minute), event_id, person_id)
        pairs.append((x.id, y.id))
    await session.commit()
    later = now + timedelta(hours=1)

    async def erase(participant_id: int) -> None:
        async with sessionmaker() as own_session:
            await erase_participant(own_session, later, None, participant_id)

    outcomes = await asyncio.gather(
        *(erase(person) for pair in pairs for person in pair), return_exceptions=True
    )

    assert [outcome for outcome in outcomes if outcome is not None] == []
    erased = await session.scalar(
        select(func.count()).select_from(Participant).where(Participant.erased_at == later)
    )
    assert erased == 20
