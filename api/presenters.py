"""Turn domain objects into response bodies (reads only)."""

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import EventOut, RegistrationOut
from events.editions import get_programme_of, seats_left
from events.feeds.render import Links
from events.models import Event, Participant, Registration


async def present_event(session: AsyncSession, links: Links, event: Event) -> EventOut:
    programme = await get_programme_of(session, event)
    return EventOut.of(event, programme.slug, await seats_left(session, event), links.bot_username)


async def present_events(
    session: AsyncSession, links: Links, events: Iterable[Event]
) -> list[EventOut]:
    return [await present_event(session, links, event) for event in events]


async def present_registration(
    session: AsyncSession, registration: Registration
) -> RegistrationOut:
    participant = await session.get(Participant, registration.participant_id)
    assert participant is not None  # a foreign key guarantees it
    return RegistrationOut.of(registration, participant)
