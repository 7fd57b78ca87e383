"""Moving a registration between the room and the stream of a hybrid event."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.audit import record
from events.enums import AttendanceMode, Participation, PublicationStatus, RegistrationMode
from events.enums import RegistrationStatus as Status
from events.errors import EventCancelled, InvalidInput, InvalidTransition, NoSeatAvailable
from events.models import Registration
from events.online.links import new_join_token
from events.principals import Principal
from events.registrations import get_registration
from events.seats import blocking_limit, held_in_part
from events.store import lock_event
from events.waitlist import fill_vacancies


async def switch_participation(
    session: AsyncSession,
    now: datetime,
    registration_id: int,
    to: Participation,
    *,
    actor: Principal | None = None,
) -> tuple[Registration, list[Registration]]:
    """Take part the other way at a hybrid event, while seats allow; returns the
    registration and the offers the seat left behind made to the next people.

    A confirmed seat moves only if the other part has one free for this person
    (``NoSeatAvailable`` otherwise, and nothing changes); a waiting person joins the end
    of the other part's line, or takes a free seat there at once at an open event; an
    application just changes its part. An open offer must be answered first
    (``InvalidTransition``), as must a cancelled or decided one. ``InvalidInput`` on
    ``participation`` for an event that is not hybrid. ``actor`` is an organiser acting
    for the person (checked and audited).
    """
    registration = await get_registration(session, registration_id)
    event = await lock_event(session, registration.event_id)
    await session.refresh(registration)
    if actor is not None:
        actor.ensure_manages(event.programme_id)
    if event.attendance_mode != AttendanceMode.HYBRID:
        raise InvalidInput("participation", "only a hybrid event has two ways to take part")
    if event.status == PublicationStatus.CANCELLED:
        raise EventCancelled("the event was cancelled")
    if now >= event.starts_at:
        raise InvalidTransition("the event has already started")
    status = Status(registration.status)
    if status not in (Status.CONFIRMED, Status.WAITLISTED, Status.APPLIED):
        raise InvalidTransition(f"a registration that is {status.value} cannot switch")
    if registration.participation == to:
        return registration, []
    counts = await held_in_part(session, event, to)
    fits = blocking_limit(event, counts, registration.country, registration.gender, to) is None
    if status is Status.CONFIRMED and not fits:
        raise NoSeatAvailable(f"there is no free {to.value} seat")
    registration.participation = to
    registration.join_token = new_join_token() if to == Participation.ONLINE else None
    registration.updated_at = now
    if status is Status.WAITLISTED:
        if fits and event.mode == RegistrationMode.OPEN:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
        else:
            registration.waitlisted_at = now  # the end of the other line
    await session.flush()
    # The seat left behind goes to the next in line; a free seat in the new part too.
    offers = await fill_vacancies(session, event, now)
    if actor is not None:
        await record(
            session,
            now,
            actor,
            "registration.switch",
            "registration",
            registration.id,
            programme_id=event.programme_id,
            details={"to": to.value},
        )
    await session.commit()
    return registration, offers
