"""Waitlist offers: a freed seat is offered to the first waitlisted person who fits.

For an application-mode event with selection targets, "who fits" also means "keeps the
balance": the seat goes to the first person in line whose promotion misses the targets
by the fewest seats (``events.selection.next_promotion``).

An offer holds its seat until it is accepted, declined or expires; then the next
person in line who fits the capacity and quotas gets one.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.applicants import load_applications
from events.audit import record
from events.enums import (
    SEAT_HOLDING,
    Participation,
    PublicationStatus,
    RegistrationMode,
    RegistrationStatus,
)
from events.errors import EventCancelled, InvalidTransition, NotFound, OfferExpired
from events.models import Event, Registration
from events.outbox.notices import queue_offer_expired, queue_offers
from events.outbox.queue import Kind, withdraw
from events.principals import Principal
from events.seats import (
    SeatCounts,
    blocking_limit,
    held_in_part,
    limits_of,
    part_filter,
    parts_of,
)
from events.selection import next_promotion
from events.store import lock_event
from events.targets import SelectionTargets, targets_of

OFFER_KINDS = (Kind.OFFER, Kind.OFFER_EXPIRING)


def _waiting(event: Event, part: str) -> Select[int]:
    """A count of the people waiting in the line of one part of the event."""
    query = (
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
    )
    if (only := part_filter(event, part)) is not None:
        query = query.where(Registration.participation == only)
    return query


async def waitlist_length(session: AsyncSession, event: Event, part: str) -> int:
    """How many people wait for a seat of this part of the event (a hybrid event's room
    and stream have a line each)."""
    return int(await session.scalar(_waiting(event, part)) or 0)


async def waiting_ahead(session: AsyncSession, event: Event, registration: Registration) -> int:
    """How many people stand before this registration in its line (oldest first, as
    offers go without selection targets)."""
    query = _waiting(event, registration.participation).where(Registration.id != registration.id)
    if registration.waitlisted_at is not None:
        query = query.where(
            or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                and_(
                    Registration.waitlisted_at == registration.waitlisted_at,
                    Registration.id < registration.id,
                ),
            )
        )
    return int(await session.scalar(query) or 0)


async def fill_vacancies(session: AsyncSession, event: Event, now: datetime) -> list[Registration]:
    """Offer every free seat to the longest-waiting people who fit; the caller holds the lock.

    Each part of a hybrid event (room, stream) has its own seats and its own line.
    Someone held back by a full quota keeps their place in line while people behind
    them, who fit, receive the seat.
    """
    if event.status != PublicationStatus.PUBLISHED or now >= event.starts_at:
        return []
    offered: list[Registration] = []
    for part in parts_of(event):
        offered += await _fill_part(session, event, part, now)
    await queue_offers(session, now, offered)
    return offered


async def _fill_part(
    session: AsyncSession, event: Event, part: Participation, now: datetime
) -> list[Registration]:
    counts = await held_in_part(session, event, part)
    capacity = limits_of(event, part).capacity
    if counts.total >= capacity:
        return []
    query = select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.WAITLISTED,
    )
    if (only := part_filter(event, part)) is not None:
        query = query.where(Registration.participation == only)
    waiting = await session.scalars(query.order_by(Registration.waitlisted_at, Registration.id))
    expires_at = min(now + timedelta(hours=event.offer_valid_hours), event.starts_at)
    targets = targets_of(event, part)
    line = list(waiting)
    offered = []
    if event.mode == RegistrationMode.APPLICATION and not targets.is_empty:
        line = await _balanced_line(session, event, part, targets, counts, line)
    for registration in line:
        if counts.total >= capacity:
            break
        if blocking_limit(event, counts, registration.country, registration.gender, part) is None:
            registration.status = RegistrationStatus.OFFERED
            registration.offer_expires_at = expires_at
            registration.updated_at = now
            counts.take(registration.country, registration.gender)
            offered.append(registration)
    return offered


async def _balanced_line(
    session: AsyncSession,
    event: Event,
    part: Participation,
    targets: SelectionTargets,
    counts: SeatCounts,
    waiting: list[Registration],
) -> list[Registration]:
    """The waiting people in the order the free seats should go to them so the event
    keeps its selection targets: each seat to the first person in line who keeps the
    balance best (``selection.next_promotion``) among those the quotas let in."""
    by_id = {registration.id: registration for registration in waiting}
    applications = await load_applications(
        session, event, [*SEAT_HOLDING, RegistrationStatus.WAITLISTED], part_filter(event, part)
    )
    applicant_of = {a.registration.id: a.applicant() for a in applications}
    held = [
        applicant_of[a.registration.id]
        for a in applications
        if a.registration.status in SEAT_HOLDING
    ]
    trial = SeatCounts(counts.total, Counter(counts.by_country), Counter(counts.by_gender))
    line: list[Registration] = []
    left = [registration for registration in waiting if registration.id in applicant_of]
    capacity = limits_of(event, part).capacity
    while left and trial.total < capacity:
        fitting = [
            applicant_of[r.id]
            for r in left
            if blocking_limit(event, trial, r.country, r.gender, part) is None
        ]
        chosen = next_promotion(targets, held, fitting)
        if chosen is None:
            break
        registration = by_id[chosen.key]
        line.append(registration)
        left.remove(registration)
        held.append(chosen)
        trial.take(registration.country, registration.gender)
    return line


async def _locked_offer(
    session: AsyncSession, registration_id: int, actor: Principal | None
) -> tuple[Event, Registration]:
    registration = await session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("registration", registration_id)
    event = await lock_event(session, registration.event_id)
    await session.refresh(registration)
    if actor is not None:
        actor.ensure_manages(event.programme_id)
    if event.status == PublicationStatus.CANCELLED:
        raise EventCancelled("the event was cancelled")
    if registration.status != RegistrationStatus.OFFERED:
        raise InvalidTransition(f"there is no open offer (status {registration.status})")
    return event, registration


async def accept_offer(
    session: AsyncSession,
    now: datetime,
    registration_id: int,
    *,
    actor: Principal | None = None,
) -> Registration:
    """Confirm the seat offered to a waitlisted person.

    Raises ``OfferExpired`` once the offer's time is up (the seat goes to the next
    person at the next expiry run), ``InvalidTransition`` if there is no open offer.
    ``actor`` is the organiser answering on the person's behalf (checked and audited).
    """
    event, registration = await _locked_offer(session, registration_id, actor)
    if registration.offer_expires_at is not None and now >= registration.offer_expires_at:
        raise OfferExpired("the offer has expired")
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.offer_expires_at = None
    registration.updated_at = now
    await withdraw(session, registration_id=registration.id, kinds=OFFER_KINDS)
    if actor is not None:
        await record(
            session,
            now,
            actor,
            "offer.accept",
            "registration",
            registration.id,
            programme_id=event.programme_id,
        )
    await session.commit()
    return registration


async def decline_offer(
    session: AsyncSession,
    now: datetime,
    registration_id: int,
    *,
    actor: Principal | None = None,
) -> list[Registration]:
    """Give the offered seat back; returns the offers this made to the next people."""
    event, registration = await _locked_offer(session, registration_id, actor)
    _release(registration, now, "offer_declined")
    await withdraw(session, registration_id=registration.id, kinds=OFFER_KINDS)
    offers = await fill_vacancies(session, event, now)
    if actor is not None:
        await record(
            session,
            now,
            actor,
            "offer.decline",
            "registration",
            registration.id,
            programme_id=event.programme_id,
        )
    await session.commit()
    return offers


async def expire_offers(session: AsyncSession, now: datetime) -> list[Registration]:
    """Release every offer whose time is up and offer the seats on; returns the new offers."""
    event_ids = (
        await session.scalars(
            select(Registration.event_id)
            .where(
                Registration.status == RegistrationStatus.OFFERED,
                Registration.offer_expires_at <= now,
            )
            .distinct()
        )
    ).all()
    await session.rollback()
    new_offers: list[Registration] = []
    for event_id in event_ids:
        # One short transaction per event keeps SQLite's single writer free for others.
        event = await lock_event(session, event_id)
        expired = await session.scalars(
            select(Registration).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.OFFERED,
                Registration.offer_expires_at <= now,
            )
        )
        released = list(expired)
        for registration in released:
            _release(registration, now, "offer_expired")
            await withdraw(session, registration_id=registration.id, kinds=OFFER_KINDS)
        await queue_offer_expired(session, now, released)
        new_offers.extend(await fill_vacancies(session, event, now))
        await session.commit()
    return new_offers


async def cap_offers(session: AsyncSession, event: Event) -> None:
    """An event moved earlier: no open offer may run past its new start."""
    for registration in await pending_offers(session, event.id):
        expires_at = registration.offer_expires_at
        if expires_at is None or expires_at > event.starts_at:
            registration.offer_expires_at = event.starts_at


def _release(registration: Registration, now: datetime, reason: str) -> None:
    registration.status = RegistrationStatus.CANCELLED
    registration.cancel_reason = reason
    registration.cancelled_at = now
    registration.offer_expires_at = None
    registration.updated_at = now


async def pending_offers(session: AsyncSession, event_id: int) -> Sequence[Registration]:
    rows = await session.scalars(
        select(Registration).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.OFFERED
        )
    )
    return rows.all()
