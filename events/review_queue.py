"""What an organiser reviews in chat: the application-mode events they manage, and one
event's queue of open applications, taken one at a time or a page at a time.

The queue is the event's applications still waiting for a decision, oldest first. A
decision takes an application out of it, so the same position then holds the next one.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.applicants import Application, load_applications
from events.editions import get_event
from events.enums import PublicationStatus, RegistrationMode, RegistrationStatus
from events.models import Event
from events.principals import Principal
from events.reviews import ApplicationFilter, ensure_application_mode, list_applications

_OPEN = ApplicationFilter(status=RegistrationStatus.APPLIED)


async def reviewable_events(
    session: AsyncSession, viewer: Principal, now: datetime
) -> list[Event]:
    """The application-mode events of the viewer's programmes that are published and have
    not ended, soonest first."""
    events = await session.scalars(
        select(Event)
        .where(
            Event.mode == RegistrationMode.APPLICATION,
            Event.status == PublicationStatus.PUBLISHED,
            Event.ends_at > now,
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [event for event in events if viewer.can_manage(event.programme_id)]


@dataclass(frozen=True)
class QueueEntry:
    """One application of the queue (None when the queue is empty), its position
    (0-based) and the length of the queue."""

    event: Event
    application: Application | None
    position: int
    total: int


async def _queue(
    session: AsyncSession, viewer: Principal, event_id: int
) -> tuple[Event, list[Application]]:
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    ensure_application_mode(event)
    return event, await list_applications(session, viewer, event.id, _OPEN)


async def queue_entry(
    session: AsyncSession,
    viewer: Principal,
    event_id: int,
    position: int,
    registration_id: int | None = None,
) -> QueueEntry:
    """The application at ``position`` of the event's queue (counted round: past the end
    is the start again), or the one of ``registration_id`` while it is still open.

    Raises ``Forbidden`` for an event of another programme, ``InvalidTransition`` for an
    open-mode event, ``NotFound``.
    """
    event, queue = await _queue(session, viewer, event_id)
    if not queue:
        return QueueEntry(event, None, 0, 0)
    for index, application in enumerate(queue):
        if application.registration.id == registration_id:
            return QueueEntry(event, application, index, len(queue))
    position %= len(queue)
    return QueueEntry(event, queue[position], position, len(queue))


@dataclass(frozen=True)
class QueuePage:
    event: Event
    applications: list[Application]
    page: int
    pages: int
    first_position: int
    total: int


async def queue_page(
    session: AsyncSession, viewer: Principal, event_id: int, page: int, size: int
) -> QueuePage:
    """A page of the event's queue (the last one for a page past the end); raises as
    ``queue_entry``."""
    event, queue = await _queue(session, viewer, event_id)
    pages = max(1, -(-len(queue) // size))
    page = min(max(page, 0), pages - 1)
    start = page * size
    return QueuePage(event, queue[start : start + size], page, pages, start, len(queue))


async def applications_by_id(
    session: AsyncSession, viewer: Principal, event_id: int
) -> dict[int, Application]:
    """Every application of the event by registration id, to name the people of a
    proposal; raises ``Forbidden`` for an event of another programme."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    return {a.registration.id: a for a in await load_applications(session, event)}
