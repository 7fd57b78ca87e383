"""Online and hybrid events (#19): two sets of seats, switching, the join redirect.

On SQLite and PostgreSQL, through the use cases: a hybrid event's room and stream each
have their own capacity, quotas, waiting line and offers; a person switches while seats
allow; the join token is long, random, renewed, and dead once the registration is
cancelled or the person erased; opening it records attendance only in the window.
"""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.editions import update_event
from events.enums import Participation, RegistrationStatus
from events.errors import InvalidInput, InvalidTransition, NoSeatAvailable
from events.inputs import EventChanges
from events.models import Event, OutboxMessage, Registration
from events.online.links import join_link
from events.online.visits import JoinRefusal, open_join_link
from events.outbox.queue import Kind
from events.participants import erase_participant
from events.registrations import cancel_registration, register
from events.statistics import event_statistics
from events.switching import switch_participation
from events.waitlist import accept_offer
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import stored

ONLINE, ROOM = Participation.ONLINE, Participation.IN_PERSON
LINK = "https://meet.example.org/room-1?pwd=s3cret"
HYBRID: dict[str, Any] = {
    "attendance_mode": "hybrid",
    "capacity": 1,
    "online_capacity": 2,
    "join_url": LINK,
}


async def _hybrid(session: AsyncSession, now: datetime, **fields: Any) -> Event:
    await create_programme(session, now)
    return await create_event(session, now, "summer-school", **(HYBRID | fields))


async def _person(session: AsyncSession, now: datetime, **fields: Any) -> int:
    return (await create_participant(session, now, **fields)).id


async def test_each_part_has_its_own_seats_and_waiting_line(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now)
    parts = [ROOM, ROOM, ONLINE, ONLINE, ONLINE]
    made = [
        await register(session, now, event.id, await _person(session, now), participation=part)
        for part in parts
    ]
    assert [(r.participation, r.status) for r in made] == [
        (ROOM, "confirmed"),
        (ROOM, "waitlisted"),  # the room is full, though the stream has seats
        (ONLINE, "confirmed"),
        (ONLINE, "confirmed"),
        (ONLINE, "waitlisted"),
    ]
    # A seat freed in the stream goes to the stream's line, not the room's.
    offers = await cancel_registration(session, now, made[2].id)
    assert [offer.id for offer in offers] == [made[4].id]
    assert (await stored(session, made[1].id)).status == "waitlisted"
    await accept_offer(session, now, made[4].id)
    statistics = await event_statistics(session, SYSTEM, event.id)
    assert (statistics.capacity, statistics.seats_held) == (3, 3)


async def test_online_quotas_bound_the_stream_only(session: AsyncSession, now: datetime) -> None:
    event = await _hybrid(session, now, capacity=5, online_country_quotas={"AM": 1})
    first = await register(
        session, now, event.id, await _person(session, now, country="AM"), participation=ONLINE
    )
    second = await register(
        session, now, event.id, await _person(session, now, country="AM"), participation=ONLINE
    )
    room = await register(
        session, now, event.id, await _person(session, now, country="AM"), participation=ROOM
    )
    assert [first.status, second.status, room.status] == ["confirmed", "waitlisted", "confirmed"]


async def test_a_hybrid_event_needs_the_choice_and_others_refuse_a_wrong_one(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now)
    in_person = await create_event(session, now, "summer-school")
    person = await _person(session, now)
    with pytest.raises(InvalidInput) as missing:
        await register(session, now, event.id, person)
    assert missing.value.field == "participation"
    with pytest.raises(InvalidInput) as wrong:
        await register(session, now, in_person.id, person, participation=ONLINE)
    assert wrong.value.field == "participation"
    registration = await register(session, now, in_person.id, person)
    assert (registration.participation, registration.join_token) == (ROOM, None)


async def test_switching_follows_the_seats(session: AsyncSession, now: datetime) -> None:
    event = await _hybrid(session, now, online_capacity=1)
    in_room = await register(
        session, now, event.id, await _person(session, now), participation=ROOM
    )
    online = await register(
        session, now, event.id, await _person(session, now), participation=ONLINE
    )
    waiting = await register(
        session, now, event.id, await _person(session, now), participation=ROOM
    )
    # Both parts full: a confirmed person cannot move, and nothing changes.
    with pytest.raises(NoSeatAvailable):
        await switch_participation(session, now, in_room.id, ONLINE)
    assert (await stored(session, in_room.id)).participation == ROOM
    # The online person moves to... no room seat either.
    with pytest.raises(NoSeatAvailable):
        await switch_participation(session, now, online.id, ROOM)
    # A waiting person may join the other line.
    moved, _ = await switch_participation(session, now, waiting.id, ONLINE)
    assert (moved.participation, moved.status) == (ONLINE, "waitlisted")
    assert moved.join_token is not None
    # The online seat frees up: it is offered to the person now in the stream's line.
    offers = await cancel_registration(session, now, online.id)
    assert [offer.id for offer in offers] == [waiting.id]
    # The room person moves to... the stream is held by the offer: refused.
    with pytest.raises(NoSeatAvailable):
        await switch_participation(session, now, in_room.id, ONLINE)
    with pytest.raises(InvalidTransition):  # an open offer is answered first
        await switch_participation(session, now, waiting.id, ROOM)


