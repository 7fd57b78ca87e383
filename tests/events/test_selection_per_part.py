"""Selection per part of a hybrid event (#19): the room and the stream each have their
own targets, balance and proposals, within their own capacity and quotas.

On SQLite and PostgreSQL, through the use cases.
"""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import update_event
from events.enums import Participation, RegistrationStatus
from events.errors import InvalidInput
from events.inputs import EventChanges
from events.models import OutboxMessage, Registration
from events.outbox.queue import Kind
from events.proposals import confirm_proposal, create_proposal
from events.registrations import cancel_registration, register
from events.reviews import balance, get_targets, set_targets
from events.targets import SelectionTargets
from tests.factories import create_event, create_participant, create_programme

ONLINE, ROOM = Participation.ONLINE, Participation.IN_PERSON
PARITY = SelectionTargets.model_validate({"gender_parity": {"tolerance": 0}})
ARMENIA_AND_AZERBAIJAN = SelectionTargets.model_validate(
    {"country_shares": {"seats": {"AM": 2, "AZ": 2}}}
)
HYBRID: dict[str, Any] = {
    "mode": "application",
    "attendance_mode": "hybrid",
    "capacity": 2,
    "online_capacity": 4,
    "join_url": "https://meet.example.org/town-hall",
}


async def _hybrid(session: AsyncSession, now: datetime, **fields: Any) -> int:
    await create_programme(session, now)
    return (await create_event(session, now, "summer-school", **(HYBRID | fields))).id


async def _apply(
    session: AsyncSession,
    now: datetime,
    event_id: int,
    part: Participation,
    people: list[tuple[str, str]],
) -> list[int]:
    """One application per (country, gender), in this order; their registration ids."""
    made: list[int] = []
    for country, gender in people:
        person = await create_participant(session, now, country=country, gender=gender)
        registration = await register(
            session, now + timedelta(seconds=len(made)), event_id, person.id, participation=part
        )
        made.append(registration.id)
    return made


async def test_each_part_keeps_its_own_targets(session: AsyncSession, now: datetime) -> None:
    event_id = await _hybrid(session, now)
    await set_targets(session, now, SYSTEM, event_id, PARITY, ROOM)
    await set_targets(session, now, SYSTEM, event_id, ARMENIA_AND_AZERBAIJAN, ONLINE)

    assert await get_targets(session, SYSTEM, event_id, ROOM) == PARITY
    assert await get_targets(session, SYSTEM, event_id, ONLINE) == ARMENIA_AND_AZERBAIJAN


async def test_a_hybrid_event_must_name_the_part(session: AsyncSession, now: datetime) -> None:
    event_id = await _hybrid(session, now)
    for attempt in (
        set_targets(session, now, SYSTEM, event_id, PARITY),
        get_targets(session, SYSTEM, event_id),
        balance(session, SYSTEM, event_id),
        create_proposal(session, now, SYSTEM, event_id),
    ):
        with pytest.raises(InvalidInput) as refused:
            await attempt
        assert refused.value.field == "participation"
    assert await get_targets(session, SYSTEM, event_id, ROOM) == SelectionTargets()


async def test_an_event_with_one_part_refuses_the_other(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", mode="application")
    with pytest.raises(InvalidInput) as refused:
        await set_targets(session, now, SYSTEM, event.id, PARITY, ONLINE)
    assert refused.value.field == "participation"
    # Naming its only part, or none, is the same.
    await set_targets(session, now, SYSTEM, event.id, PARITY, ROOM)
    assert await get_targets(session, SYSTEM, event.id) == PARITY


async def test_targets_must_fit_their_own_part(session: AsyncSession, now: datetime) -> None:
    event_id = await _hybrid(session, now, capacity=50, online_capacity=4)
    too_many = SelectionTargets.model_validate({"first_timers": {"at_least": 10}})
    with pytest.raises(InvalidInput) as refused:
        await set_targets(session, now, SYSTEM, event_id, too_many, ONLINE)
    assert refused.value.field == "first_timers.at_least"
    # The room has the seats for it.
    await set_targets(session, now, SYSTEM, event_id, too_many, ROOM)
    assert await get_targets(session, SYSTEM, event_id, ONLINE) == SelectionTargets()


async def test_proposals_of_the_two_parts_are_made_and_confirmed_apart(
    session: AsyncSession, now: datetime
) -> None:
    event_id = await _hybrid(session, now, online_country_quotas={"AZ": 2})
    room = await _apply(session, now, event_id, ROOM, [("GE", "female")] * 3)
    online = await _apply(
        session, now, event_id, ONLINE, [("AM", "female")] * 3 + [("AZ", "male")] * 3
    )
    await set_targets(session, now, SYSTEM, event_id, ARMENIA_AND_AZERBAIJAN, ONLINE)

    in_room = await create_proposal(session, now, SYSTEM, event_id, seed=1, participation=ROOM)
    streamed = await create_proposal(session, now, SYSTEM, event_id, seed=1, participation=ONLINE)

    # Each fills its own seats from its own applicants, and the second did not replace the
    # first: both are open.
    assert set(in_room.proposal.selected) <= set(room)
    assert len(in_room.proposal.selected) == 2
    assert set(streamed.proposal.selected) <= set(online)
    assert len(streamed.proposal.selected) == 4
    assert streamed.missed == {}
    assert (in_room.proposal.participation, streamed.proposal.participation) == (ROOM, ONLINE)
    assert (await balance(session, SYSTEM, event_id, ONLINE)).proposal_id == streamed.proposal.id
    assert (await balance(session, SYSTEM, event_id, ROOM)).proposal_id == in_room.proposal.id
    # The inputs record the part's own capacity and quotas, so a re-run sees what it saw.
    assert streamed.proposal.inputs["capacity"] == 4
    assert streamed.proposal.inputs["quotas"]["country"] == {"AZ": 2}

    await confirm_proposal(session, now, SYSTEM, streamed.proposal.id)
    await confirm_proposal(session, now, SYSTEM, in_room.proposal.id)

    rows = (await session.scalars(select(Registration).order_by(Registration.id))).all()
    confirmed = {r.id: r.participation for r in rows if r.status == RegistrationStatus.CONFIRMED}
    assert sorted(confirmed.values()) == [ROOM] * 2 + [ONLINE] * 4
    after = await balance(session, SYSTEM, event_id, ONLINE)
    assert (after.capacity, after.confirmed, after.proposed) == (4, 4, 0)


async def test_each_part_s_waiting_line_starts_at_one(
    session: AsyncSession, now: datetime
) -> None:
    event_id = await _hybrid(session, now, capacity=1, online_capacity=1)
    room = await _apply(session, now, event_id, ROOM, [("GE", "female")] * 3)
    online = await _apply(session, now, event_id, ONLINE, [("AM", "male")] * 3)
    in_room = await create_proposal(session, now, SYSTEM, event_id, seed=7, participation=ROOM)
    await confirm_proposal(session, now, SYSTEM, in_room.proposal.id)
    streamed = await create_proposal(session, now, SYSTEM, event_id, seed=7, participation=ONLINE)
    await confirm_proposal(session, now, SYSTEM, streamed.proposal.id)

    decisions = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == Kind.DECISION))
    ).all()
    places = {
        message.registration_id: message.params["position"]
        for message in decisions
        if message.params["status"] == RegistrationStatus.WAITLISTED
    }
    # Two wait in each line: the stream's first is told place 1, not place 3.
    assert sorted(places[key] for key in room if key in places) == [1, 2]
    assert sorted(places[key] for key in online if key in places) == [1, 2]


