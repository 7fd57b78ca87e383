"""Who is an alumnus of which edition.

An edition is one event of a programme. Everyone checked in (or marked attended) at an
event becomes an alumnus of it when the event completes (``record_attendees``, called
by ``events.editions.complete_past_events`` in the same transaction).
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.errors import NotAnAlumnus
from events.alumni.visibility import Memberships
from events.dialects import insert_for
from events.enums import RegistrationStatus
from events.models import Alumnus, Event, Registration

ATTENDED = "attended"
IMPORTED = "imported"


async def record_attendees(session: AsyncSession, now: datetime, event: Event) -> int:
    """Make everyone who attended ``event`` an alumnus of it (not committed); someone
    already recorded (an import, a second run) is left as they are."""
    attendees = (
        await session.scalars(
            select(Registration.participant_id).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.ATTENDED,
            )
        )
    ).all()
    return await enrol_alumni(session, now, event, list(attendees), ATTENDED)


async def enrol_alumni(
    session: AsyncSession, now: datetime, event: Event, participant_ids: list[int], source: str
) -> int:
    """Make these people confirmed alumni of ``event`` (not committed); those already
    recorded are left as they are."""
    if not participant_ids:
        return 0
    statement = insert_for(session, Alumnus).on_conflict_do_nothing(
        index_elements=["event_id", "participant_id"]
    )
    rows = [
        {
            "event_id": event.id,
            "programme_id": event.programme_id,
            "participant_id": participant_id,
            "source": source,
            "name": "",
            "created_at": now,
            "confirmed_at": now,
        }
        for participant_id in participant_ids
    ]
    await session.execute(statement, rows)
    return len(rows)


async def memberships_of(session: AsyncSession, participant_id: int) -> Memberships:
    """The editions and programmes a person is a confirmed alumnus of."""
    rows = await session.execute(
        select(Alumnus.event_id, Alumnus.programme_id).where(
            Alumnus.participant_id == participant_id, Alumnus.confirmed_at.is_not(None)
        )
    )
    return Memberships.of((event_id, programme_id) for event_id, programme_id in rows)


async def memberships_of_many(
    session: AsyncSession, participant_ids: list[int]
) -> dict[int, Memberships]:
    rows = await session.execute(
        select(Alumnus.participant_id, Alumnus.event_id, Alumnus.programme_id).where(
            Alumnus.participant_id.in_(participant_ids), Alumnus.confirmed_at.is_not(None)
        )
    )
    pairs: dict[int, list[tuple[int, int]]] = {pid: [] for pid in participant_ids}
    for participant_id, event_id, programme_id in rows:
        if participant_id is not None:
            pairs[participant_id].append((event_id, programme_id))
    return {pid: Memberships.of(found) for pid, found in pairs.items()}


async def alumnus_memberships(session: AsyncSession, participant_id: int | None) -> Memberships:
    """A person's memberships; ``NotAnAlumnus`` if they have none."""
    if participant_id is None:
        raise NotAnAlumnus("the alumni network is for people who attended an event")
    found = await memberships_of(session, participant_id)
    if not found.is_alumnus:
        raise NotAnAlumnus("the alumni network is for people who attended an event")
    return found


async def attended_events(session: AsyncSession, event_ids: frozenset[int]) -> list[Event]:
    """The events (editions) with these ids, oldest first."""
    if not event_ids:
        return []
    rows = await session.scalars(
        select(Event).where(Event.id.in_(sorted(event_ids))).order_by(Event.starts_at, Event.id)
    )
    return list(rows)


async def cohort_groups(session: AsyncSession, participant_id: int) -> list[Event]:
    """The editions a person is a confirmed alumnus of that have a group, oldest first:
    its link is for them only."""
    editions = (await memberships_of(session, participant_id)).editions
    return [event for event in await attended_events(session, editions) if event.cohort_link]
