"""Balance statistics and rosters organisers select with (events.statistics, events.rosters)."""

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.enums import Gender, RegistrationStatus, Role
from events.errors import Forbidden
from events.principals import Principal
from events.registrations import register
from events.rosters import RosterFilter, roster
from events.statistics import event_statistics
from tests.factories import create_event, create_participant, create_programme


async def _event_with_people(session: AsyncSession, now: datetime) -> int:
    """Two seats; three Armenians (two women), one Georgian man, one Azerbaijani unstated."""
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", capacity=2)
    for country, gender in [
        ("AM", "female"),
        ("GE", "male"),
        ("AM", "female"),
        ("AZ", None),
        ("AM", "male"),
    ]:
        person = await create_participant(session, now, country=country, gender=gender)
        await register(session, now, event.id, person.id)
    return event.id


async def test_statistics_count_by_status_country_and_gender(
    session: AsyncSession, now: datetime
) -> None:
    event_id = await _event_with_people(session, now)

    stats = await event_statistics(session, SYSTEM, event_id)

    assert (stats.capacity, stats.seats_held, stats.seats_left) == (2, 2, 0)
    assert stats.by_status["confirmed"] == 2
    assert stats.by_status["waitlisted"] == 3
    assert stats.by_status["rejected"] == 0
    assert stats.by_country == {
        "AM": {"confirmed": 1, "waitlisted": 2},
        "AZ": {"waitlisted": 1},
        "GE": {"confirmed": 1},
    }
    assert stats.by_gender == {
        "female": {"confirmed": 1, "waitlisted": 1},
        "male": {"confirmed": 1, "waitlisted": 1},
        "unspecified": {"waitlisted": 1},
    }


async def test_roster_filters_and_keeps_registration_order(
    session: AsyncSession, now: datetime
) -> None:
    event_id = await _event_with_people(session, now)

    everyone = await roster(session, SYSTEM, event_id, RosterFilter())
    armenian_women = await roster(
        session, SYSTEM, event_id, RosterFilter(country="AM", gender=Gender.FEMALE)
    )
    waiting = await roster(
        session, SYSTEM, event_id, RosterFilter(status=RegistrationStatus.WAITLISTED)
    )

    assert [p.country for _r, p in everyone] == ["AM", "GE", "AM", "AZ", "AM"]
    assert [(r.status, p.gender) for r, p in armenian_women] == [
        ("confirmed", "female"),
        ("waitlisted", "female"),
    ]
    assert [p.country for _r, p in waiting] == ["AM", "AZ", "AM"]


async def test_other_organisers_see_neither(session: AsyncSession, now: datetime) -> None:
    event_id = await _event_with_people(session, now)
    other = await create_programme(session, now, slug="forum", kind="economic_forum")
    outsider = Principal("token:2", Role.ORGANISER, frozenset({other.id}))

    with pytest.raises(Forbidden):
        await event_statistics(session, outsider, event_id)
    with pytest.raises(Forbidden):
        await roster(session, outsider, event_id, RosterFilter())
