"""Capacity and quotas: who may hold one more seat of an event.

A hybrid event has two parts, the room and the stream, each with its own capacity,
quotas and waiting line; an event in person or online only has one. Every count and
check is per part (``Participation``): a registration holds or waits for a seat of its
own part only.

Callers hold the event's lock (``store.lock_event``) while they count and change,
so the counts cannot go stale between the check and the write.
"""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import SEAT_HOLDING, AttendanceMode, Participation, RegistrationStatus
from events.errors import InvalidInput
from events.models import Event, Registration


class Limit(StrEnum):
    CAPACITY = "capacity"
    COUNTRY_QUOTA = "country_quota"
    GENDER_QUOTA = "gender_quota"


@dataclass(frozen=True)
class SeatLimits:
    """The seats of one part of an event: its capacity and the quotas within it."""

    capacity: int
    country_quotas: dict[str, int]
    gender_quotas: dict[str, int]


def parts_of(event: Event) -> tuple[Participation, ...]:
    """The parts an event has seats for: both for a hybrid event, else its only one."""
    if event.attendance_mode == AttendanceMode.HYBRID:
        return (Participation.IN_PERSON, Participation.ONLINE)
    if event.attendance_mode == AttendanceMode.ONLINE:
        return (Participation.ONLINE,)
    return (Participation.IN_PERSON,)


def limits_of(event: Event, part: str | None = None) -> SeatLimits:
    """The capacity and quotas of one part; None (or the only part) is the event's own.

    Only the online part of a hybrid event has limits of its own (``online_*``).
    """
    if part == Participation.ONLINE and event.attendance_mode == AttendanceMode.HYBRID:
        return SeatLimits(
            event.online_capacity or 0,
            dict(event.online_country_quotas),
            dict(event.online_gender_quotas),
        )
    return SeatLimits(event.capacity, dict(event.country_quotas), dict(event.gender_quotas))


def choose_part(event: Event, asked: str | None) -> Participation:
    """The part a new registration is for: the one asked for at a hybrid event (which
    must be asked), else the event's only part. ``InvalidInput`` on ``participation``
    for a missing or impossible choice."""
    parts = parts_of(event)
    if asked is None:
        if len(parts) > 1:
            raise InvalidInput("participation", "choose in_person or online: this event is hybrid")
        return parts[0]
    if asked not in parts:
        raise InvalidInput("participation", f"this event has no {asked} part")
    return Participation(asked)


def part_filter(event: Event, part: str | None) -> str | None:
    """The participation to count by: a hybrid event's part, else None (every seat)."""
    return part if event.attendance_mode == AttendanceMode.HYBRID else None


@dataclass
class SeatCounts:
    total: int = 0
    by_country: Counter[str] = field(default_factory=Counter)
    by_gender: Counter[str] = field(default_factory=Counter)

    def take(self, country: str | None, gender: str | None) -> None:
        self.total += 1
        if country:
            self.by_country[country] += 1
        if gender:
            self.by_gender[gender] += 1


async def held_seats(session: AsyncSession, event_id: int, part: str | None = None) -> SeatCounts:
    """Seats held at an event, of one part only when ``part`` is given."""
    query = select(Registration.country, Registration.gender, func.count()).where(
        Registration.event_id == event_id, Registration.status.in_(SEAT_HOLDING)
    )
    if part is not None:
        query = query.where(Registration.participation == part)
    rows = await session.execute(query.group_by(Registration.country, Registration.gender))
    counts = SeatCounts()
    for country, gender, number in rows:
        counts.total += number
        if country:
            counts.by_country[country] += number
        if gender:
            counts.by_gender[gender] += number
    return counts


async def held_in_part(session: AsyncSession, event: Event, part: str | None) -> SeatCounts:
    """Seats held in one part of an event (every seat of a single-part event)."""
    return await held_seats(session, event.id, part_filter(event, part))


def blocking_limit(
    event: Event,
    counts: SeatCounts,
    country: str | None,
    gender: str | None,
    part: str | None = None,
) -> Limit | None:
    """The limit one more seat for this person in ``part`` would break, or None if it fits
    (``counts`` are that part's).

    A quota bounds only the people it names: countries or genders without a quota
    are limited by the capacity alone, and so is anyone who did not state a gender.
    """
    limits = limits_of(event, part)
    if counts.total >= limits.capacity:
        return Limit.CAPACITY
    country_quota = limits.country_quotas.get(country) if country else None
    if country_quota is not None and counts.by_country[country or ""] >= country_quota:
        return Limit.COUNTRY_QUOTA
    gender_quota = limits.gender_quotas.get(gender) if gender else None
    if gender_quota is not None and counts.by_gender[gender or ""] >= gender_quota:
        return Limit.GENDER_QUOTA
    return None


async def held_back_by(session: AsyncSession, registration: Registration) -> Limit | None:
    """Which limit keeps a waitlisted registration from a seat now, so the person can be
    told the truth ("your country's seats are taken" while others are still free); None
    for a registration that is not waiting, or that nothing holds back any more."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    event = await session.get(Event, registration.event_id)
    if event is None:
        return None
    part = registration.participation
    counts = await held_in_part(session, event, part)
    return blocking_limit(event, counts, registration.country, registration.gender, part)