async def test_a_freed_online_seat_goes_to_who_keeps_the_online_balance(
    session: AsyncSession, now: datetime
) -> None:
    event_id = await _hybrid(session, now, capacity=1, online_capacity=2)
    await _apply(session, now, event_id, ROOM, [("GE", "male")] * 2)
    women = await _apply(session, now, event_id, ONLINE, [("AM", "female")] * 2)
    men = await _apply(session, now, event_id, ONLINE, [("AZ", "male")] * 2)
    await set_targets(session, now, SYSTEM, event_id, PARITY, ONLINE)
    streamed = await create_proposal(session, now, SYSTEM, event_id, seed=5, participation=ONLINE)
    selected = set(streamed.proposal.selected)
    assert len(selected & set(women)) == len(selected & set(men)) == 1
    # Put the waiting man first in line, whatever the lots said: a woman's seat must
    # still go to the waiting woman, by the stream's own targets.
    [woman] = selected & set(women)
    [waiting_woman] = set(women) - selected
    [waiting_man] = set(men) - selected
    streamed.proposal.waitlist = [waiting_man, waiting_woman]
    await session.commit()
    await confirm_proposal(session, now, SYSTEM, streamed.proposal.id)
    in_room = await create_proposal(session, now, SYSTEM, event_id, seed=5, participation=ROOM)
    await confirm_proposal(session, now, SYSTEM, in_room.proposal.id)

    offers = await cancel_registration(session, now + timedelta(hours=1), woman)

    assert [offer.id for offer in offers] == [waiting_woman]


async def test_seats_of_a_part_cannot_shrink_under_its_targets(
    session: AsyncSession, now: datetime
) -> None:
    event_id = await _hybrid(session, now, capacity=10, online_capacity=4)
    await set_targets(session, now, SYSTEM, event_id, ARMENIA_AND_AZERBAIJAN, ONLINE)
    with pytest.raises(InvalidInput) as refused:
        await update_event(session, now, SYSTEM, event_id, EventChanges(online_capacity=3))
    assert refused.value.field == "online_capacity"
    # The room's seats are free to change: its targets are its own (none here).
    changed = await update_event(session, now, SYSTEM, event_id, EventChanges(capacity=3))
    assert (changed.capacity, changed.online_capacity) == (3, 4)


async def test_an_event_with_targets_can_add_a_stream_but_not_drop_one_with_targets(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", mode="application", capacity=4)
    await set_targets(session, now, SYSTEM, event.id, PARITY)
    hybrid = EventChanges(attendance_mode="hybrid", online_capacity=4, join_url=HYBRID["join_url"])
    await update_event(session, now, SYSTEM, event.id, hybrid)
    # The room keeps its targets; the new stream starts with none.
    assert await get_targets(session, SYSTEM, event.id, ROOM) == PARITY
    assert await get_targets(session, SYSTEM, event.id, ONLINE) == SelectionTargets()

    await set_targets(session, now, SYSTEM, event.id, PARITY, ONLINE)
    with pytest.raises(InvalidInput) as refused:
        await update_event(
            session,
            now,
            SYSTEM,
            event.id,
            EventChanges(attendance_mode="in_person", online_capacity=None, join_url=None),
        )
    assert refused.value.field == "attendance_mode"
    assert await get_targets(session, SYSTEM, event.id, ONLINE) == PARITY
