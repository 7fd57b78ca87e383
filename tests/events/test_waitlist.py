"""Waitlist offers: freed seats go to the first waiting person who fits (events.waitlist)."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import cancel_event, update_event
from events.errors import EventCancelled, InvalidInput, InvalidTransition, OfferExpired
from events.inputs import EventChanges
from events.registrations import cancel_registration, register
from events.waitlist import accept_offer, decline_offer, expire_offers, pending_offers
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import statuses, stored

HOUR = timedelta(hours=1)


async def _line_up(
    session: AsyncSession, now: datetime, countries: list[str], **event_fields: Any
) -> tuple[int, list[int], list[int]]:
    """An open event and one registration per country, one minute apart, in order.

    Returns the event id, the participant ids and the registration ids.
    """
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", **event_fields)
    people, registrations = [], []
    for minute, country in enumerate(countries):
        person = await create_participant(session, now, country=country)
        at = now + timedelta(minutes=minute)
        registration = await register(session, at, event.id, person.id)
        people.append(person.id)
        registrations.append(registration.id)
    return event.id, people, registrations


async def test_cancel_offers_the_seat_to_the_first_waiting_person_who_fits(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _line_up(
        session, now, ["AM", "GE", "AM", "GE", "AZ"], capacity=2, country_quotas={"AM": 1}
    )
    am1, ge1, am2, ge2, az1 = people
    assert await statuses(session, event_id) == {
        am1: "confirmed",
        ge1: "confirmed",
        am2: "waitlisted",
        ge2: "waitlisted",
        az1: "waitlisted",
    }
    later = now + HOUR

    offers = await cancel_registration(session, later, regs[1])

    # am2 waits longest but the Armenian quota is full: ge2 gets the seat, am2 keeps
    # their place in line.
    assert [offer.participant_id for offer in offers] == [ge2]
    assert offers[0].offer_expires_at == later + timedelta(hours=48)
    assert await statuses(session, event_id) == {
        am1: "confirmed",
        ge1: "cancelled",
        am2: "waitlisted",
        ge2: "offered",
        az1: "waitlisted",
    }

    # When the Armenian seat frees up, am2 is first in line again, ahead of az1.
    offers = await cancel_registration(session, later, regs[0])
    assert [offer.participant_id for offer in offers] == [am2]
    assert (await statuses(session, event_id))[az1] == "waitlisted"


async def test_accepting_an_offer_confirms_the_seat(session: AsyncSession, now: datetime) -> None:
    event_id, people, regs = await _line_up(session, now, ["GE", "GE"], capacity=1)
    await cancel_registration(session, now + HOUR, regs[0])
    accepted_at = now + 2 * HOUR

    accepted = await accept_offer(session, accepted_at, regs[1])

    assert accepted.status == "confirmed"
    row = await stored(session, regs[1])
    assert (row.status, row.confirmed_at, row.offer_expires_at) == (
        "confirmed",
        accepted_at,
        None,
    )
    assert await pending_offers(session, event_id) == []


async def test_declining_passes_the_seat_to_the_next_person(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _line_up(session, now, ["GE", "AM", "AZ"], capacity=1)
    await cancel_registration(session, now + HOUR, regs[0])

    offers = await decline_offer(session, now + 2 * HOUR, regs[1])

    assert [offer.id for offer in offers] == [regs[2]]
    declined = await stored(session, regs[1])
    assert (declined.status, declined.cancel_reason) == ("cancelled", "offer_declined")
    assert declined.offer_expires_at is None
    assert (await stored(session, regs[2])).offer_expires_at == now + 2 * HOUR + timedelta(
        hours=48
    )


async def test_expired_offers_move_on_and_cannot_be_accepted(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _line_up(
        session, now, ["GE", "AM", "AZ"], capacity=1, offer_valid_hours=24
    )
    await cancel_registration(session, now, regs[0])
    deadline = now + timedelta(hours=24)

    # Not yet expired: nothing happens.
    assert await expire_offers(session, deadline - timedelta(seconds=1)) == []
    assert (await stored(session, regs[1])).status == "offered"

    # Past the deadline, accepting fails and the seat stays held until the expiry run.
    with pytest.raises(OfferExpired):
        await accept_offer(session, deadline, regs[1])
    await session.rollback()
    assert (await stored(session, regs[1])).status == "offered"

    new_offers = await expire_offers(session, deadline)

    assert [offer.id for offer in new_offers] == [regs[2]]
    expired = await stored(session, regs[1])
    assert (expired.status, expired.cancel_reason) == ("cancelled", "offer_expired")
    with pytest.raises(InvalidTransition):
        await accept_offer(session, deadline, regs[1])
    await session.rollback()
    assert (await stored(session, regs[2])).offer_expires_at == deadline + timedelta(hours=24)


async def test_offer_never_outlives_the_start_of_the_event(
    session: AsyncSession, now: datetime
) -> None:
    starts_at = now + timedelta(hours=10)
    _event_id, _people, regs = await _line_up(
        session, now, ["GE", "GE"], capacity=1, starts_at=starts_at
    )

    offers = await cancel_registration(session, now + HOUR, regs[0])

    assert [offer.offer_expires_at for offer in offers] == [starts_at]


async def test_cancelling_an_offer_passes_it_on(session: AsyncSession, now: datetime) -> None:
    _event_id, _people, regs = await _line_up(session, now, ["GE", "GE", "GE"], capacity=1)
    await cancel_registration(session, now, regs[0])

    offers = await cancel_registration(session, now, regs[1])

    assert [offer.id for offer in offers] == [regs[2]]


async def test_accepting_without_an_offer_is_an_invalid_transition(
    session: AsyncSession, now: datetime
) -> None:
    _event_id, _people, regs = await _line_up(session, now, ["GE", "GE"], capacity=1)

    for registration_id in regs:
        with pytest.raises(InvalidTransition):
            await accept_offer(session, now, registration_id)
        await session.rollback()
        with pytest.raises(InvalidTransition):
            await decline_offer(session, now, registration_id)
        await session.rollback()


async def test_offer_of_a_cancelled_event_cannot_be_accepted(
    session: AsyncSession, now: datetime
) -> None:
    event_id, _people, regs = await _line_up(session, now, ["GE", "GE"], capacity=1)
    await cancel_registration(session, now, regs[0])
    await cancel_event(session, now, SYSTEM, event_id)

    with pytest.raises(EventCancelled):
        await accept_offer(session, now, regs[1])


async def test_more_capacity_offers_seats_to_the_waitlist(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _line_up(
        session, now, ["GE", "AM", "AM", "AZ"], capacity=1, country_quotas={"AM": 1}
    )

    await update_event(session, now + HOUR, SYSTEM, event_id, EventChanges(capacity=3))

    assert await statuses(session, event_id) == {
        people[0]: "confirmed",
        people[1]: "offered",
        people[2]: "waitlisted",  # the Armenian quota is full
        people[3]: "offered",
    }
    assert (await stored(session, regs[1])).offer_expires_at == now + HOUR + timedelta(hours=48)


async def test_capacity_cannot_drop_below_the_seats_held(
    session: AsyncSession, now: datetime
) -> None:
    event_id, _people, regs = await _line_up(session, now, ["GE", "AM", "AZ"], capacity=5)

    with pytest.raises(InvalidInput) as raised:
        await update_event(session, now, SYSTEM, event_id, EventChanges(capacity=2))
    await session.rollback()

    assert raised.value.field == "capacity"
    assert (
        await update_event(session, now, SYSTEM, event_id, EventChanges(capacity=3))
    ).capacity == 3


async def test_quota_cannot_drop_below_the_seats_held(
    session: AsyncSession, now: datetime
) -> None:
    event_id, _people, _regs = await _line_up(
        session, now, ["AM", "AM"], capacity=5, country_quotas={"AM": 3}
    )

    with pytest.raises(InvalidInput) as raised:
        await update_event(session, now, SYSTEM, event_id, EventChanges(country_quotas={"AM": 1}))

    assert raised.value.field == "country_quotas.AM"