async def test_a_confirmed_switch_frees_the_seat_for_the_next_in_line(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now)
    in_room = await register(
        session, now, event.id, await _person(session, now), participation=ROOM
    )
    waiting = await register(
        session, now, event.id, await _person(session, now), participation=ROOM
    )
    moved, offers = await switch_participation(session, now, in_room.id, ONLINE)
    assert (moved.participation, moved.status) == (ONLINE, "confirmed")
    assert moved.join_token is not None
    assert [offer.id for offer in offers] == [waiting.id]
    back_token = moved.join_token
    with pytest.raises(NoSeatAvailable):  # the room's seat is now offered to someone else
        await switch_participation(session, now, in_room.id, ROOM)
    assert (await stored(session, in_room.id)).join_token == back_token


async def test_switching_is_for_hybrid_events_before_the_start(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    online_only = await create_event(session, now, "summer-school", attendance_mode="online")
    registration = await register(session, now, online_only.id, await _person(session, now))
    assert registration.participation == ONLINE
    with pytest.raises(InvalidInput):
        await switch_participation(session, now, registration.id, ROOM)
    hybrid = await create_event(session, now, "summer-school", **HYBRID)
    mine = await register(session, now, hybrid.id, await _person(session, now), participation=ROOM)
    with pytest.raises(InvalidTransition):
        await switch_participation(session, hybrid.starts_at, mine.id, ONLINE)


async def test_tokens_are_long_random_and_renewed(session: AsyncSession, now: datetime) -> None:
    event = await _hybrid(session, now, online_capacity=50)
    tokens = set()
    for _ in range(20):
        registration = await register(
            session, now, event.id, await _person(session, now), participation=ONLINE
        )
        assert registration.join_token is not None
        # token_urlsafe(32): 43 characters of 64 symbols, 256 bits.
        assert len(registration.join_token) >= 43
        tokens.add(registration.join_token)
    assert len(tokens) == 20
    old = registration.join_token
    assert old is not None
    await cancel_registration(session, now, registration.id)
    assert (await stored(session, registration.id)).join_token is None
    again = await register(
        session, now, event.id, registration.participant_id, participation=ONLINE
    )
    assert again.join_token not in (None, old)
    assert (await open_join_link(session, event.starts_at, old)).refusal is JoinRefusal.UNKNOWN


async def test_opening_the_link_records_attendance_in_the_window_only(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now)
    registration = await register(
        session, now, event.id, await _person(session, now, language="ka"), participation=ONLINE
    )
    token = registration.join_token
    assert token is not None
    early = await open_join_link(session, event.starts_at - timedelta(hours=2), token)
    assert (early.url, early.refusal, early.language) == (None, JoinRefusal.NOT_YET, "ka")
    assert (await stored(session, registration.id)).status == "confirmed"

    opened_at = event.starts_at - timedelta(minutes=10)
    visit = await open_join_link(session, opened_at, token)
    assert (visit.url, visit.recorded) == (LINK, True)
    seen = await stored(session, registration.id)
    assert (seen.status, seen.checked_in_at) == (RegistrationStatus.ATTENDED, opened_at)
    # Opening it again (a dropped connection) forwards and counts once.
    again = await open_join_link(session, event.starts_at + timedelta(hours=1), token)
    assert (again.url, again.recorded) == (LINK, False)
    over = await open_join_link(session, event.ends_at, token)
    assert (over.url, over.refusal) == (None, JoinRefusal.ENDED)


async def test_the_link_is_refused_to_everyone_without_a_confirmed_online_seat(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now, online_capacity=1)
    confirmed = await register(
        session, now, event.id, await _person(session, now), participation=ONLINE
    )
    waiting = await register(
        session, now, event.id, await _person(session, now), participation=ONLINE
    )
    in_room = await register(
        session, now, event.id, await _person(session, now), participation=ROOM
    )
    at = event.starts_at
    public_url = "https://redbridge.example"
    assert waiting.join_token is not None
    assert (await open_join_link(session, at, waiting.join_token)).refusal is JoinRefusal.NO_SEAT
    assert in_room.join_token is None
    assert join_link(public_url, waiting, event) is None
    assert join_link(public_url, in_room, event) is None
    assert join_link(public_url, confirmed, event) == f"{public_url}/j/{confirmed.join_token}"
    for guess in ("", "x", "A" * 43, "../../etc", "a" * 500):
        assert (await open_join_link(session, at, guess)).refusal is JoinRefusal.UNKNOWN


async def test_forgetting_a_person_removes_their_token(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now)
    person = await _person(session, now)
    registration = await register(session, now, event.id, person, participation=ONLINE)
    token = registration.join_token
    assert token is not None
    await erase_participant(session, now, None, person)
    assert (await stored(session, registration.id)).join_token is None
    assert (await open_join_link(session, event.starts_at, token)).refusal is JoinRefusal.UNKNOWN


async def test_a_new_link_is_announced_to_confirmed_online_people_only(
    session: AsyncSession, now: datetime
) -> None:
    event = await _hybrid(session, now, online_capacity=1)
    confirmed = await register(
        session, now, event.id, await _person(session, now), participation=ONLINE
    )
    await register(session, now, event.id, await _person(session, now), participation=ONLINE)
    await register(session, now, event.id, await _person(session, now), participation=ROOM)
    changes = EventChanges(join_url="https://meet.example.org/room-2")
    await update_event(session, now, SYSTEM, event.id, changes)
    rows = (
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == Kind.JOIN_LINK_CHANGED)
        )
    ).all()
    assert [row.registration_id for row in rows] == [confirmed.id]
    assert "meet.example.org" not in repr([row.params for row in rows])


