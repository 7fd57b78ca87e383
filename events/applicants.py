"""The applications of an event as selection sees them: the registration, the person,
their age in the event's year and whether they are a first-timer."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.eligibility import age_in_event_year
from events.enums import RegistrationStatus
from events.models import Event, Participant, Registration
from events.selection import Applicant


@dataclass(frozen=True)
class Application:
    registration: Registration
    participant: Participant
    age: int | None
    first_timer: bool

    def applicant(self) -> Applicant:
        return Applicant(
            key=self.registration.id,
            gender=self.registration.gender,
            country=self.registration.country,
            age=self.age,
            first_timer=self.first_timer,
            score=self.registration.review_score,
        )


async def first_timers(
    session: AsyncSession, event: Event, participant_ids: Iterable[int]
) -> set[int]:
    """Of these people, those who never took part in an earlier event (attended it, or
    held a confirmed seat at one that started before this one)."""
    ids = list(set(participant_ids))
    veterans: set[int] = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        rows = await session.scalars(
            select(Registration.participant_id)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.participant_id.in_(chunk),
                Registration.event_id != event.id,
                Registration.status.in_(
                    [RegistrationStatus.ATTENDED, RegistrationStatus.CONFIRMED]
                ),
                Event.starts_at < event.starts_at,
            )
            .distinct()
        )
        veterans.update(rows)
    return set(ids) - veterans


async def load_applications(
    session: AsyncSession,
    event: Event,
    statuses: Iterable[RegistrationStatus] | None = None,
    participation: str | None = None,
) -> list[Application]:
    """The event's registrations (of these statuses, for this participation) with what
    selection looks at."""
    query = (
        select(Registration, Participant)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.created_at, Registration.id)
    )
    if statuses is not None:
        query = query.where(Registration.status.in_(list(statuses)))
    if participation is not None:
        query = query.where(Registration.participation == participation)
    rows = [
        (registration, participant) for registration, participant in await session.execute(query)
    ]
    first = await first_timers(session, event, (p.id for _, p in rows))
    return [
        Application(
            registration,
            participant,
            None
            if participant.birth_year is None
            else age_in_event_year(event, participant.birth_year),
            participant.id in first,
        )
        for registration, participant in rows
    ]
