"""Read what is stored, bypassing the session's identity map, for assertions."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import SEAT_HOLDING
from events.models import Registration


async def registrations(session: AsyncSession, event_id: int) -> list[Registration]:
    """Every registration of the event as stored now, oldest first."""
    rows = await session.scalars(
        select(Registration)
        .where(Registration.event_id == event_id)
        .order_by(Registration.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def registration_count(session: AsyncSession, event_id: int) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
    )
    return int(count or 0)


async def stored(session: AsyncSession, registration_id: int) -> Registration:
    """One registration re-read from the database."""
    registration = await session.get(Registration, registration_id, populate_existing=True)
    assert registration is not None, f"registration {registration_id} is gone"
    return registration


async def statuses(session: AsyncSession, event_id: int) -> dict[int, str]:
    """participant id → status of every registration of the event."""
    return {row.participant_id: row.status for row in await registrations(session, event_id)}


@dataclass
class Holders:
    """Who holds the event's seats, counted from the stored rows."""

    total: int = 0
    by_country: Counter[str] = field(default_factory=Counter)
    by_gender: Counter[str] = field(default_factory=Counter)


async def holders(session: AsyncSession, event_id: int) -> Holders:
    counted = Holders()
    for row in await registrations(session, event_id):
        if row.status in SEAT_HOLDING:
            counted.total += 1
            if row.country:
                counted.by_country[row.country] += 1
            if row.gender:
                counted.by_gender[row.gender] += 1
    return counted
