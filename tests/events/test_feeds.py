"""Calendar feeds built by the events.feeds package, read back by three parsers."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.editions import cancel_event, update_event
from events.enums import Decision
from events.errors import NotFound, ParticipantErased
from events.feeds.cache import FeedCache, RenderedFeed
from events.feeds.kinds import FeedKind, FeedRequest
from events.feeds.render import PRODID, Links
from events.feeds.serve import get_feed
from events.feeds.subscriptions import feed_url, personal_subscription, subscription
from events.feeds.tokens import personal_feed_token, rotate_personal_feed_token
from events.inputs import EventChanges
from events.languages import LANGUAGES
from events.models import Event
from events.participants import erase_participant
from events.registrations import cancel_registration, decide, register
from tests.calendar_readers import Feed, read_feed, start_of
from tests.factories import create_event, create_participant, create_programme

PUBLIC_URL = "https://redbridge.example"
LINKS = Links(PUBLIC_URL, "redbridge_bot")

TITLES = {
    "en": "Town hall: water, borders; trust",
    "hy": "Քաղաքային հանդիպում՝ ջուր, սահմաններ, վստահություն և երկխոսություն Երևանում",
    "az": "Şəhər yığıncağı: su, sərhədlər; etimad və Bakıda dialoq",
    "ka": "საქალაქო შეხვედრა: წყალი, საზღვრები, ნდობა და დიალოგი თბილისში",
    "ru": "Городское собрание: вода, границы; доверие",
}


async def fetch(
    session: AsyncSession,
    kind: FeedKind,
    key: str = "",
    lang: str | None = None,
    cache: FeedCache | None = None,
    links: Links = LINKS,
) -> tuple[Feed, RenderedFeed]:
    rendered = await get_feed(session, cache or FeedCache(), FeedRequest(kind, key, lang), links)
    return read_feed(rendered.body), rendered


def _start(now: datetime, days: int, hour: int, zone: str) -> datetime:
    local = (now + timedelta(days=days)).astimezone(ZoneInfo(zone))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


async def test_three_zones_of_utc_plus_four_keep_their_names(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "town-halls")
    for city, country, zone in (
        ("Yerevan", "AM", "Asia/Yerevan"),
        ("Baku", "AZ", "Asia/Baku"),
        ("Tbilisi", "GE", "Asia/Tbilisi"),
    ):
        starts_at = _start(now, 30, 18, zone)
        await create_event(
            session,
            now,
            "town-halls",
            slug=f"town-hall-{city.lower()}",
            city=city,
            country=country,
            timezone=zone,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
        )

    feed, _ = await fetch(session, FeedKind.PROGRAMME, "town-halls")

    assert sorted(str(zone["TZID"]) for zone in feed.calendar.walk("VTIMEZONE")) == [
        "Asia/Baku",
        "Asia/Tbilisi",
        "Asia/Yerevan",
    ]
    assert sorted(line for line in feed.lines("DTSTART") if "TZID" in line) == sorted(
        f"DTSTART;TZID={zone}:20261228T180000"
        for zone in ("Asia/Yerevan", "Asia/Baku", "Asia/Tbilisi")
    )
    # Same wall-clock time, same instant: all three are UTC+4.
    assert {start_of(event).astimezone(UTC) for event in feed.events} == {
        datetime(2026, 12, 28, 14, 0, tzinfo=UTC)
    }
    assert {str(start_of(event).tzinfo) for event in feed.events} == {
        "Asia/Yerevan",
        "Asia/Baku",
        "Asia/Tbilisi",
    }


async def test_calendar_properties_are_valid(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now, "forum", title={"en": "Economic Forum"})
    event = await create_event(session, now, "forum", slug="forum-2027")

    feed, rendered = await fetch(session, FeedKind.PROGRAMME, "forum")

    calendar = feed.calendar
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == PRODID
    assert "METHOD" not in calendar  # a snapshot, not an iTIP message
    assert "UID" not in calendar  # no random calendar UID that would change the bytes
    assert feed.lines("NAME") == ["NAME:Economic Forum"]
    assert feed.lines("X-WR-CALNAME") == ["X-WR-CALNAME:Economic Forum"]
    assert feed.lines("REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:PT6H"]
    assert feed.lines("X-PUBLISHED-TTL") == ["X-PUBLISHED-TTL:PT6H"]
    assert calendar.refresh_interval == timedelta(hours=6)
    (vevent,) = feed.events
    assert str(vevent["UID"]) == event.calendar_uid
    assert vevent.stamp == event.calendar_revised_at
    assert feed.lines("DTSTAMP") == [f"DTSTAMP:{now:%Y%m%dT%H%M%SZ}"]
    assert vevent.sequence == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["LOCATION"]) == "Rustaveli Theatre, Tbilisi, Georgia"
    assert str(vevent["URL"]) == "https://t.me/redbridge_bot?start=e-forum-2027"
    assert rendered.filename == "forum.ics"
    assert rendered.last_modified == now
    assert not rendered.is_private


async def test_the_url_is_the_api_while_the_bot_is_unnamed(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")

    feed, _ = await fetch(session, FeedKind.EVENT, event.slug, links=Links(PUBLIC_URL))

    assert str(feed.events[0]["URL"]) == f"{PUBLIC_URL}/api/v1/events/{event.id}"


async def test_moved_event_keeps_uid_and_raises_sequence(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    before, _ = await fetch(session, FeedKind.EVENT, event.slug)

    later = now + timedelta(hours=3)
    new_start = event.starts_at + timedelta(days=1)
    await update_event(
        session,
        later,
        SYSTEM,
        event.id,
        EventChanges(starts_at=new_start, ends_at=event.ends_at + timedelta(days=1)),
    )
    after, _ = await fetch(session, FeedKind.EVENT, event.slug)

    old, new = before.events[0], after.events[0]
    assert str(new["UID"]) == str(old["UID"]) == event.calendar_uid
    assert (old.sequence, new.sequence) == (0, 1)
    assert start_of(new) == new_start
    assert new.stamp == later > old.stamp


async def test_cancelled_event_stays_in_the_feed_as_cancelled(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    kept = await create_event(session, now, "summer-school")
    cancelled = await create_event(session, now, "summer-school")
    await cancel_event(session, now + timedelta(minutes=5), SYSTEM, cancelled.id)

    feed, _ = await fetch(session, FeedKind.PROGRAMME, "summer-school")

    statuses = {str(event["UID"]): str(event["STATUS"]) for event in feed.events}
    assert statuses == {kept.calendar_uid: "CONFIRMED", cancelled.calendar_uid: "CANCELLED"}
    gone = feed.event(cancelled.calendar_uid)
    assert gone.sequence == 1
    assert str(gone["SUMMARY"]) == "[Cancelled] Summer school in Tbilisi"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_language(session: AsyncSession, now: datetime, language: str) -> None:
    await create_programme(
        session,
        now,
        "town-halls",
        title={code: f"{code}: {text}" for code, text in TITLES.items()},
    )
    event = await create_event(
        session,
        now,
        "town-halls",
        title=TITLES,
        description={code: f"{TITLES[code]}\n{TITLES[code]}" for code in TITLES},
    )

    feed, _ = await fetch(session, FeedKind.PROGRAMME, "town-halls", lang=language)
    single, _ = await fetch(session, FeedKind.EVENT, event.slug, lang=language)

    country = {
        "en": "Georgia",
        "hy": "Վրաստան",
        "az": "Gürcüstan",
        "ka": "საქართველო",
        "ru": "Грузия",
    }[language]
    (vevent,) = feed.events
    assert str(vevent["SUMMARY"]) == TITLES[language]
    assert str(vevent["DESCRIPTION"]).startswith(f"{TITLES[language]}\n{TITLES[language]}\n\n")
    assert str(vevent["LOCATION"]) == f"Rustaveli Theatre, Tbilisi, {country}"
    assert str(feed.calendar["NAME"]) == f"{language}: {TITLES[language]}"
    assert str(feed.calendar["X-WR-CALNAME"]) == f"{language}: {TITLES[language]}"
    assert str(single.calendar["NAME"]) == TITLES[language]


async def test_unknown_language_falls_back_to_english(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(
        session, now, "summer-school", title={"en": "Hello", "ru": "Привет"}
    )

    english, rendered_en = await fetch(session, FeedKind.EVENT, event.slug, lang="en")
    for odd in ("xx", "", "EN-gb", "ru-RU", "../../etc", "😀" * 50):
        _feed, rendered = await fetch(session, FeedKind.EVENT, event.slug, lang=odd)
        expected = "Привет" if odd == "ru-RU" else "Hello"
        assert str(_feed.events[0]["SUMMARY"]) == expected
        if expected == "Hello":
            assert rendered.body == rendered_en.body
    # A text missing in the asked language falls back to the event's default language.
    georgian, _ = await fetch(session, FeedKind.EVENT, event.slug, lang="ka")
    assert str(georgian.events[0]["SUMMARY"]) == "Hello"


async def test_organiser_text_cannot_inject_properties_or_components(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    title = "Debate; part 1, Q&A: BEGIN:VEVENT \\n UID:evil"
    description = (
        "Line one, with commas; and semicolons\n"
        "END:VEVENT\nBEGIN:VEVENT\nUID:injected\nSUMMARY:Free beer\nEND:VEVENT\n"
        "BEGIN:VEVENT\nback\\slash\nSTATUS:CANCELLED"
    )
    event = await create_event(
        session,
        now,
        "summer-school",
        title={"en": title},
        description={"en": description},
        venue="Hall A; B, C",
        # A line break in a one-line field is refused before it gets here (text_fields).
        city="Tbilisi STATUS:CANCELLED",
    )

    feed, _ = await fetch(session, FeedKind.ALL)

    (vevent,) = feed.events
    assert str(vevent["UID"]) == event.calendar_uid
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["DESCRIPTION"]).startswith(description + "\n\n")
    assert str(vevent["LOCATION"]) == "Hall A; B, C, Tbilisi STATUS:CANCELLED, Georgia"
    assert feed.text.split("\r\n").count("BEGIN:VEVENT") == 1


async def test_unchanged_data_renders_byte_identical_and_other_edits_keep_it(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    _, first = await fetch(session, FeedKind.ALL)
    _, again = await fetch(session, FeedKind.ALL)
    assert again.body == first.body
    assert again.etag == first.etag

    # Capacity is not calendar data: updated_at moves, DTSTAMP and the bytes do not.
    later = now + timedelta(hours=1)
    await update_event(session, later, SYSTEM, event.id, EventChanges(capacity=99))
    assert event.updated_at == later
    _, after_capacity = await fetch(session, FeedKind.ALL)
    assert after_capacity.body == first.body
    assert after_capacity.etag == first.etag

    await update_event(session, later, SYSTEM, event.id, EventChanges(title={"en": "Renamed"}))
    _, renamed = await fetch(session, FeedKind.ALL)
    assert renamed.etag != first.etag
    assert renamed.last_modified == later


async def test_drafts_never_appear(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now)
    await create_programme(session, now, "secret-plans", publish=False)
    published = await create_event(session, now, "summer-school")
    draft = await create_event(session, now, "summer-school", publish=False)
    await create_event(session, now, "secret-plans", publish=False)

    everything, _ = await fetch(session, FeedKind.ALL)
    programme, _ = await fetch(session, FeedKind.PROGRAMME, "summer-school")

    assert [str(e["UID"]) for e in everything.events] == [published.calendar_uid]
    assert [str(e["UID"]) for e in programme.events] == [published.calendar_uid]
    with pytest.raises(NotFound):
        await fetch(session, FeedKind.EVENT, draft.slug)
    with pytest.raises(NotFound):
        await fetch(session, FeedKind.PROGRAMME, "secret-plans")
    with pytest.raises(NotFound):
        await fetch(session, FeedKind.EVENT, "no-such-event")


async def test_an_empty_feed_is_still_a_valid_calendar(
    session: AsyncSession, now: datetime
) -> None:
    feed, rendered = await fetch(session, FeedKind.ALL, lang="hy")
    assert feed.events == []
    assert str(feed.calendar["NAME"]) == "Redbridge — բոլոր միջոցառումները"
    assert rendered.last_modified is None


async def test_personal_feed_holds_only_that_persons_events(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    confirmed = await create_event(session, now, "summer-school", title={"en": "Confirmed"})
    full = await create_event(session, now, "summer-school", capacity=1, title={"en": "Full"})
    selective = await create_event(
        session, now, "summer-school", mode="application", title={"en": "Applied"}
    )
    rejected = await create_event(session, now, "summer-school", mode="application")
    left = await create_event(session, now, "summer-school", title={"en": "Left"})
    others = await create_event(session, now, "summer-school", title={"en": "Not mine"})
    person = await create_participant(session, now, language="ru")
    someone = await create_participant(session, now)
    await register(session, now, full.id, someone.id)
    await register(session, now, others.id, someone.id)
    await register(session, now, confirmed.id, person.id)
    await register(session, now, full.id, person.id)  # waitlisted
    await register(session, now, selective.id, person.id)  # applied
    turned_down = await register(session, now, rejected.id, person.id)
    await decide(session, now, SYSTEM, turned_down.id, Decision.REJECT)
    cancelled = await register(session, now, left.id, person.id)
    await cancel_registration(session, now, cancelled.id)
    token = await personal_feed_token(session, now, person.id)

    feed, rendered = await fetch(session, FeedKind.PERSONAL, token)

    statuses = {str(e["UID"]): str(e["STATUS"]) for e in feed.events}
    assert statuses == {
        confirmed.calendar_uid: "CONFIRMED",
        full.calendar_uid: "TENTATIVE",
        selective.calendar_uid: "TENTATIVE",
    }
    assert str(feed.calendar["NAME"]) == "Redbridge — мои мероприятия"  # their language
    waiting = feed.event(full.calendar_uid)
    assert str(waiting["DESCRIPTION"]).startswith("Вы в листе ожидания.\n\n")
    assert rendered.is_private
    assert rendered.filename == "my-events.ics"
    english, _ = await fetch(session, FeedKind.PERSONAL, token, lang="en")
    assert str(english.calendar["NAME"]) == "Redbridge — my events"


async def test_personal_token_rotation_and_erasure(session: AsyncSession, now: datetime) -> None:
    person = await create_participant(session, now)
    token = await personal_feed_token(session, now, person.id)
    assert len(token) == 43  # 256 bits
    assert await personal_feed_token(session, now, person.id) == token  # stable until rotated
    cache = FeedCache()
    await fetch(session, FeedKind.PERSONAL, token, cache=cache)

    rotated = await rotate_personal_feed_token(session, now, person.id)

    assert rotated != token
    with pytest.raises(NotFound):
        await fetch(session, FeedKind.PERSONAL, token, cache=cache)
    await fetch(session, FeedKind.PERSONAL, rotated, cache=cache)
    for guess in ("", "x" * 43, rotated[:-1], rotated + "A", "../" * 15):
        with pytest.raises(NotFound):
            await fetch(session, FeedKind.PERSONAL, guess, cache=cache)

    await erase_participant(session, now, None, person.id)
    with pytest.raises(NotFound):
        await fetch(session, FeedKind.PERSONAL, rotated, cache=cache)
    with pytest.raises(ParticipantErased):
        await personal_feed_token(session, now, person.id)


async def test_cache_serves_until_the_data_changes(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    cache = FeedCache()

    _, first = await fetch(session, FeedKind.ALL, cache=cache)
    _, second = await fetch(session, FeedKind.ALL, cache=cache)
    assert (cache.builds, cache.hits) == (1, 1)
    assert second is first

    await fetch(session, FeedKind.ALL, lang="ka", cache=cache)  # another language, another entry
    assert cache.builds == 2

    await update_event(
        session, now + timedelta(minutes=1), SYSTEM, event.id, EventChanges(venue="Opera")
    )
    _, changed = await fetch(session, FeedKind.ALL, cache=cache)
    assert cache.builds == 3
    assert changed.etag != first.etag
    await create_event(session, now + timedelta(minutes=2), "summer-school")
    _, added = await fetch(session, FeedKind.ALL, cache=cache)
    assert cache.builds == 4
    assert read_feed(added.body).events[1:] != []


async def test_cache_revalidates_after_its_safety_interval(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    await create_event(session, now, "summer-school")
    ticks = [0.0]
    cache = FeedCache(revalidate_after=60, monotonic=lambda: ticks[0])
    _, first = await fetch(session, FeedKind.ALL, cache=cache)
    ticks[0] = 61
    _, rebuilt = await fetch(session, FeedKind.ALL, cache=cache)
    assert cache.builds == 2
    assert rebuilt.body == first.body


async def test_cache_keeps_a_bounded_number_of_feeds(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now)
    await create_event(session, now, "summer-school")
    cache = FeedCache(max_entries=2)
    for language in LANGUAGES:
        await fetch(session, FeedKind.ALL, lang=language, cache=cache)
    assert cache.size == 2


def test_subscription_urls() -> None:
    assert feed_url(PUBLIC_URL, FeedKind.PROGRAMME, "forum", webcal=True, language="hy") == (
        "webcal://redbridge.example/calendar/programmes/forum.ics?lang=hy"
    )
    links = subscription("http://127.0.0.1:8000/", FeedKind.ALL)
    assert links.webcal == "webcal://127.0.0.1:8000/calendar/all.ics"
    assert links.https == "http://127.0.0.1:8000/calendar/all.ics"


async def test_personal_subscription_creates_the_token_once(
    session: AsyncSession, now: datetime
) -> None:
    person = await create_participant(session, now)
    first = await personal_subscription(session, now, person.id, PUBLIC_URL)
    again = await personal_subscription(session, now, person.id, PUBLIC_URL)
    assert first == again
    token = await personal_feed_token(session, now, person.id)
    assert first.webcal == f"webcal://redbridge.example/calendar/me/{token}.ics"
    assert first.https == f"{PUBLIC_URL}/calendar/me/{token}.ics"


async def test_concurrent_requests_for_a_changed_feed_build_it_once(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    await create_event(session, now, "summer-school")
    cache = FeedCache()

    async def one() -> RenderedFeed:
        async with sessionmaker() as own:
            return await get_feed(own, cache, FeedRequest(FeedKind.ALL), LINKS)

    feeds = await asyncio.gather(*(one() for _ in range(8)))

    assert cache.builds == 1
    assert len({feed.etag for feed in feeds}) == 1


def _zone_years(feed: Feed) -> set[int]:
    """The years of every transition in the feed's VTIMEZONE blocks (DTSTART and RDATE)."""
    years = set()
    for zone in feed.calendar.walk("VTIMEZONE"):
        for part in zone.subcomponents:
            years.add(part.decoded("DTSTART").year)
            rdates = part.get("RDATE", [])
            for rdate in rdates if isinstance(rdates, list) else [rdates]:
                years.update(moment.dt.year for moment in rdate.dts)
            assert "RRULE" not in part  # would repeat without end
    return years


