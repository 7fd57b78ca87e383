"""Rules at the edges: a cancelled event's tickets, offers of an event moved earlier."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import cancel_event, update_event
from events.errors import EventCancelled
from events.inputs import EventChanges
from events.registrations import cancel_registration, check_in, register
from tests.factories import create_event, create_participant, create_programme


async def test_a_cancelled_events_tickets_are_not_checked_in(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)
    await cancel_event(session, now, SYSTEM, event.id)
    assert registration.ticket_code is not None
    with pytest.raises(EventCancelled):
        await check_in(session, now, SYSTEM, event.id, registration.ticket_code)


async def test_moving_an_event_earlier_shortens_open_offers(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", capacity=1, offer_valid_hours=72)
    first = await create_participant(session, now)
    second = await create_participant(session, now)
    taken = await register(session, now, event.id, first.id)
    await register(session, now, event.id, second.id)
    [offer] = await cancel_registration(session, now, taken.id)
    new_start = now + timedelta(hours=24)
    await update_event(
        session,
        now,
        SYSTEM,
        event.id,
        EventChanges(starts_at=new_start, ends_at=new_start + timedelta(hours=3)),
    )
    await session.refresh(offer)
    assert offer.offer_expires_at == new_start
