"""A participant's own registrations.

Every function that takes a registration id from a participant checks it is theirs,
so a forged button cannot touch another person's registration.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.errors import NotFound
from events.models import Event, Registration


async def own_registration(
    session: AsyncSession, participant_id: int, registration_id: int
) -> Registration:
    """One of this participant's registrations (``NotFound`` for anyone else's)."""
    registration = await session.get(Registration, registration_id)
    if registration is None or registration.participant_id != participant_id:
        raise NotFound("registration", registration_id)
    return registration


async def own_registrations(
    session: AsyncSession, participant_id: int
) -> Sequence[tuple[Registration, Event]]:
    """This participant's registrations with their events, soonest event first."""
    rows = await session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.participant_id == participant_id)
        .order_by(Event.starts_at, Registration.id)
    )
    return [(registration, event) for registration, event in rows]


async def registration_for(
    session: AsyncSession, participant_id: int, event_id: int
) -> Registration | None:
    return await session.scalar(
        select(Registration).where(
            Registration.participant_id == participant_id, Registration.event_id == event_id
        )
    )
