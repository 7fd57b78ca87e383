"""Concurrent sign-ups of the same person: one participant, one registration."""

import asyncio
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.enums import Role
from events.errors import AlreadyRegistered, MustRegisterInBot
from events.inputs import ParticipantDetails
from events.models import Participant, Registration
from events.participants import save_participant
from events.principals import Principal
from events.registrations import register_person, sign_up
from tests.factories import create_event, create_programme


async def test_simultaneous_profiles_of_one_telegram_user_make_one_participant(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    async def save(index: int) -> int:
        async with sessionmaker() as session:
            details = ParticipantDetails(name=f"Ani {index}", telegram_user_id=777)
            return (await save_participant(session, now, details)).id

    ids = await asyncio.gather(*(save(index) for index in range(20)))
    assert len(set(ids)) == 1
    async with sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(Participant))
    assert count == 1


async def test_a_double_tap_on_sign_up_stores_one_registration(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    async with sessionmaker() as session:
        await create_programme(session, now)
        event = await create_event(session, now, "summer-school")

    async def tap() -> str:
        async with sessionmaker() as session:
            details = ParticipantDetails(name="Ani", country="AM", telegram_user_id=4242)
            try:
                return (await sign_up(session, now, details, event.id)).status
            except AlreadyRegistered:
                return "refused"

    outcomes = await asyncio.gather(*(tap() for _ in range(10)))
    assert sorted(outcomes) == ["confirmed"] + ["refused"] * 9
    async with sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(Registration))
        people = await session.scalar(select(func.count()).select_from(Participant))
    assert (rows, people) == (1, 1)


async def test_organisers_of_two_programmes_registering_one_new_person_at_once(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    """Whoever creates the profile first, the other organiser never overwrites it."""
    async with sessionmaker() as session:
        school = await create_programme(session, now)
        concerts = await create_programme(session, now, slug="concerts", kind="concert")
        events = [
            await create_event(session, now, "summer-school"),
            await create_event(session, now, "concerts"),
        ]
    organisers = [
        Principal(f"token:{index}", Role.ORGANISER, frozenset({programme.id}))
        for index, programme in enumerate((school, concerts))
    ]

    async def register_as(index: int) -> str:
        details = ParticipantDetails(
            name=f"Name {index}", country=("AM", "AZ")[index], telegram_user_id=4242
        )
        async with sessionmaker() as session:
            try:
                await register_person(session, now, organisers[index], events[index].id, details)
            except MustRegisterInBot:
                return "refused"
            return f"Name {index}"

    outcomes = await asyncio.gather(register_as(0), register_as(1))
    assert sorted(outcomes)[1] == "refused", outcomes
    [winner] = [outcome for outcome in outcomes if outcome != "refused"]
    async with sessionmaker() as session:
        [person] = (await session.scalars(select(Participant))).all()
        rows = await session.scalar(select(func.count()).select_from(Registration))
    assert (person.name, rows) == (winner, 1)
