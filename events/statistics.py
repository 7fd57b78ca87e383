"""Counts organisers balance their selection with, per event and per programme: by
status, and by country, gender, age band and first-timers (each split by status)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.applicants import first_timers
from events.editions import get_event
from events.eligibility import age_in_event_year
from events.enums import SEAT_HOLDING, PublicationStatus, RegistrationStatus
from events.models import Event, Participant, Programme, Registration
from events.principals import Principal
from events.programmes import get_programme
from events.seats import limits_of, parts_of

UNSPECIFIED = "unspecified"
FIRST_TIMER, RETURNING = "first_timer", "returning"

# Age bands of the statistics (age reached in the event's year), youngest first: the
# programmes are for people of about 18 to 30. Names are stable keys of the API.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("under_18", 0, 17),
    ("18_24", 18, 24),
    ("25_30", 25, 30),
    ("31_35", 31, 35),
    ("36_and_over", 36, 200),
)

# status → count, per value of one attribute
Split = dict[str, dict[str, int]]


def age_band(age: int | None) -> str:
    if age is not None:
        for name, lowest, highest in AGE_BANDS:
            if lowest <= age <= highest:
                return name
    return UNSPECIFIED


@dataclass
class Balance:
    """Registrations counted by status, and by each attribute and status."""

    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RegistrationStatus, 0))
    by_country: Split = field(default_factory=dict)
    by_gender: Split = field(default_factory=dict)
    by_age_band: Split = field(default_factory=dict)
    by_first_timer: Split = field(default_factory=dict)

    def add(self, other: "Balance") -> None:
        for status, number in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + number
        for mine, theirs in (
            (self.by_country, other.by_country),
            (self.by_gender, other.by_gender),
            (self.by_age_band, other.by_age_band),
            (self.by_first_timer, other.by_first_timer),
        ):
            for key, statuses in theirs.items():
                counts = mine.setdefault(key, {})
                for status, number in statuses.items():
                    counts[status] = counts.get(status, 0) + number

    def holding(self, split: Split) -> dict[str, int]:
        """Of one attribute, the people who hold a seat (confirmed, offered, attended,
        did not attend), for each value that has any."""
        held = {
            key: sum(n for s, n in counts.items() if s in SEAT_HOLDING)
            for key, counts in split.items()
        }
        return {key: number for key, number in held.items() if number}


@dataclass
class EventStatistics(Balance):
    event_id: int = 0
    capacity: int = 0
    seats_held: int = 0

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_held, 0)


@dataclass
class ProgrammeStatistics(Balance):
    """Every event of a programme that was not cancelled, counted together, and each."""

    programme_id: int = 0
    slug: str = ""
    capacity: int = 0
    seats_held: int = 0
    events: list[EventStatistics] = field(default_factory=list)


def _sorted(split: defaultdict[str, defaultdict[str, int]], order: Iterable[str] = ()) -> Split:
    keys = [key for key in order if key in split] or sorted(split)
    keys += [key for key in sorted(split) if key not in keys]
    return {key: dict(split[key]) for key in keys}


async def _count(session: AsyncSession, event: Event) -> EventStatistics:
    rows = list(
        await session.execute(
            select(
                Registration.status,
                Registration.country,
                Registration.gender,
                Participant.birth_year,
                Participant.id,
                func.count(),
            )
            .join(Participant, Participant.id == Registration.participant_id)
            .where(Registration.event_id == event.id)
            .group_by(
                Registration.status,
                Registration.country,
                Registration.gender,
                Participant.birth_year,
                Participant.id,
            )
        )
    )
    first = await first_timers(session, event, (row[4] for row in rows))
    by_status: dict[str, int] = dict.fromkeys(RegistrationStatus, 0)
    splits = [defaultdict[str, defaultdict[str, int]](lambda: defaultdict(int)) for _ in range(4)]
    held = 0
    for status, country, gender, birth_year, participant_id, number in rows:
        by_status[status] += number
        age = None if birth_year is None else age_in_event_year(event, birth_year)
        keys = (
            country or UNSPECIFIED,
            gender or UNSPECIFIED,
            age_band(age),
            FIRST_TIMER if participant_id in first else RETURNING,
        )
        for split, key in zip(splits, keys, strict=True):
            split[key][status] += number
        if status in SEAT_HOLDING:
            held += number
    by_country, by_gender, by_age, by_first = splits
    return EventStatistics(
        by_status={str(k): v for k, v in by_status.items()},
        by_country=_sorted(by_country),
        by_gender=_sorted(by_gender),
        by_age_band=_sorted(by_age, [name for name, _low, _high in AGE_BANDS]),
        by_first_timer=_sorted(by_first, [FIRST_TIMER, RETURNING]),
        event_id=event.id,
        # Both parts of a hybrid event: the room's seats and the stream's.
        capacity=sum(limits_of(event, part).capacity for part in parts_of(event)),
        seats_held=held,
    )


async def event_statistics(
    session: AsyncSession, viewer: Principal, event_id: int
) -> EventStatistics:
    """Registration counts of one event the viewer manages; erased people still count
    (their age as unspecified). Raises ``Forbidden``, ``NotFound``."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    return await _count(session, event)


async def programme_statistics(
    session: AsyncSession, viewer: Principal, slug: str
) -> ProgrammeStatistics:
    """The balance of a programme the viewer manages: its events that were not cancelled,
    past ones too, together and one by one (soonest first). Raises ``Forbidden``,
    ``NotFound``."""
    programme = await get_programme(session, slug)
    viewer.ensure_manages(programme.id)
    return await _programme(session, programme)


async def _programme(session: AsyncSession, programme: Programme) -> ProgrammeStatistics:
    events = await session.scalars(
        select(Event)
        .where(Event.programme_id == programme.id, Event.status != PublicationStatus.CANCELLED)
        .order_by(Event.starts_at, Event.id)
    )
    total = ProgrammeStatistics(programme_id=programme.id, slug=programme.slug)
    for event in events:
        counted = await _count(session, event)
        total.add(counted)
        total.capacity += counted.capacity
        total.seats_held += counted.seats_held
        total.events.append(counted)
    return total


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
    return [(event, await _count(session, event)) for event in managed]


async def managed_programme_statistics(
    session: AsyncSession, viewer: Principal, programme_ids: Iterable[int]
) -> list[tuple[Programme, ProgrammeStatistics]]:
    """The balance of each of these programmes that the viewer manages, in the order
    given."""
    found = []
    for programme_id in dict.fromkeys(programme_ids):
        programme = await session.get(Programme, programme_id)
        if programme is not None and viewer.can_manage(programme.id):
            found.append((programme, await _programme(session, programme)))
    return found
