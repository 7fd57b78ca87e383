"""Calendar feeds over HTTP against the real app under uvicorn: headers, 304s, the cache."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from events.enums import Role
from events.feeds.cache import FeedCache
from events.feeds.kinds import FeedKind
from events.feeds.render import Links
from events.feeds.subscriptions import feed_url
from events.feeds.tokens import personal_feed_token, rotate_personal_feed_token
from events.models import Event
from tests.api.builders import SUMMER_SCHOOL, published_event, register
from tests.api.conftest import BOT_USERNAME, ManualClock, TokenFactory
from tests.calendar_readers import read_feed, start_of
from tests.support.served import served as served_app

PUBLIC_URL = "https://redbridge.example"
TBILISI = ZoneInfo("Asia/Tbilisi")


@dataclass
class Served:
    client: httpx.AsyncClient
    cache: FeedCache


@pytest.fixture
async def served(
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> AsyncIterator[Served]:
    """The app under uvicorn on loopback, with a feed cache the test can look into."""
    cache = FeedCache()
    app = create_app(Links(PUBLIC_URL, BOT_USERNAME), sessionmaker, clock, feed_cache=cache)
    async with served_app(app) as client:
        yield Served(client, cache)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def test_event_feed_over_http(
    served: Served, admin: dict[str, str], clock: ManualClock
) -> None:
    event = await published_event(served.client, admin)

    answer = await served.client.get(f"/calendar/events/{event['slug']}.ics")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["content-disposition"] == 'inline; filename="summer-school-2027.ics"'
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert answer.headers["last-modified"] == format_datetime(clock.now, usegmt=True)
    assert answer.headers["vary"] == "Accept-Encoding"
    assert answer.headers["content-encoding"] == "gzip"  # httpx accepts gzip
    etag = answer.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{40}-gzip"', etag)  # strong: no W/ prefix
    feed = read_feed(answer.content)
    (vevent,) = feed.events
    assert str(vevent["SUMMARY"]) == "Youth Summer School 2027"
    assert str(vevent["URL"]) == f"https://t.me/{BOT_USERNAME}?start=e-summer-school-2027"
    assert start_of(vevent) == datetime(2027, 7, 5, 9, tzinfo=TBILISI)
    assert str(start_of(vevent).tzinfo) == "Asia/Tbilisi"


async def test_gzip_only_when_accepted(served: Served, admin: dict[str, str]) -> None:
    event = await published_event(served.client, admin)
    url = f"/calendar/events/{event['slug']}.ics"

    plain = await served.client.get(url, headers={"Accept-Encoding": "identity"})
    refused = await served.client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    packed = await served.client.get(url, headers={"Accept-Encoding": "br, gzip;q=0.5"})

    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in refused.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decodes it
    assert re.fullmatch(r'"[0-9a-f]{40}"', plain.headers["etag"])
    assert packed.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    # Either tag means the same content.
    for tag, coding in ((plain.headers["etag"], "gzip"), (packed.headers["etag"], "identity")):
        answer = await served.client.get(
            url, headers={"If-None-Match": tag, "Accept-Encoding": coding}
        )
        assert answer.status_code == 304


async def test_conditional_requests_answer_304(served: Served, admin: dict[str, str]) -> None:
    event = await published_event(served.client, admin)
    url = f"/calendar/events/{event['slug']}.ics"
    first = await served.client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await served.client.get(url, headers={"If-None-Match": if_none_match})
        assert again.status_code == 304, if_none_match
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "public, max-age=300"
    assert (await served.client.get(url, headers={"If-None-Match": '"other"'})).status_code == 200

    not_modified = await served.client.get(url, headers={"If-Modified-Since": modified})
    assert not_modified.status_code == 304
    assert not_modified.headers["last-modified"] == modified
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    for since in (earlier, "yesterday", ""):
        answer = await served.client.get(url, headers={"If-Modified-Since": since})
        assert answer.status_code == 200, since
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert (await served.client.get(url, headers=both)).status_code == 200


async def test_unchanged_feeds_come_from_the_cache_and_changes_rebuild(
    served: Served, admin: dict[str, str], clock: ManualClock
) -> None:
    event = await published_event(served.client, admin)
    url = f"/calendar/programmes/{SUMMER_SCHOOL}.ics"
    first = await served.client.get(url)
    assert served.cache.builds == 1

    again = await served.client.get(url)
    conditional = await served.client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, conditional.status_code) == (200, 304)
    assert served.cache.builds == 1
    assert served.cache.hits == 2
    assert again.content == first.content

    # A change that calendars do not show: same version, same bytes, no rebuild.
    clock.advance(minutes=1)
    patched = await served.client.patch(
        f"/api/v1/events/{event['id']}", json={"capacity": 40}, headers=admin
    )
    assert patched.status_code == 200
    unchanged = await served.client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304
    assert served.cache.builds == 1

    # A new time: rebuilt, new ETag, SEQUENCE up, same UID.
    clock.advance(minutes=1)
    moved = {"starts_at": "2027-07-06T09:00:00+04:00", "ends_at": "2027-07-19T18:00:00+04:00"}
    patched = await served.client.patch(f"/api/v1/events/{event['id']}", json=moved, headers=admin)
    assert patched.status_code == 200
    changed = await served.client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert served.cache.builds == 2
    assert changed.headers["etag"] != first.headers["etag"]
    assert changed.headers["last-modified"] == format_datetime(clock.now, usegmt=True)
    before, after = read_feed(first.content).events[0], read_feed(changed.content).events[0]
    assert str(after["UID"]) == str(before["UID"])
    assert (before.sequence, after.sequence) == (0, 1)


async def test_unknown_feeds_are_404_problems(
    served: Served, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    draft = await served.client.post(
        "/api/v1/programmes",
        json={"slug": "unpublished", "kind": "concert", "title": {"en": "Secret"}},
        headers=admin,
    )
    assert draft.status_code == 201
    for path in (
        "/calendar/events/no-such-event.ics",
        "/calendar/programmes/no-such-programme.ics",
        "/calendar/programmes/unpublished.ics",
        "/calendar/me/" + "A" * 43 + ".ics",
        "/calendar/me/short.ics",
    ):
        answer = await served.client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "not_found"
        assert "A" * 43 not in answer.text


async def test_unknown_language_falls_back_to_english(
    served: Served, admin: dict[str, str]
) -> None:
    event = await published_event(served.client, admin)
    url = f"/calendar/events/{event['slug']}.ics"

    english = await served.client.get(url, params={"lang": "en"})
    odd = await served.client.get(url, params={"lang": "tlh"})
    georgian = await served.client.get(url, params={"lang": "ka"})

    assert odd.status_code == 200
    assert odd.content == english.content
    assert odd.headers["etag"] == english.headers["etag"]
    summary = str(read_feed(georgian.content).events[0]["SUMMARY"])
    assert summary == "ახალგაზრდული საზაფხულო სკოლა 2027"
    assert str(read_feed(georgian.content).calendar["X-WR-CALNAME"]) == summary


async def test_all_events_and_webcal_urls(served: Served, admin: dict[str, str]) -> None:
    await published_event(served.client, admin)
    await published_event(served.client, admin, slug="summer-school-2028")

    webcal = feed_url(PUBLIC_URL, FeedKind.ALL, webcal=True, language="ru")
    assert webcal == "webcal://redbridge.example/calendar/all.ics?lang=ru"
    answer = await served.client.get(path_of(webcal))

    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'inline; filename="redbridge.ics"'
    feed = read_feed(answer.content)
    assert len(feed.events) == 2
    assert str(feed.calendar["NAME"]) == "Redbridge — все мероприятия"
    programme = feed_url(PUBLIC_URL, FeedKind.PROGRAMME, SUMMER_SCHOOL, webcal=True)
    assert (await served.client.get(path_of(programme))).status_code == 200


async def test_personal_feed(
    served: Served,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    event = await published_event(served.client, admin, capacity=1)
    other = await published_event(served.client, admin, slug="summer-school-2028")
    await register(served.client, admin, event["id"], "Nino", telegram_user_id=11)
    waiting = await register(
        served.client, admin, event["id"], "Ani", telegram_user_id=12, language="hy"
    )
    await register(served.client, admin, other["id"], "Nino", telegram_user_id=11)
    participant_id = waiting.json()["participant_id"]
    async with sessionmaker() as session:
        token = await personal_feed_token(session, now, participant_id)

    answer = await served.client.get(f"/calendar/me/{token}.ics")

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "private, max-age=300"
    assert answer.headers["content-disposition"] == 'inline; filename="my-events.ics"'
    assert answer.headers["x-robots-tag"] == "noindex"
    feed = read_feed(answer.content)
    (vevent,) = feed.events  # only Ani's, none of Nino's
    assert str(vevent["STATUS"]) == "TENTATIVE"
    assert str(feed.calendar["NAME"]) == "Redbridge — իմ միջոցառումները"
    assert str(vevent["DESCRIPTION"]).startswith("Դուք սպասման ցուցակում եք։")

    async with sessionmaker() as session:
        rotated = await rotate_personal_feed_token(session, now, participant_id)
    assert (await served.client.get(f"/calendar/me/{token}.ics")).status_code == 404
    assert (await served.client.get(f"/calendar/me/{rotated}.ics")).status_code == 200


def series_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": "town-hall",
        "title": {"en": "Town hall", "az": "Şəhər yığıncağı"},
        "rrule": "FREQ=MONTHLY;BYDAY=-1TH",
        "starts_on": "2027-01-01",
        "start_time": "18:00",
        "timezone": "Asia/Tbilisi",
        "duration_minutes": 90,
        "exceptions": ["2027-03-25"],
        "horizon_months": 6,
        "city": "Tbilisi",
        "country": "GE",
        "capacity": 50,
    }
    return body | overrides


async def test_series_over_http(
    served: Served, admin: dict[str, str], token_headers: TokenFactory, clock: ManualClock
) -> None:
    await published_event(served.client, admin)  # creates and publishes the programme
    organiser = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])

    created = await served.client.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/series", json=series_body(), headers=organiser
    )
    assert created.status_code == 201, created.text
    assert [o["occurrence_on"] for o in created.json()["occurrences"]] == [
        "2027-01-28",
        "2027-02-25",
        "2027-04-29",
        "2027-05-27",
    ]
    hidden = await served.client.get("/api/v1/series/town-hall")
    assert hidden.status_code == 404  # a draft, for the public
    published = await served.client.post("/api/v1/series/town-hall/publish", headers=organiser)
    assert published.status_code == 200
    assert {o["status"] for o in published.json()["occurrences"]} == {"published"}

    clock.advance(minutes=5)
    cancelled = await served.client.post(
        "/api/v1/series/town-hall/occurrences/2027-02-25/cancel", headers=organiser
    )
    assert cancelled.json()["status"] == "cancelled"
    moved = await served.client.post(
        "/api/v1/series/town-hall/occurrences/2027-04-29/move",
        json={"starts_at": "2027-04-30T19:00:00+04:00"},
        headers=organiser,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1

    feed = read_feed(
        (await served.client.get(f"/calendar/programmes/{SUMMER_SCHOOL}.ics?lang=az")).content
    )
    assert feed.starts_between(date(2027, 1, 1), date(2027, 6, 1)) == [
        datetime(2027, 1, 28, 18, tzinfo=TBILISI),
        datetime(2027, 2, 25, 18, tzinfo=TBILISI),
        datetime(2027, 4, 30, 19, tzinfo=TBILISI),
        datetime(2027, 5, 27, 18, tzinfo=TBILISI),
    ]
    statuses = {start_of(e).date(): str(e["STATUS"]) for e in feed.events}
    assert statuses[date(2027, 2, 25)] == "CANCELLED"
    assert str(feed.events[0]["SUMMARY"]) == "Şəhər yığıncağı"


async def test_series_input_is_checked(
    served: Served, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    await published_event(served.client, admin)
    stranger = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    await served.client.post(
        "/api/v1/programmes",
        json={"slug": "forum", "kind": "economic_forum", "title": {"en": "Forum"}},
        headers=admin,
    )
    other = await token_headers(Role.ORGANISER, ["forum"])
    url = f"/api/v1/programmes/{SUMMER_SCHOOL}/series"

    bad_rule = await served.client.post(
        url, json=series_body(rrule="FREQ=MONTHLY;BYHOUR=9"), headers=stranger
    )
    forbidden = await served.client.post(url, json=series_body(), headers=other)
    anonymous = await served.client.post(url, json=series_body())

    assert bad_rule.status_code == 422
    assert "BYHOUR" in bad_rule.json()["detail"]
    assert forbidden.status_code == 403
    assert anonymous.status_code == 401


async def test_series_dates_are_bounded_and_errors_name_their_field(
    served: Served, admin: dict[str, str]
) -> None:
    await published_event(served.client, admin)
    url = f"/api/v1/programmes/{SUMMER_SCHOOL}/series"

    async def refused(**overrides: Any) -> dict[str, str]:
        answer = await served.client.post(url, json=series_body(**overrides), headers=admin)
        assert answer.status_code == 422, answer.text
        return {error["field"]: error["message"] for error in answer.json()["errors"]}

    assert set(await refused(rrule="FREQ=MONTHLY;BYHOUR=9")) == {"rrule"}
    # UNTIL at the end of year 9999 in a zone behind UTC is in year 10000 in UTC.
    assert set(
        await refused(rrule="FREQ=MONTHLY;UNTIL=99991231", timezone="America/New_York")
    ) == {"rrule"}
    assert set(await refused(rrule="FREQ=MONTHLY;UNTIL=21000101")) == {"rrule"}
    assert set(await refused(exceptions=["2027-03-26"])) == {"exceptions"}
    assert set(await refused(starts_on="1999-12-01", exceptions=[])) == {"starts_on"}
    assert await refused(starts_on="2032-12-01", exceptions=[]) == {
        "starts_on": "starts_on is more than 5 years ahead"
    }

    created = await served.client.post(url, json=series_body(), headers=admin)
    assert created.status_code == 201, created.text
    move = "/api/v1/series/town-hall/occurrences/2027-04-29/move"
    for body in (
        {"starts_at": "9999-12-31T19:00:00-05:00"},
        {"starts_at": "2027-04-30T19:00:00+04:00", "ends_at": "9999-12-31T19:00:00-05:00"},
    ):
        answer = await served.client.post(move, json=body, headers=admin)
        assert answer.status_code == 422, answer.text
        assert [error["field"] for error in answer.json()["errors"]] == list(body)[-1:]
    backwards = await served.client.post(
        move,
        json={"starts_at": "2027-04-30T19:00:00+04:00", "ends_at": "2027-04-30T18:00:00+04:00"},
        headers=admin,
    )
    assert backwards.json()["errors"] == [
        {"field": "ends_at", "message": "ends_at must be after starts_at"}
    ]


async def test_feeds_stay_up_past_a_bad_stored_row(
    served: Served, admin: dict[str, str], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    good = await published_event(served.client, admin)
    bad = await published_event(served.client, admin, slug="far-future")
    # A row stored before dates were bounded (#12): year 9999, then cancelled.
    async with sessionmaker() as session:
        await session.execute(
            update(Event)
            .where(Event.id == bad["id"])
            .values(ends_at=datetime(9999, 12, 31, 22, tzinfo=UTC), status="cancelled")
        )
        await session.commit()

    for path in (
        "/calendar/all.ics",
        f"/calendar/programmes/{SUMMER_SCHOOL}.ics",
        "/calendar/events/far-future.ics",
    ):
        answer = await served.client.get(path)
        assert answer.status_code == 200, path
        feed = read_feed(answer.content)
        expected = [] if path.endswith("far-future.ics") else ["summer-school-2027"]
        assert [str(event["URL"]).rsplit("e-", 1)[-1] for event in feed.events] == expected
    assert good["slug"] == "summer-school-2027"


async def test_feeds_show_the_place_in_the_readers_language(
    served: Served, admin: dict[str, str]
) -> None:
    event = await published_event(
        served.client,
        admin,
        venue={"en": "Youth Centre", "ru": "Молодёжный центр"},
        city={"en": "Tbilisi", "ru": "Тбилиси", "hy": "Թբիլիսի"},
    )
    url = f"/calendar/events/{event['slug']}.ics"

    def location(answer: httpx.Response) -> str:
        return str(read_feed(answer.content).events[0]["LOCATION"])

    russian = await served.client.get(url, params={"lang": "ru"})
    armenian = await served.client.get(url, params={"lang": "hy"})
    assert location(russian) == "Молодёжный центр, Тбилиси, Грузия"
    # No Armenian venue: the default language's, then the city and country in Armenian.
    assert location(armenian) == "Youth Centre, Թբիլիսի, Վրաստան"
