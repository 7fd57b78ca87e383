"""What the dashboard's first page shows an organiser: their programmes, their upcoming
events with seats taken, waiting lists and pending applications, and what needs them
soon (seat offers about to expire, broadcasts still going out).

A few grouped queries for all the events at once, not one per event: the page stays
fast for an admin who sees every programme.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.broadcasts import BroadcastState
from events.enums import SEAT_HOLDING, PublicationStatus, RegistrationStatus
from events.models import Broadcast, Event, OutboxMessage, Programme, Registration
from events.outbox.queue import OPEN_STATES
from events.principals import Principal
from events.seats import limits_of, parts_of

# An offer "about to expire" runs out within this time: the organiser may remind people.
OFFER_WARNING = timedelta(hours=24)


@dataclass
class EventSummary:
    event: Event
    capacity: int = 0
    seats_taken: int = 0
    waitlisted: int = 0
    applied: int = 0
    offers_expiring: int = 0
    broadcasts_sending: int = 0
    broadcasts_scheduled: int = 0

    @property
    def needs_attention(self) -> bool:
        return bool(self.offers_expiring or self.broadcasts_sending)


@dataclass
class Overview:
    programmes: list[Programme] = field(default_factory=list)
    events: list[EventSummary] = field(default_factory=list)


def _visible(viewer: Principal, programme_id: int) -> bool:
    return viewer.can_manage(programme_id) or viewer.can_check_in(programme_id)


async def overview(session: AsyncSession, viewer: Principal, now: datetime) -> Overview:
    """The viewer's programmes and their events that have not ended (drafts and published,
    soonest first), each counted. A checker sees their programmes and events, for check-in;
    the counts are the organisers' and stay zero for them."""
    programmes = [
        programme
        for programme in await session.scalars(select(Programme).order_by(Programme.slug))
        if _visible(viewer, programme.id)
    ]
    ids = [programme.id for programme in programmes]
    events = list(
        await session.scalars(
            select(Event)
            .where(
                Event.programme_id.in_(ids),
                Event.ends_at > now,
                Event.status.in_([PublicationStatus.PUBLISHED, PublicationStatus.DRAFT]),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )
    summaries = {
        event.id: EventSummary(
            event, capacity=sum(limits_of(event, part).capacity for part in parts_of(event))
        )
        for event in events
    }
    counted = [event.id for event in events if viewer.can_manage(event.programme_id)]
    if counted:
        await _count_registrations(session, now, summaries, counted)
        await _count_broadcasts(session, summaries, counted)
    return Overview(programmes, list(summaries.values()))


async def _count_registrations(
    session: AsyncSession, now: datetime, summaries: dict[int, EventSummary], ids: list[int]
) -> None:
    rows = await session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(ids))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, number in rows:
        summary = summaries[event_id]
        if status in SEAT_HOLDING:
            summary.seats_taken += number
        elif status == RegistrationStatus.WAITLISTED:
            summary.waitlisted += number
        elif status == RegistrationStatus.APPLIED:
            summary.applied += number
    expiring = await session.execute(
        select(Registration.event_id, func.count())
        .where(
            Registration.event_id.in_(ids),
            Registration.status == RegistrationStatus.OFFERED,
            Registration.offer_expires_at <= now + OFFER_WARNING,
        )
        .group_by(Registration.event_id)
    )
    for event_id, number in expiring:
        summaries[event_id].offers_expiring = number


async def _count_broadcasts(
    session: AsyncSession, summaries: dict[int, EventSummary], ids: list[int]
) -> None:
    scheduled = await session.execute(
        select(Broadcast.event_id, func.count())
        .where(Broadcast.event_id.in_(ids), Broadcast.state == BroadcastState.SCHEDULED)
        .group_by(Broadcast.event_id)
    )
    for event_id, number in scheduled:
        summaries[event_id].broadcasts_scheduled = number
    # Released broadcasts whose messages are not all out yet.
    sending = await session.execute(
        select(Broadcast.event_id, func.count(func.distinct(Broadcast.id)))
        .join(OutboxMessage, OutboxMessage.broadcast_id == Broadcast.id)
        .where(
            Broadcast.event_id.in_(ids),
            Broadcast.state == BroadcastState.SENDING,
            OutboxMessage.state.in_(OPEN_STATES),
        )
        .group_by(Broadcast.event_id)
    )
    per_event: defaultdict[int, int] = defaultdict(int)
    for event_id, number in sending:
        per_event[event_id] += number
    for event_id, number in per_event.items():
        summaries[event_id].broadcasts_sending = number
