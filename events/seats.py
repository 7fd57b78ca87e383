"""Capacity and quotas: who may hold one more seat of an event.

Callers hold the event's lock (``store.lock_event``) while they count and change,
so the counts cannot go stale between the check and the write.
"""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import SEAT_HOLDING, RegistrationStatus
from events.models import Event, Registration


class Limit(StrEnum):
    CAPACITY = "capacity"
    COUNTRY_QUOTA = "country_quota"
    GENDER_QUOTA = "gender_quota"


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


async def held_seats(session: AsyncSession, event_id: int) -> SeatCounts:
    rows = await session.execute(
        select(Registration.country, Registration.gender, func.count())
        .where(Registration.event_id == event_id, Registration.status.in_(SEAT_HOLDING))
        .group_by(Registration.country, Registration.gender)
    )
    counts = SeatCounts()
    for country, gender, number in rows:
        counts.total += number
        if country:
            counts.by_country[country] += number
        if gender:
            counts.by_gender[gender] += number
    return counts


def blocking_limit(
    event: Event, counts: SeatCounts, country: str | None, gender: str | None
) -> Limit | None:
    """The limit one more seat for this person would break, or None if it fits.

    A quota bounds only the people it names: countries or genders without a quota
    are limited by the capacity alone, and so is anyone who did not state a gender.
    """
    if counts.total >= event.capacity:
        return Limit.CAPACITY
    country_quota = event.country_quotas.get(country) if country else None
    if country_quota is not None and counts.by_country[country or ""] >= country_quota:
        return Limit.COUNTRY_QUOTA
    gender_quota = event.gender_quotas.get(gender) if gender else None
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
    counts = await held_seats(session, event.id)
    return blocking_limit(event, counts, registration.country, registration.gender)