async def test_a_bad_stored_row_is_left_out_and_logged(
    session: AsyncSession, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    await create_programme(session, now, "forum")
    good = await create_event(session, now, "forum", slug="forum-good")
    far_end = await create_event(session, now, "forum", slug="forum-far-end")
    far_past = await create_event(session, now, "forum", slug="forum-far-past")
    # Written as rows were before dates were bounded (#12), past every validation.
    await session.execute(
        update(Event)
        .where(Event.id == far_end.id)
        .values(ends_at=datetime(9999, 12, 31, 20, tzinfo=UTC), timezone="Asia/Tokyo")
    )
    await session.execute(
        update(Event)
        .where(Event.id == far_past.id)
        .values(starts_at=datetime(1, 1, 1, 1, tzinfo=UTC), timezone="America/New_York")
    )
    await cancel_event(session, now, SYSTEM, far_end.id)  # no API call can repair it now

    with caplog.at_level(logging.WARNING, logger="events.feeds.render"):
        everything, _ = await fetch(session, FeedKind.ALL)
        programme, _ = await fetch(session, FeedKind.PROGRAMME, "forum")
        alone, _ = await fetch(session, FeedKind.EVENT, "forum-far-end")

    assert [str(event["UID"]) for event in everything.events] == [good.calendar_uid]
    assert [str(event["UID"]) for event in programme.events] == [good.calendar_uid]
    assert alone.events == []
    assert _zone_years(everything) <= {2026, 2027}  # the bad rows add no years
    logged = [record.getMessage() for record in caplog.records]
    assert f"feed leaves out event {far_end.id}: ValueError" in logged
    assert f"feed leaves out event {far_past.id}: ValueError" in logged
    assert not any("Summer school" in line or "forum-" in line for line in logged)


async def test_time_zones_cover_only_the_years_of_the_events(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "exchange")
    for slug, zone, month in (
        ("berlin", "Europe/Berlin", 3),
        ("new-york", "America/New_York", 10),
        ("tbilisi", "Asia/Tbilisi", 6),
    ):
        starts_at = datetime(2027, month, 10, 9, tzinfo=ZoneInfo(zone))
        await create_event(
            session,
            now,
            "exchange",
            slug=slug,
            timezone=zone,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(days=3),
        )

    feed, rendered = await fetch(session, FeedKind.PROGRAMME, "exchange")  # every reader

    assert len(feed.events) == 3
    zones = {str(zone["TZID"]): zone for zone in feed.calendar.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Berlin", "America/New_York", "Asia/Tbilisi"}
    assert _zone_years(feed) <= {2026, 2027, 2028}
    # Both summer-time changes of 2027 are there for the zones that have them.
    for name in ("Europe/Berlin", "America/New_York"):
        assert {part.name for part in zones[name].subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert len(rendered.body) < 8_000
