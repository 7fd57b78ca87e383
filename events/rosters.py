"""Who registered for an event, filtered the way organisers select and export."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.editions import get_event
from events.enums import Gender, RegistrationStatus
from events.models import Participant, Registration
from events.principals import Principal


@dataclass(frozen=True)
class RosterFilter:
    status: RegistrationStatus | None = None
    country: str | None = None
    gender: Gender | None = None


async def roster(
    session: AsyncSession, viewer: Principal, event_id: int, where: RosterFilter
) -> Sequence[tuple[Registration, Participant]]:
    """Registrations of one event the viewer manages, oldest first, with their people."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    query = (
        select(Registration, Participant)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.event_id == event_id)
        .order_by(Registration.created_at, Registration.id)
    )
    if where.status is not None:
        query = query.where(Registration.status == where.status)
    if where.country is not None:
        query = query.where(Registration.country == where.country)
    if where.gender is not None:
        query = query.where(Registration.gender == where.gender)
    rows = await session.execute(query)
    return [(registration, participant) for registration, participant in rows]
