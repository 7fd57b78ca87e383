"""Turn domain objects into response bodies (reads only)."""

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import EventOut, RegistrationOut
from events.editions import get_programme_of, seats_left
from events.enums import AttendanceMode, Participation
from events.feeds.render import Links
from events.models import Event, Participant, Registration
from events.principals import Principal


async def present_event(
    session: AsyncSession, links: Links, event: Event, viewer: Principal | None = None
) -> EventOut:
    """The event as the viewer may see it: the join link only for those who manage it."""
    programme = await get_programme_of(session, event)
    online = (
        await seats_left(session, event, Participation.ONLINE)
        if event.attendance_mode == AttendanceMode.HYBRID
        else None
    )
    return EventOut.of(
        event,
        programme.slug,
        (await seats_left(session, event), online),
        links.bot_username,
        shows_private_links=viewer is not None and viewer.can_manage(event.programme_id),
    )


async def present_events(
    session: AsyncSession, links: Links, events: Iterable[Event], viewer: Principal | None = None
) -> list[EventOut]:
    return [await present_event(session, links, event, viewer) for event in events]


async def present_registration(
    session: AsyncSession, registration: Registration
) -> RegistrationOut:
    participant = await session.get(Participant, registration.participant_id)
    assert participant is not None  # a foreign key guarantees it
    return RegistrationOut.of(registration, participant)
