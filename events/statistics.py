"""Counts organisers balance their selection with: by status, country and gender."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.editions import get_event
from events.enums import SEAT_HOLDING, PublicationStatus, RegistrationStatus
from events.models import Event, Registration
from events.principals import Principal
from events.seats import limits_of, parts_of

UNSPECIFIED = "unspecified"


@dataclass
class EventStatistics:
    event_id: int
    capacity: int
    seats_held: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    # country → status → count, and gender → status → count
    by_country: dict[str, dict[str, int]] = field(default_factory=dict)
    by_gender: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_held, 0)


async def event_statistics(
    session: AsyncSession, viewer: Principal, event_id: int
) -> EventStatistics:
    """Registration counts of one event the viewer manages; erased people still count."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    rows = await session.execute(
        select(Registration.status, Registration.country, Registration.gender, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.status, Registration.country, Registration.gender)
    )
    by_status: dict[str, int] = dict.fromkeys(RegistrationStatus, 0)
    by_country: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_gender: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    held = 0
    for status, country, gender, number in rows:
        by_status[status] += number
        by_country[country or UNSPECIFIED][status] += number
        by_gender[gender or UNSPECIFIED][status] += number
        if status in SEAT_HOLDING:
            held += number
    return EventStatistics(
        event_id=event.id,
        # Both parts of a hybrid event: the room's seats and the stream's.
        capacity=sum(limits_of(event, part).capacity for part in parts_of(event)),
        seats_held=held,
        by_status={str(k): v for k, v in by_status.items()},
        by_country={k: dict(v) for k, v in sorted(by_country.items())},
        by_gender={k: dict(v) for k, v in sorted(by_gender.items())},
    )


async def managed_event_statistics(
    session: AsyncSession, viewer: Principal, now: datetime
) -> list[tuple[Event, EventStatistics]]:
    """Counts for every published event the viewer manages that has not ended."""
    events = await session.scalars(
        select(Event)
        .where(Event.status == PublicationStatus.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    )
    managed = [event for event in events if viewer.can_manage(event.programme_id)]
    return [(event, await event_statistics(session, viewer, event.id)) for event in managed]
