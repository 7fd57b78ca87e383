"""Recurring series: RRULE expansion, exceptions, materialised events, and their feed."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.enums import PublicationStatus, RegistrationStatus, Role
from events.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from events.feeds.cache import FeedCache
from events.feeds.kinds import FeedKind, FeedRequest
from events.feeds.render import Links
from events.feeds.serve import get_feed
from events.field_errors import error_path
from events.models import Event
from events.principals import Principal
from events.registrations import register
from events.series import (
    cancel_occurrence,
    create_series,
    extend_series,
    get_occurrence,
    move_occurrence,
    occurrences,
    publish_series,
)
from events.series_inputs import OccurrenceMove, SeriesDraft
from scheduler.jobs import materialise_series
from tests.calendar_readers import Feed, read_feed, start_of
from tests.factories import create_event, create_participant, create_programme

TBILISI = ZoneInfo("Asia/Tbilisi")
# The last Thursdays of 2027 up to the end of November, but 25 March.
TOWN_HALL_DATES = [
    date(2027, 1, 28),
    date(2027, 2, 25),
    date(2027, 4, 29),
    date(2027, 5, 27),
    date(2027, 6, 24),
    date(2027, 7, 29),
    date(2027, 8, 26),
    date(2027, 9, 30),
    date(2027, 10, 28),
    date(2027, 11, 25),
]


def town_hall(**overrides: Any) -> SeriesDraft:
    """Every last Thursday of the month at 18:00 Tbilisi time, but 25 March 2027."""
    fields: dict[str, Any] = {
        "slug": "town-hall",
        "title": {"en": "Town hall debate", "ka": "საქალაქო დებატები"},
        "description": {"en": "Open debate; everyone welcome."},
        "rrule": "FREQ=MONTHLY;BYDAY=-1TH",
        "starts_on": "2027-01-01",
        "start_time": "18:00",
        "timezone": "Asia/Tbilisi",
        "duration_minutes": 120,
        "exceptions": ["2027-03-25"],
        "venue": "Public library",
        "city": "Tbilisi",
        "country": "GE",
        "capacity": 80,
    }
    fields.update(overrides)
    return SeriesDraft.model_validate(fields)


async def programme(session: AsyncSession, now: datetime) -> str:
    created = await create_programme(session, now, "town-halls", kind="town_hall")
    return created.slug


async def programme_feed(session: AsyncSession) -> Feed:
    request = FeedRequest(FeedKind.PROGRAMME, "town-halls")
    rendered = await get_feed(session, FeedCache(), request, Links("https://rb.example"))
    return read_feed(rendered.body)


def at_six(day: date) -> datetime:
    return datetime.combine(day, time(18), tzinfo=TBILISI)


def rule_calendar(rule: str, first: date, exceptions: list[date]) -> icalendar.Calendar:
    """The same series written the iCalendar way, as an independent oracle."""
    event = icalendar.Event()
    event.add("uid", "oracle@test")
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    event.add("dtstart", at_six(first))
    event.add("duration", timedelta(hours=2))
    event.add("rrule", icalendar.vRecur.from_ical(rule))
    for day in exceptions:
        event.add("exdate", at_six(day))
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//oracle//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


async def test_monthly_series_with_an_exception(session: AsyncSession, now: datetime) -> None:
    slug = await programme(session, now)

    series = await create_series(session, now, SYSTEM, slug, town_hall())
    await publish_series(session, now, SYSTEM, series.slug)

    events = await occurrences(session, series)
    assert [event.occurrence_on for event in events] == TOWN_HALL_DATES
    assert [event.starts_at for event in events] == [at_six(day) for day in TOWN_HALL_DATES]
    assert {event.ends_at - event.starts_at for event in events} == {timedelta(hours=2)}
    assert {event.status for event in events} == {PublicationStatus.PUBLISHED}
    assert events[0].slug == "town-hall-2027-01-28"
    assert len({event.calendar_uid for event in events}) == len(events)

    # The feed holds exactly these, as recurring-ical-events sees them between two dates.
    feed = await programme_feed(session)
    window = (date(2027, 2, 1), date(2027, 6, 1))
    expected = [at_six(day) for day in (date(2027, 2, 25), date(2027, 4, 29), date(2027, 5, 27))]
    assert feed.starts_between(*window) == expected
    # The same rule written as RRULE + EXDATE and expanded by recurring-ical-events agrees.
    oracle = Feed(rule_calendar(series.rrule, date(2027, 1, 28), [date(2027, 3, 25)]), "")
    assert oracle.starts_between(*window) == expected
    assert oracle.starts_between(date(2026, 11, 28), date(2027, 11, 28)) == [
        at_six(day) for day in TOWN_HALL_DATES
    ]


async def test_count_applies_before_the_exceptions(session: AsyncSession, now: datetime) -> None:
    slug = await programme(session, now)
    draft = town_hall(rrule="FREQ=MONTHLY;BYDAY=-1TH;COUNT=4", exceptions=["2027-02-25"])

    series = await create_series(session, now, SYSTEM, slug, draft)

    expected = [date(2027, 1, 28), date(2027, 3, 25), date(2027, 4, 29)]
    assert [event.occurrence_on for event in await occurrences(session, series)] == expected
    oracle = Feed(rule_calendar(series.rrule, date(2027, 1, 28), [date(2027, 2, 25)]), "")
    assert oracle.starts_between(date(2027, 1, 1), date(2028, 1, 1)) == [
        at_six(day) for day in expected
    ]


async def test_until_is_stored_in_utc(session: AsyncSession, now: datetime) -> None:
    slug = await programme(session, now)
    draft = town_hall(rrule="rrule:freq=monthly;until=20270630;byday=-1th", exceptions=[])
    assert draft.rrule == "FREQ=MONTHLY;UNTIL=20270630T195959Z;BYDAY=-1TH"

    series = await create_series(session, now, SYSTEM, slug, draft)

    expected = [
        date(2027, month, day)
        for month, day in ((1, 28), (2, 25), (3, 25), (4, 29), (5, 27), (6, 24))
    ]
    assert [event.occurrence_on for event in await occurrences(session, series)] == expected
    oracle = Feed(rule_calendar(series.rrule, date(2027, 1, 28), []), "")
    assert oracle.starts_between(date(2027, 1, 1), date(2028, 1, 1)) == [
        at_six(day) for day in expected
    ]


async def test_cancelled_and_moved_occurrences_in_the_feed(
    session: AsyncSession, now: datetime
) -> None:
    slug = await programme(session, now)
    series = await create_series(session, now, SYSTEM, slug, town_hall())
    await publish_series(session, now, SYSTEM, series.slug)
    later = now + timedelta(days=1)
    moved_uid = (await get_occurrence(session, "town-hall", date(2027, 5, 27))).calendar_uid

    cancelled = await cancel_occurrence(session, later, SYSTEM, "town-hall", date(2027, 4, 29))
    moved = await move_occurrence(
        session,
        later,
        SYSTEM,
        "town-hall",
        date(2027, 5, 27),
        OccurrenceMove(starts_at=datetime(2027, 5, 28, 19, tzinfo=TBILISI)),
    )

    assert moved.calendar_uid == moved_uid
    assert moved.ends_at == datetime(2027, 5, 28, 21, tzinfo=TBILISI)
    assert moved.occurrence_on == date(2027, 5, 27)  # the rule's date stays
    feed = await programme_feed(session)
    between = feed.starts_between(date(2027, 4, 1), date(2027, 6, 1))
    assert between == [at_six(date(2027, 4, 29)), datetime(2027, 5, 28, 19, tzinfo=TBILISI)]
    gone, shifted = feed.event(cancelled.calendar_uid), feed.event(moved_uid)
    assert (str(gone["STATUS"]), gone.sequence) == ("CANCELLED", 1)
    assert (str(shifted["STATUS"]), shifted.sequence) == ("CONFIRMED", 1)
    assert start_of(shifted) == datetime(2027, 5, 28, 19, tzinfo=TBILISI)
    attendable = [
        start_of(event)
        for event in feed.events
        if str(event["STATUS"]) != "CANCELLED" and date(2027, 4, 1) <= start_of(event).date()
    ]
    assert attendable[:2] == [datetime(2027, 5, 28, 19, tzinfo=TBILISI), at_six(date(2027, 6, 24))]

    # Neither comes back when the series is extended.
    assert await extend_series(session, later + timedelta(days=40)) == 1  # December 2027
    dates = [event.occurrence_on for event in await occurrences(session, series)]
    assert dates == [*TOWN_HALL_DATES, date(2027, 12, 30)]


async def test_occurrences_are_events_people_register_for(
    session: AsyncSession, now: datetime
) -> None:
    slug = await programme(session, now)
    series = await create_series(session, now, SYSTEM, slug, town_hall(capacity=1))
    first = (await occurrences(session, series))[0]
    assert first.status == PublicationStatus.DRAFT

    await publish_series(session, now, SYSTEM, series.slug)
    person = await create_participant(session, now)
    other = await create_participant(session, now)

    mine = await register(session, now, first.id, person.id)
    theirs = await register(session, now, first.id, other.id)
    assert (mine.status, theirs.status) == (RegistrationStatus.CONFIRMED, "waitlisted")


async def test_extension_follows_the_horizon(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, now: datetime
) -> None:
    slug = await programme(session, now)
    draft = town_hall(starts_on="2026-12-01", exceptions=[], horizon_months=2)
    series = await create_series(session, now, SYSTEM, slug, draft)
    assert [e.occurrence_on for e in await occurrences(session, series)] == [date(2026, 12, 31)]

    month_later = now + timedelta(days=30)
    await session.commit()  # SQLite has one connection: the job needs it
    await materialise_series(sessionmaker, month_later)  # the scheduler's job
    assert await extend_series(session, month_later) == 0
    dates = [e.occurrence_on for e in await occurrences(session, series)]
    assert dates == [date(2026, 12, 31), date(2027, 1, 28), date(2027, 2, 25)]
    # Extended occurrences of a draft series are drafts too.
    assert {e.status for e in await occurrences(session, series)} == {PublicationStatus.DRAFT}


async def test_publishing_needs_a_published_programme(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "town-halls", kind="town_hall", publish=False)
    series = await create_series(session, now, SYSTEM, "town-halls", town_hall())
    with pytest.raises(InvalidTransition):
        await publish_series(session, now, SYSTEM, series.slug)


async def test_slugs_must_be_free(session: AsyncSession, now: datetime) -> None:
    slug = await programme(session, now)
    await create_series(session, now, SYSTEM, slug, town_hall())
    with pytest.raises(Conflict):
        await create_series(session, now, SYSTEM, slug, town_hall())
    await create_event(session, now, slug, slug="debate-2027-01-28")
    with pytest.raises(Conflict):
        await create_series(session, now, SYSTEM, slug, town_hall(slug="debate"))


async def test_only_its_organisers_create_a_series(session: AsyncSession, now: datetime) -> None:
    slug = await programme(session, now)
    stranger = Principal(actor="token:9", role=Role.ORGANISER, programme_ids=frozenset({999}))
    with pytest.raises(Forbidden):
        await create_series(session, now, stranger, slug, town_hall())


async def test_a_rule_with_nothing_in_the_horizon_is_refused(
    session: AsyncSession, now: datetime
) -> None:
    slug = await programme(session, now)
    with pytest.raises(InvalidInput) as raised:
        await create_series(
            session, now, SYSTEM, slug, town_hall(starts_on="2028-06-01", exceptions=[])
        )
    assert raised.value.field == "rrule"
    with pytest.raises(InvalidInput):
        await create_series(
            session, now, SYSTEM, slug, town_hall(rrule="FREQ=DAILY", horizon_months=24)
        )
    assert await session.scalar(select(Event.id).limit(1)) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rrule": "FREQ=HOURLY"}, "FREQ must be one of"),
        ({"rrule": "FREQ=MONTHLY;BYHOUR=9"}, "BYHOUR is not allowed"),
        ({"rrule": "FREQ=MONTHLY;COUNT=3;UNTIL=20271231"}, "COUNT and UNTIL"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=-1XX"}, "not a valid RRULE"),
        ({"rrule": "FREQ=MONTHLY;INTERVAL=0"}, "INTERVAL must be"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "no occurrence"),
        ({"rrule": "FREQ=MONTHLY\nDTSTART:20270101"}, "one RRULE line only"),
        ({"rrule": "FREQ=MONTHLY;BYMONTHDAY=32"}, "BYMONTHDAY values"),
        ({"exceptions": ["2027-03-24"]}, "no occurrence on 2027-03-24"),
        ({"start_time": "18:00+04:00"}, "without an offset"),
        ({"timezone": "Asia/Nowhere"}, "not an IANA time zone"),
        ({"title": {"ru": "Дебаты"}}, "default language"),
    ],
)
def test_bad_series_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        town_hall(**overrides)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        # The end of year 9999 in New York is in year 10000 in UTC: refused, not a crash.
        ({"rrule": "FREQ=MONTHLY;UNTIL=99991231", "timezone": "America/New_York"}, "rrule"),
        ({"rrule": "FREQ=MONTHLY;UNTIL=21000101T000000Z"}, "rrule"),
        ({"exceptions": ["2027-03-24"]}, "exceptions"),
        ({"starts_on": "1999-12-30", "exceptions": []}, "starts_on"),
        ({"title": {"ru": "Дебаты"}}, "title.en"),
        ({"min_age": 30, "max_age": 20}, "max_age"),
    ],
)
def test_bad_series_name_their_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        town_hall(**overrides)
    assert [".".join(error_path(error)) for error in raised.value.errors()] == [field]


async def test_a_series_starts_at_most_five_years_ahead(
    session: AsyncSession, now: datetime
) -> None:
    slug = await programme(session, now)
    with pytest.raises(InvalidInput) as raised:
        await create_series(
            session, now, SYSTEM, slug, town_hall(starts_on="2032-01-01", exceptions=[])
        )
    assert (raised.value.field, raised.value.detail) == (
        "starts_on",
        "starts_on is more than 5 years ahead",
    )


@pytest.mark.parametrize(
    ("move", "field"),
    [
        ({"starts_at": "9999-12-31T19:00:00-05:00"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:30:00+04:00"}, "starts_at"),
        (
            {"starts_at": "2027-05-01T18:00:00+04:00", "ends_at": "2027-05-01T17:00:00+04:00"},
            "ends_at",
        ),
    ],
)
def test_a_move_is_bounded_and_names_its_field(move: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        OccurrenceMove.model_validate(move)
    assert [".".join(error_path(error)) for error in raised.value.errors()] == [field]