async def test_an_event_in_person_can_become_hybrid_but_not_back(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", capacity=2)
    await register(session, now, event.id, await _person(session, now))
    widened = await update_event(
        session,
        now,
        SYSTEM,
        event.id,
        EventChanges(attendance_mode="hybrid", online_capacity=10, join_url=LINK),
    )
    assert (widened.attendance_mode, widened.online_capacity) == ("hybrid", 10)
    # Calendars and the people registered learn that it now takes place online too.
    assert widened.sequence == 1
    kinds = (await session.scalars(select(OutboxMessage.kind))).all()
    assert list(kinds) == [Kind.EVENT_CHANGED]
    with pytest.raises(InvalidInput) as back:
        await update_event(
            session,
            now,
            SYSTEM,
            event.id,
            EventChanges(attendance_mode="online", online_capacity=None),
        )
    assert back.value.field == "attendance_mode"
    with pytest.raises(ValidationError) as link:
        EventChanges(join_url="http://meet.example.org/x")
    assert link.value.errors()[0]["loc"] == ("join_url",)


async def test_racing_registrations_and_switches_never_overbook_a_part(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    """Each in its own session, all at once: the room and the stream each stay within
    their own capacity, on SQLite and PostgreSQL."""
    event = await _hybrid(session, now, capacity=5, online_capacity=4)
    seated = [
        await register(session, now, event.id, await _person(session, now), participation=part)
        for part in (ROOM, ROOM, ONLINE)
    ]
    racers = [await _person(session, now) for _ in range(30)]
    event_id = event.id
    await session.commit()

    async def join(participant_id: int, part: Participation) -> object:
        async with sessionmaker() as own:
            return await register(own, now, event_id, participant_id, participation=part)

    async def move(registration_id: int) -> object:
        async with sessionmaker() as own:
            return await switch_participation(own, now, registration_id, ONLINE)

    attempts = [join(pid, (ROOM, ONLINE)[n % 2]) for n, pid in enumerate(racers)]
    attempts += [move(registration.id) for registration in seated[:2]]
    outcomes = await asyncio.gather(*attempts, return_exceptions=True)
    unexpected = [
        outcome
        for outcome in outcomes
        if isinstance(outcome, BaseException) and not isinstance(outcome, NoSeatAvailable)
    ]
    assert unexpected == []
    held = await session.execute(
        select(Registration.participation, func.count())
        .where(
            Registration.event_id == event_id,
            Registration.status.in_(["confirmed", "offered", "attended", "no_show"]),
        )
        .group_by(Registration.participation)
    )
    counts: dict[str, int] = {str(row[0]): int(row[1]) for row in held}
    assert counts == {ROOM: 5, ONLINE: 4}
