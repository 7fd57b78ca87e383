"""Online and hybrid events over HTTP (#19): the join link from each viewer's side.

The private link is seen by those who manage the event's programme and, through their
own ``/j/<token>`` redirect, by people with a confirmed online seat; never by the public
API, a public feed, another participant, someone waiting, or an organiser of another
programme. Bad links are 422s naming ``join_url``; a token stops working once the
registration is cancelled or the person erased.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from events.enums import Role
from events.feeds.render import Links
from events.feeds.tokens import personal_feed_token
from events.models import Registration
from tests.api.builders import SUMMER_SCHOOL, event_body, published_event
from tests.api.conftest import BOT_USERNAME, ManualClock, TokenFactory
from tests.calendar_readers import read_feed
from tests.support.served import served as served_app

PUBLIC_URL = "https://redbridge.example"
LINK = "https://meet.example.org/j/83412?pwd=Tb1l1s1"
HYBRID: dict[str, Any] = {
    "attendance_mode": "hybrid",
    "capacity": 2,
    "online_capacity": 2,
    "join_url": LINK,
}


@pytest.fixture
async def api(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Links(PUBLIC_URL, BOT_USERNAME), sessionmaker, clock)
    async with served_app(app) as client:
        yield client


@dataclass
class Concert:
    event: dict[str, Any]
    registrations: dict[str, dict[str, Any]]  # by name


async def _token_of(sessionmaker: async_sessionmaker[AsyncSession], registration_id: int) -> str:
    async with sessionmaker() as session:
        token = await session.scalar(
            select(Registration.join_token).where(Registration.id == registration_id)
        )
    assert token is not None
    return token


async def _concert(api: httpx.AsyncClient, admin: dict[str, str]) -> Concert:
    """A hybrid event: Nino and Mari online, Ani waiting online, Levon in the room."""
    event = await published_event(api, admin, **HYBRID)
    people = [
        ("Nino", "online", 11, "ka"),
        ("Mari", "online", 12, "en"),
        ("Ani", "online", 13, "hy"),
        ("Levon", "in_person", 14, "hy"),
    ]
    registrations = {}
    for name, part, telegram_id, language in people:
        body = {
            "participant": {"name": name, "telegram_user_id": telegram_id, "language": language},
            "participation": part,
        }
        answer = await api.post(
            f"/api/v1/events/{event['id']}/registrations", json=body, headers=admin
        )
        assert answer.status_code == 201, answer.text
        registrations[name] = answer.json()
    assert [registrations[name]["status"] for name in ("Nino", "Mari", "Ani", "Levon")] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "confirmed",
    ]
    return Concert(event, registrations)


async def test_only_those_who_manage_the_programme_read_the_link(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    concert = await _concert(api, admin)
    event_id = concert.event["id"]
    await api.post(
        "/api/v1/programmes",
        json={"slug": "other", "kind": "concert", "title": {"en": "Other"}},
        headers=admin,
    )
    own = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    other = await token_headers(Role.ORGANISER, ["other"])
    public_reads = [
        f"/api/v1/events/{event_id}",
        "/api/v1/events",
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events",
    ]
    for headers in ({}, other):
        for path in public_reads:
            answer = await api.get(path, headers=headers)
            assert answer.status_code == 200
            assert "meet.example.org" not in answer.text
            assert "/j/" not in answer.text
    read = (await api.get(f"/api/v1/events/{event_id}")).json()
    assert read["join_url"] is None
    assert (read["attendance_mode"], read["online_capacity"]) == ("hybrid", 2)
    assert (read["seats_left"], read["online_seats_left"]) == (1, 0)
    assert LINK not in (read["deep_link"] or "") + read["start_payload"]
    for headers in (own, admin):
        assert (await api.get(f"/api/v1/events/{event_id}", headers=headers)).json()[
            "join_url"
        ] == LINK
    # An organiser of another programme cannot read the registrations either.
    nino = concert.registrations["Nino"]
    assert (await api.get(f"/api/v1/registrations/{nino['id']}", headers=other)).status_code == 404
    mine = await api.get(f"/api/v1/registrations/{nino['id']}", headers=own)
    assert mine.json()["participation"] == "online"
    assert "meet.example.org" not in mine.text


async def test_public_feeds_say_online_and_never_carry_the_link(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    concert = await _concert(api, admin)
    slug = concert.event["slug"]
    for path in ("/calendar/all.ics", f"/calendar/programmes/{SUMMER_SCHOOL}.ics"):
        answer = await api.get(path)
        assert "meet.example.org" not in answer.text
        assert "/j/" not in answer.text
    for language, words in [("en", "and online"), ("hy", "ինչպես նաև առցանց")]:
        answer = await api.get(f"/calendar/events/{slug}.ics", params={"lang": language})
        (vevent,) = read_feed(answer.content).events
        assert str(vevent["LOCATION"]).endswith(words)
        assert "meet.example.org" not in answer.text
    online = await published_event(
        api, admin, slug="town-hall-online", attendance_mode="online", join_url=LINK
    )
    answer = await api.get(f"/calendar/events/{online['slug']}.ics", params={"lang": "ru"})
    (vevent,) = read_feed(answer.content).events
    assert str(vevent["LOCATION"]) == "Онлайн"
    assert "meet.example.org" not in answer.text


async def test_a_personal_feed_has_the_redirect_only_for_a_confirmed_online_seat(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    concert = await _concert(api, admin)
    texts = {}
    for name, registration in concert.registrations.items():
        async with sessionmaker() as session:
            token = await personal_feed_token(session, now, registration["participant_id"])
        answer = await api.get(f"/calendar/me/{token}.ics")
        assert answer.status_code == 200
        texts[name] = answer.text
    nino_token = await _token_of(sessionmaker, concert.registrations["Nino"]["id"])
    assert f"{PUBLIC_URL}/j/{nino_token}" in texts["Nino"].replace("\r\n ", "")
    assert nino_token not in texts["Mari"].replace("\r\n ", "")
    for name in ("Ani", "Levon"):  # waiting online; in the room
        assert "/j/" not in texts[name].replace("\r\n ", "")
    assert all("meet.example.org" not in text for text in texts.values())


@pytest.mark.parametrize(
    "link",
    [
        "http://meet.example.org/x",
        "javascript:alert(1)",
        "https://",
        "https://exa mple.org/",
        "https://meet.example.org/a b",
        "ftp://meet.example.org/",
        "meet.example.org/x",
        "https://meet.example.org/" + "x" * 480,
        "https://meet.example.org/\u0000",
        12,
    ],
)
async def test_bad_links_are_refused_naming_the_field(
    api: httpx.AsyncClient, admin: dict[str, str], link: object
) -> None:
    event = await published_event(api, admin, attendance_mode="online")
    body = event_body("bad-link", attendance_mode="online", join_url=link)
    created = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events", json=body, headers=admin
    )
    assert created.status_code == 422
    assert created.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in created.json()["errors"]] == ["join_url"]
    patched = await api.patch(
        f"/api/v1/events/{event['id']}", json={"join_url": link}, headers=admin
    )
    assert patched.status_code == 422
    assert [error["field"] for error in patched.json()["errors"]] == ["join_url"]
    after = await api.get(f"/api/v1/events/{event['id']}", headers=admin)
    assert after.json()["join_url"] is None


async def test_rules_across_fields_name_their_field(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"join_url": LINK}, "join_url"),  # in person
        ({"attendance_mode": "hybrid"}, "online_capacity"),
        ({"attendance_mode": "online", "online_capacity": 3}, "online_capacity"),
        ({"online_gender_quotas": {"female": 1}}, "online_gender_quotas"),
        ({"attendance_mode": "remote"}, "attendance_mode"),
    ]
    await published_event(api, admin)  # makes the programme
    for extra, field in cases:
        body = event_body("rules", **extra)
        answer = await api.post(
            f"/api/v1/programmes/{SUMMER_SCHOOL}/events", json=body, headers=admin
        )
        assert answer.status_code == 422, (extra, answer.text)
        assert [error["field"] for error in answer.json()["errors"]] == [field], extra


async def test_the_redirect_counts_attendance_and_forwards_in_the_window(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    concert = await _concert(api, admin)
    nino = concert.registrations["Nino"]
    token = await _token_of(sessionmaker, nino["id"])

    early = await api.get(f"/j/{token}")
    assert early.status_code == 200
    assert early.headers["content-type"].startswith("text/html")
    assert "შესაერთებლად ჯერ ადრეა" in early.text  # Nino reads Georgian
    assert "meet.example.org" not in early.text

    starts_at = datetime.fromisoformat(concert.event["starts_at"])
    clock.now = starts_at - timedelta(minutes=5)
    # Telegram fetches a link shown in a chat to draw its preview: that is not Nino.
    robot = await api.get(f"/j/{token}", headers={"User-Agent": "TelegramBot (like TwitterBot)"})
    assert (robot.status_code, "location" in robot.headers) == (200, False)
    assert "meet.example.org" not in robot.text
    unseen = (await api.get(f"/api/v1/registrations/{nino['id']}", headers=admin)).json()
    assert unseen["status"] == "confirmed"
    opened = await api.get(f"/j/{token}")
    assert opened.status_code == 303
    assert opened.headers["location"] == LINK
    assert opened.headers["cache-control"] == "no-store"
    assert opened.headers["referrer-policy"] == "no-referrer"
    seen = (await api.get(f"/api/v1/registrations/{nino['id']}", headers=admin)).json()
    assert (seen["status"], seen["checked_in_at"] is not None) == ("attended", True)
    statistics = await api.get(f"/api/v1/events/{concert.event['id']}/statistics", headers=admin)
    assert statistics.json()["by_status"]["attended"] == 1

    clock.now = datetime.fromisoformat(concert.event["ends_at"])
    over = await api.get(f"/j/{token}")
    assert over.status_code == 410
    assert "meet.example.org" not in over.text


async def test_unknown_cancelled_waiting_and_forgotten_tokens_get_a_page_not_the_link(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    concert = await _concert(api, admin)
    tokens = {
        name: await _token_of(sessionmaker, concert.registrations[name]["id"])
        for name in ("Nino", "Mari", "Ani")
    }
    clock.now = datetime.fromisoformat(concert.event["starts_at"]) - timedelta(minutes=20)
    mari = concert.registrations["Mari"]
    clock.now -= timedelta(hours=1)  # cancelling is for before the start
    cancelled = await api.post(f"/api/v1/registrations/{mari['id']}/cancel", headers=admin)
    assert cancelled.json() == {"offered": [concert.registrations["Ani"]["id"]]}
    erased = await api.delete(
        f"/api/v1/participants/{concert.registrations['Nino']['participant_id']}", headers=admin
    )
    assert erased.status_code == 204, erased.text
    clock.now += timedelta(hours=1)

    # Ani's seat is only offered, not taken: still no link.
    waiting = await api.get(f"/j/{tokens['Ani']}", headers={"Accept-Language": "en"})
    assert waiting.status_code == 410
    assert "Այս հղումն այլևս չի գործում" in waiting.text  # Ani reads Armenian
    for name in ("Mari", "Nino"):
        answer = await api.get(f"/j/{tokens[name]}", headers={"Accept-Language": "ru-RU,ru"})
        assert answer.status_code == 404
        assert "Эта ссылка недействительна" in answer.text
    guessed = await api.get("/j/" + "A" * 43, headers={"Accept-Language": "az"})
    assert guessed.status_code == 404
    assert "Bu keçid etibarlı deyil" in guessed.text
    assert (await api.get("/j/" + "x" * 101)).status_code in (404, 422)
    for answer in (waiting, guessed):
        assert "meet.example.org" not in answer.text


async def test_a_participant_switches_through_the_api_while_seats_allow(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    concert = await _concert(api, admin)
    levon = concert.registrations["Levon"]
    full = await api.post(
        f"/api/v1/registrations/{levon['id']}/participation",
        json={"participation": "online"},
        headers=admin,
    )
    assert full.status_code == 409, full.text
    assert full.json()["code"] == "no_seat_available"
    nino = concert.registrations["Nino"]
    moved = await api.post(
        f"/api/v1/registrations/{nino['id']}/participation",
        json={"participation": "in_person"},
        headers=admin,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["participation"], moved.json()["status"]) == ("in_person", "confirmed")
    offers = await api.get(f"/api/v1/events/{concert.event['id']}/offers", headers=admin)
    assert [row["participant_name"] for row in offers.json()] == ["Ani"]
    bad = await api.post(
        f"/api/v1/registrations/{nino['id']}/participation",
        json={"participation": "hologram"},
        headers=admin,
    )
    assert bad.status_code == 422
    assert [error["field"] for error in bad.json()["errors"]] == ["participation"]
