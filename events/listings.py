"""What anyone may browse: published programmes, events still to come, and any event
or programme that is not a draft.

Drafts are nobody's business but their organisers': ``public_*`` answers ``NotFound``
for them, as for an id that does not exist.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import PublicationStatus
from events.errors import NotFound
from events.models import Event, Programme


async def open_programmes(session: AsyncSession) -> Sequence[Programme]:
    """Published programmes, in the order they were created."""
    rows = await session.scalars(
        select(Programme)
        .where(Programme.status == PublicationStatus.PUBLISHED)
        .order_by(Programme.id)
    )
    return rows.all()


async def upcoming_events(
    session: AsyncSession, now: datetime, programme_id: int | None = None
) -> Sequence[Event]:
    """Published events that have not started, soonest first."""
    query = (
        select(Event)
        .where(Event.status == PublicationStatus.PUBLISHED, Event.starts_at > now)
        .order_by(Event.starts_at, Event.id)
    )
    if programme_id is not None:
        query = query.where(Event.programme_id == programme_id)
    return (await session.scalars(query)).all()


async def public_event(session: AsyncSession, event_id: int) -> Event:
    """An event anyone may see: not a draft (``NotFound`` otherwise)."""
    event = await session.get(Event, event_id)
    if event is None or event.status == PublicationStatus.DRAFT:
        raise NotFound("event", event_id)
    return event


async def public_programme(session: AsyncSession, programme_id: int) -> Programme:
    programme = await session.get(Programme, programme_id)
    if programme is None or programme.status == PublicationStatus.DRAFT:
        raise NotFound("programme", programme_id)
    return programme
