"""``redbridge demo``: realistic, translated, published, and loaded only once."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from events.access import SYSTEM
from events.enums import PublicationStatus, RegistrationMode
from events.feedback.results import programme_feedback
from events.feeds.render import Links
from events.languages import LANGUAGES
from events.models import (
    AlumniProfile,
    Alumnus,
    AuditEntry,
    Event,
    FeedbackAnswer,
    Participant,
    Programme,
    Series,
)
from events.questions import questions_of, validate_answers
from events.store import create_engine, create_sessionmaker
from redbridge.demo import load_demo
from redbridge.demo.alumni import ALUMNI
from redbridge.demo.feedback import ANSWERS
from redbridge.settings import Settings
from tests.calendar_readers import read_feed, start_of
from tests.support.served import served

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PROGRAMMES = {
    "youth-summer-school",
    "economic-forum",
    "civil-society-exchange-visits",
    "joint-concerts",
    "town-halls",
}
ZONES = {"GE": "Asia/Tbilisi", "AM": "Asia/Yerevan", "AZ": "Asia/Baku"}


def _settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _programmes(session: AsyncSession) -> dict[str, Programme]:
    return {p.slug: p for p in await session.scalars(select(Programme))}


async def _events(session: AsyncSession, programme: Programme) -> Sequence[Event]:
    rows = await session.scalars(
        select(Event).where(Event.programme_id == programme.id).order_by(Event.starts_at)
    )
    return rows.all()


def _complete(texts: dict[str, Any]) -> bool:
    return set(texts) == set(LANGUAGES) and all(
        isinstance(text, str) and text.strip() for text in texts.values()
    )


async def test_demo_creates_published_programmes_and_events(tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    summary = await load_demo(settings, NOW)

    assert "5 programmes and 13 events created and published" in summary
    async with _session(settings) as session:
        programmes = await _programmes(session)
        assert set(programmes) == PROGRAMMES
        for programme in programmes.values():
            assert programme.status == PublicationStatus.PUBLISHED
            events = await _events(session, programme)
            assert events, programme.slug
            # Last summer's school is there too, completed, for the alumni network.
            events = [e for e in events if e.status != PublicationStatus.COMPLETED]
            for event in events:
                assert event.status == PublicationStatus.PUBLISHED
                assert event.starts_at > NOW
                assert event.starts_at.tzinfo is not None
                assert event.timezone == ZONES[event.country], event.slug


async def test_every_text_is_in_all_five_languages(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)

    async with _session(settings) as session:
        for programme in (await _programmes(session)).values():
            assert _complete(programme.title), programme.slug
            assert _complete(programme.description), programme.slug
            for event in await _events(session, programme):
                assert _complete(event.title), event.slug
                assert _complete(event.description), event.slug
                assert "{" not in "".join(event.description.values()), event.slug
                for question in questions_of(event.questions):
                    assert _complete(question.prompt), (event.slug, question.key)
                    for choice in question.choices:
                        assert _complete(choice.label), (event.slug, choice.key)


async def test_summer_school_is_balanced_and_selective(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)

    async with _session(settings) as session:
        [past, school] = await _events(
            session, (await _programmes(session))["youth-summer-school"]
        )
    assert (past.slug, past.status) == ("youth-summer-school-2026", PublicationStatus.COMPLETED)
    assert school.slug == "youth-summer-school-2027"
    assert school.country == "GE"
    assert school.timezone == "Asia/Tbilisi"
    assert school.mode == RegistrationMode.APPLICATION
    assert (school.min_age, school.max_age) == (18, 30)
    assert sorted(school.eligible_countries) == ["AM", "AZ", "GE"]
    assert set(school.country_quotas) == {"AM", "AZ", "GE"}
    assert len(set(school.country_quotas.values())) == 1
    assert sum(school.country_quotas.values()) == school.capacity
    assert school.gender_quotas == {"female": school.capacity // 2, "male": school.capacity // 2}
    assert sum(school.gender_quotas.values()) == school.capacity
    assert school.registration_closes_at is not None
    assert NOW < school.registration_closes_at < school.starts_at
    questions = questions_of(school.questions)
    assert [q.kind.value for q in questions] == ["text", "choice", "yes_no"]
    # The questions accept answers the bot would send.
    answers = validate_answers(
        questions, {"motivation": "I study economics.", "track": "environment", "support": "no"}
    )
    assert answers == {
        "motivation": "I study economics.",
        "track": "environment",
        "support": False,
    }


async def test_forum_rotates_tbilisi_yerevan_baku(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)

    async with _session(settings) as session:
        editions = await _events(session, (await _programmes(session))["economic-forum"])
    assert [e.slug for e in editions] == [
        "economic-forum-2027-tbilisi",
        "economic-forum-2028-yerevan",
        "economic-forum-2029-baku",
    ]
    assert [(e.city["en"], e.country, e.timezone) for e in editions] == [
        ("Tbilisi", "GE", "Asia/Tbilisi"),
        ("Yerevan", "AM", "Asia/Yerevan"),
        ("Baku", "AZ", "Asia/Baku"),
    ]
    assert all(e.mode == RegistrationMode.OPEN for e in editions)
    for edition in editions:
        local = edition.starts_at.astimezone(ZoneInfo(edition.timezone))
        assert local.time() == time(9, 30)
        assert local.month == 10


async def test_exchange_visits_concert_and_town_halls(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)

    async with _session(settings) as session:
        programmes = await _programmes(session)
        visits = await _events(session, programmes["civil-society-exchange-visits"])
        [concert] = await _events(session, programmes["joint-concerts"])
        town_halls = await _events(session, programmes["town-halls"])

    by_slug = {visit.slug: visit for visit in visits}
    to_yerevan = by_slug["exchange-visit-baku-yerevan"]
    to_baku = by_slug["exchange-visit-yerevan-baku"]
    assert (to_yerevan.city["en"], to_yerevan.eligible_countries) == ("Yerevan", ["AZ"])
    assert (to_baku.city["en"], to_baku.eligible_countries) == ("Baku", ["AM"])
    for visit in visits:
        assert visit.mode == RegistrationMode.APPLICATION
        assert visit.capacity <= 12

    assert (concert.city["en"], concert.country, concert.mode) == ("Tbilisi", "GE", "open")
    assert concert.capacity >= 300

    # Three series (one per host), one town hall a month between them, in turn.
    assert [hall.slug for hall in town_halls] == [
        "town-hall-baku-2026-12-10",  # moved a week later: the slug keeps the rule's date
        "town-hall-tbilisi-2027-01-14",
        "town-hall-yerevan-2027-02-11",
        "town-hall-baku-2027-03-11",
        "town-hall-tbilisi-2027-04-08",
        "town-hall-yerevan-2027-05-13",
    ]
    months = [hall.starts_at.astimezone(ZoneInfo(hall.timezone)) for hall in town_halls]
    assert [(m.year, m.month) for m in months] == [(2026, 12)] + [(2027, n) for n in range(1, 6)]
    for hall, local in zip(town_halls, months, strict=True):
        assert local.time() == time(18, 0)
        assert hall.mode == RegistrationMode.OPEN
        assert "University" in hall.venue["en"]


async def test_places_are_translated_into_every_language(tmp_path: Path) -> None:
    """Venues and cities come in the five languages, the city not repeated in the venue."""
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)

    async with _session(settings) as session:
        events = list(await session.scalars(select(Event)))
    assert events
    for event in events:
        assert set(event.city) == set(LANGUAGES), event.slug
        assert set(event.venue) in (set(), set(LANGUAGES)), event.slug
        for language, venue in event.venue.items():
            assert event.city[language] not in venue or "University" in event.venue["en"]
    yerevan = next(event for event in events if event.city["en"] == "Yerevan")
    assert (yerevan.city["hy"], yerevan.city["az"], yerevan.city["ka"]) == (
        "Երևան",
        "İrəvan",
        "ერევანი",
    )


async def _row_counts(settings: Settings) -> tuple[int, int, int]:
    async with _session(settings) as session:
        counts = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (Programme, Event, AuditEntry)
        ]
    programmes, events, audit = (count or 0 for count in counts)
    return programmes, events, audit


async def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)
    before = await _row_counts(settings)

    again = await load_demo(settings, NOW)
    # A month later the dates would differ, yet the demo is still recognised as loaded.
    later = await load_demo(settings, NOW + timedelta(days=31))

    assert "already there" in again
    assert "nothing was changed" in later
    assert await _row_counts(settings) == before


async def test_loading_finishes_an_interrupted_run(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)
    async with _session(settings) as session:
        forum = (await _programmes(session))["economic-forum"]
        [first, *_rest] = await _events(session, forum)
        forum.status = PublicationStatus.DRAFT
        first.status = PublicationStatus.DRAFT
        await session.commit()

    summary = await load_demo(settings, NOW)

    assert summary.startswith("Demo data completed: 2 ")
    lines = {line.split()[0]: " ".join(line.split()[1:]) for line in summary.splitlines()[1:]}
    assert lines["economic-forum"] == "completed: 0 new events, 2 published"
    assert lines["town-halls"] == "already there"
    async with _session(settings) as session:
        forum = (await _programmes(session))["economic-forum"]
        assert forum.status == PublicationStatus.PUBLISHED
        assert all(e.status == PublicationStatus.PUBLISHED for e in await _events(session, forum))


async def test_town_halls_are_monthly_series_with_one_moved_date(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)
    engine = create_engine(settings.database_url)
    app = create_app(Links("http://127.0.0.1:8000", None), create_sessionmaker(engine))
    try:
        async with served(app) as api:
            listed = await api.get("/api/v1/programmes/town-halls/series")
            answer = await api.get("/calendar/programmes/town-halls.ics")
    finally:
        await engine.dispose()

    assert {(series["slug"], series["rrule"]) for series in listed.json()} == {
        (f"town-hall-{city}", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TH")
        for city in ("tbilisi", "yerevan", "baku")
    }
    assert answer.status_code == 200
    feed = read_feed(answer.content)
    starts = {
        str(event["UID"]): (start_of(event), int(event.get("SEQUENCE", 0)))
        for event in feed.events
    }
    assert len(starts) == 6
    # Every town hall on the second Thursday at 18:00 local time, but the moved one: a
    # week later, with its calendar UID kept and its SEQUENCE up, so calendars update it.
    (moved,) = [start for start, sequence in starts.values() if sequence == 1]
    assert moved == datetime(2026, 12, 17, 18, 0, tzinfo=ZoneInfo("Asia/Baku"))
    for start, sequence in starts.values():
        assert start.time() == time(18, 0)
        if sequence == 0:
            assert start.weekday() == 3, start
            assert 8 <= start.day <= 14, start


async def test_an_interrupted_series_is_finished_and_its_date_moved_only_once(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)
    async with _session(settings) as session:
        series = await session.scalar(select(Series).where(Series.slug == "town-hall-baku"))
        assert series is not None
        series.status = PublicationStatus.DRAFT
        await session.commit()

    summary = await load_demo(settings, NOW)

    assert "town-halls" in summary
    assert "completed: 0 new events, 1 published" in summary
    async with _session(settings) as session:
        halls = await _events(session, (await _programmes(session))["town-halls"])
        series = await session.scalar(select(Series).where(Series.slug == "town-hall-baku"))
        assert series is not None
        assert series.status == PublicationStatus.PUBLISHED
    first = halls[0]
    assert first.starts_at.astimezone(ZoneInfo(first.timezone)).day == 17
    assert first.sequence == 1


async def test_last_summers_school_has_a_living_alumni_directory(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    summary = await load_demo(settings, NOW)
    assert "Alumni: 30 of youth-summer-school-2026" in summary
    async with _session(settings) as session:
        rows = (
            await session.execute(
                select(Participant.language, AlumniProfile.bio, AlumniProfile.name_seen)
                .join(AlumniProfile, AlumniProfile.participant_id == Participant.id)
                .join(Alumnus, Alumnus.participant_id == Participant.id)
            )
        ).all()
    assert len(rows) == 30
    assert {language for language, _bio, _seen in rows} == set(LANGUAGES)
    assert all(bio for _language, bio, _seen in rows)
    # Some keep their name hidden, some show it to everyone or to their own edition.
    assert {seen for _language, _bio, seen in rows} == {0, 1, 3}
    assert "Alumni" not in await load_demo(settings, NOW)


async def test_last_summers_school_has_anonymous_feedback_in_five_languages(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    await load_demo(settings, NOW)
    async with _session(settings) as session:
        found = await programme_feedback(session, SYSTEM, "youth-summer-school")
        [edition] = found.events
        assert edition.event_slug == "youth-summer-school-2026"
        assert (edition.invited, edition.answered, edition.anonymous, edition.shown) == (
            30,
            len(ANSWERS),
            True,
            True,
        )
        assert edition.ratings is not None
        assert 3.5 < (edition.ratings.average or 0) < 5
        assert all(comment.name is None for comment in edition.comments)
        linked = await session.scalar(
            select(func.count())
            .select_from(FeedbackAnswer)
            .where(FeedbackAnswer.participant_id.is_not(None))
        )
        assert linked == 0
    languages = {ALUMNI[index].language for index, (_r, text) in ANSWERS.items() if text}
    assert languages == set(LANGUAGES)
    # Loading again asks nobody twice and adds no answer.
    await load_demo(settings, NOW)
    async with _session(settings) as session:
        count = await session.scalar(select(func.count()).select_from(FeedbackAnswer))
        assert count == len(ANSWERS)
