"""Events of a programme: creation, publication, updates and cancellation (events.editions)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import (
    cancel_event,
    get_event,
    list_events,
    publish_event,
    seats_left,
    update_event,
)
from events.enums import Role
from events.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from events.inputs import EventChanges, ProgrammeChanges
from events.principals import Principal
from events.programmes import update_programme
from events.registrations import register
from tests.factories import create_event, create_participant, create_programme


@pytest.fixture
async def programme_id(session: AsyncSession, now: datetime) -> int:
    return (await create_programme(session, now)).id


@pytest.mark.parametrize(
    ("changes", "moved"),
    [
        pytest.param(lambda e: {"starts_at": e.starts_at + timedelta(hours=2)}, True, id="start"),
        pytest.param(lambda e: {"ends_at": e.ends_at + timedelta(days=1)}, True, id="end"),
        pytest.param(lambda e: {"timezone": "Asia/Yerevan"}, True, id="zone"),
        pytest.param(lambda e: {"venue": "Tbilisi State University"}, True, id="venue"),
        pytest.param(lambda e: {"city": "Batumi"}, True, id="city"),
        pytest.param(lambda e: {"country": "AM", "city": "Dilijan"}, True, id="country"),
        pytest.param(lambda e: {"title": {"en": "Renamed school"}}, False, id="title"),
        pytest.param(lambda e: {"capacity": 40}, False, id="capacity"),
        pytest.param(lambda e: {"starts_at": e.starts_at}, False, id="same-start"),
    ],
)
async def test_sequence_rises_only_when_date_time_or_place_changes(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    changes: Any,
    moved: bool,
) -> None:
    event = await create_event(session, now, "summer-school")
    before = event.sequence

    updated = await update_event(
        session, now, SYSTEM, event.id, EventChanges.model_validate(changes(event))
    )

    assert updated.sequence == before + (1 if moved else 0)
    reloaded = await session.get(type(event), event.id, populate_existing=True)
    assert reloaded is not None
    assert reloaded.sequence == updated.sequence


async def test_same_start_in_another_zone_does_not_move_the_event(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    in_baku = event.starts_at.astimezone(ZoneInfo("Asia/Baku"))

    updated = await update_event(session, now, SYSTEM, event.id, EventChanges(starts_at=in_baku))

    assert updated.sequence == 0


@pytest.mark.parametrize(
    ("changes", "field_hint"),
    [
        pytest.param(
            lambda e: {"ends_at": e.starts_at - timedelta(hours=1)}, "ends_at", id="ends"
        ),
        pytest.param(
            lambda e: {"registration_closes_at": e.starts_at + timedelta(hours=1)},
            "registration",
            id="closes-after-start",
        ),
        pytest.param(lambda e: {"min_age": 30, "max_age": 18}, "min_age", id="ages"),
        pytest.param(lambda e: {"title": {"ru": "Только по-русски"}}, "title", id="no-default"),
    ],
)
async def test_cross_field_rules_hold_after_a_partial_update(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    changes: Any,
    field_hint: str,
) -> None:
    event = await create_event(session, now, "summer-school")
    event_id, starts_at, ends_at = event.id, event.starts_at, event.ends_at

    with pytest.raises(InvalidInput) as raised:
        await update_event(
            session, now, SYSTEM, event_id, EventChanges.model_validate(changes(event))
        )
    await session.rollback()

    assert field_hint in raised.value.detail
    stored = await get_event(session, event_id)
    await session.refresh(stored)
    assert (stored.starts_at, stored.ends_at, stored.min_age, stored.sequence) == (
        starts_at,
        ends_at,
        None,
        0,
    )
    assert stored.title["en"] == "Summer school in Tbilisi"


async def test_explicit_null_clears_an_optional_field(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", min_age=18, max_age=30)

    updated = await update_event(
        session, now, SYSTEM, event.id, EventChanges.model_validate({"min_age": None})
    )

    assert (updated.min_age, updated.max_age) == (None, 30)


async def test_mode_cannot_change_once_people_registered(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    await register(session, now, event.id, person.id)

    with pytest.raises(InvalidInput) as raised:
        await update_event(session, now, SYSTEM, event.id, EventChanges(mode="application"))

    assert raised.value.field == "mode"


async def test_cancelled_event_cannot_be_changed_or_republished(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event_id = (await create_event(session, now, "summer-school")).id
    cancelled = await cancel_event(session, now, SYSTEM, event_id)
    assert (cancelled.status, cancelled.sequence) == ("cancelled", 1)

    with pytest.raises(InvalidTransition):
        await update_event(session, now, SYSTEM, event_id, EventChanges(capacity=5))
    await session.rollback()
    with pytest.raises(InvalidTransition):
        await publish_event(session, now, SYSTEM, event_id)


async def test_events_of_a_draft_programme_cannot_be_published(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    await create_programme(session, now, slug="draft-forum", publish=False)

    event = await create_event(session, now, "draft-forum", publish=False)

    with pytest.raises(InvalidTransition):
        await publish_event(session, now, SYSTEM, event.id)


async def test_slug_must_be_unique(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    await create_event(session, now, "summer-school", slug="tbilisi-2027")

    with pytest.raises(Conflict):
        await create_event(session, now, "summer-school", slug="tbilisi-2027")


async def test_organisers_change_only_their_own_events(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    other = await create_programme(session, now, slug="town-hall", kind="town_hall")
    event = await create_event(session, now, "summer-school")
    outsider = Principal("token:5", Role.ORGANISER, frozenset({other.id}))

    with pytest.raises(Forbidden):
        await update_event(session, now, outsider, event.id, EventChanges(capacity=5))


async def test_drafts_are_listed_only_for_their_organisers(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    published = await create_event(session, now, "summer-school")
    draft = await create_event(session, now, "summer-school", publish=False)
    organiser = Principal("token:1", Role.ORGANISER, frozenset({programme_id}))

    public = await list_events(session)
    managed = await list_events(session, viewer=organiser)

    assert [e.id for e in public] == [published.id]
    assert {e.id for e in managed} == {published.id, draft.id}


async def test_seats_left_counts_every_seat_holder(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", capacity=3)
    for _ in range(2):
        person = await create_participant(session, now)
        await register(session, now, event.id, person.id)

    assert await seats_left(session, event) == 1


async def test_a_start_more_than_five_years_ahead_is_refused(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    far = now + timedelta(days=5 * 366)
    with pytest.raises(InvalidInput) as created:
        await create_event(session, now, "summer-school", starts_at=far)
    await session.rollback()
    event = await create_event(session, now, "summer-school")
    event_id = event.id

    with pytest.raises(InvalidInput) as moved:
        await update_event(
            session,
            now,
            SYSTEM,
            event_id,
            EventChanges(starts_at=far, ends_at=far + timedelta(days=1)),
        )
    await session.rollback()
    # Four years ahead is fine; so is a later edit of anything else, years on.
    soon = now + timedelta(days=4 * 365)
    await update_event(
        session, now, SYSTEM, event_id, EventChanges(starts_at=soon, ends_at=soon + timedelta(1))
    )
    later = now + timedelta(days=3 * 365)
    renamed = await update_event(
        session, later, SYSTEM, event_id, EventChanges(title={"en": "Renamed"})
    )

    for raised in (created, moved):
        assert (raised.value.field, raised.value.detail) == (
            "starts_at",
            "starts_at is more than 5 years ahead",
        )
    assert renamed.title == {"en": "Renamed"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_age": 30, "max_age": 18}, "max_age"),
        ({"default_language": "hy"}, "title.hy"),
        ({"ends_at": datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Tbilisi"))}, "ends_at"),
        ({"multi_week": False, "ends_at": datetime(2027, 6, 1, tzinfo=UTC)}, "ends_at"),
    ],
)
async def test_a_merged_update_names_the_field_a_rule_is_about(
    session: AsyncSession, now: datetime, programme_id: int, changes: Any, field: str
) -> None:
    event = await create_event(session, now, "summer-school")
    with pytest.raises(InvalidInput) as raised:
        await update_event(session, now, SYSTEM, event.id, EventChanges.model_validate(changes))
    assert raised.value.field == field


async def test_a_programme_change_without_a_default_title_is_invalid_input(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await update_programme(
            session, now, SYSTEM, "summer-school", ProgrammeChanges(default_language="az")
        )
    assert (raised.value.field, raised.value.detail) == (
        "title.az",
        "title needs a text in the default language 'az'",
    )
