"""The alumni routes over HTTP, scoped to the organiser's programmes: CSV import,
directory statistics and reported requests."""

from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.alumni.connections import report_request, request_contact
from events.alumni.imports import import_alumni
from events.alumni.profiles import set_audience, set_country, set_text
from events.alumni.visibility import Audience
from events.enums import Role
from events.models import Event
from tests.alumni_support import confirmed_alumnus
from tests.api.builders import SUMMER_SCHOOL, published_event
from tests.api.conftest import TokenFactory

PAST = {"starts_at": "2026-09-01T09:00:00+04:00", "ends_at": "2026-09-10T18:00:00+04:00"}


async def test_import_answers_counts_and_names_every_bad_row(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    edition = await published_event(api, admin, slug="school-2026", **PAST)
    organiser = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    url = f"/api/v1/programmes/{SUMMER_SCHOOL}/alumni/import"
    good = f"name,telegram,edition,country\nAni,@ani_petrosyan,{edition['slug']},AM\n"
    done = await api.post(url, json={"csv": good}, headers=organiser)
    assert done.status_code == 200, done.text
    assert done.json() == {"imported": 1, "already_listed": 0, "rejected": []}

    bad = (
        "name,telegram,edition,country\n"
        f"Leyla,@leyla_a,{edition['slug']},AZ\n"
        f"Nino,@x,{edition['slug']},GE\n"
        "Giorgi,@giorgi_k,no-such-edition,ZZ\n"
    )
    strict = {"csv": bad, "all_or_nothing": True}
    refused = await api.post(url, json=strict, headers=organiser)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert [item["field"] for item in problem["errors"]] == [
        "csv.3.telegram",
        "csv.4.edition",
        "csv.4.country",
    ]
    assert problem["errors"][0]["message"].startswith("line 3, telegram:")
    again = await api.post(url, json={"csv": good}, headers=organiser)
    assert again.json()["already_listed"] == 1  # and Leyla was not imported

    partial = await api.post(url, json={"csv": bad}, headers=organiser)
    assert partial.status_code == 200, partial.text
    report = partial.json()
    assert (report["imported"], report["already_listed"]) == (1, 0)  # Leyla
    assert [(row["line"], row["field"]) for row in report["rejected"]] == [
        (3, "csv.3.telegram"),
        (4, "csv.4.edition"),
        (4, "csv.4.country"),
    ]
    assert report["rejected"][0]["message"].startswith("line 3, telegram:")

    too_big = await api.post(url, json={"csv": "x" * 200_001}, headers=organiser)
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "csv"


async def test_import_is_for_the_programmes_organisers_only(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    edition = await published_event(api, admin, slug="school-2026", **PAST)
    await api.post(
        "/api/v1/programmes",
        json={"slug": "concerts", "kind": "concert", "title": {"en": "Concerts"}},
        headers=admin,
    )
    stranger = await token_headers(Role.ORGANISER, ["concerts"])
    body = {"csv": f"name,telegram,edition\nAni,@ani_petrosyan,{edition['slug']}\n"}
    url = f"/api/v1/programmes/{SUMMER_SCHOOL}/alumni/import"
    assert (await api.post(url, json=body, headers=stranger)).status_code == 403
    assert (await api.post(url, json=body)).status_code == 401
    checker = await token_headers(Role.CHECKER, [SUMMER_SCHOOL])
    assert (await api.post(url, json=body, headers=checker)).status_code == 403


async def test_statistics_and_reports_show_counts_and_notes_never_hidden_fields(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    token_headers: TokenFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    edition = await published_event(api, admin, slug="school-2026", **PAST)
    async with sessionmaker() as session:
        [event] = await session.scalars(select(Event).where(Event.id == edition["id"]))
        ani = await confirmed_alumnus(session, now, [(SUMMER_SCHOOL, event)], "Ani")
        leyla = await confirmed_alumnus(session, now, [(SUMMER_SCHOOL, event)], "Leyla")
        nino = await confirmed_alumnus(session, now, [(SUMMER_SCHOOL, event)], "Nino")
        # Leyla says she lives in Azerbaijan, and shows it to nobody.
        await set_country(session, now, leyla.participant_id, "AZ")
        await set_audience(session, now, leyla.participant_id, "name", Audience.ALL)
        await set_text(session, now, nino.participant_id, "bio", "Hidden")
        request = await request_contact(
            session, now, ani.participant_id, leyla.participant_id, "Rude words", None
        )
        await report_request(session, now, leyla.participant_id, request.id)
        await import_alumni(
            session, now, SYSTEM, SUMMER_SCHOOL, f"name,telegram,edition\nA,42,{edition['slug']}"
        )
    organiser = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    base = f"/api/v1/programmes/{SUMMER_SCHOOL}/alumni"
    stats = await api.get(f"{base}/statistics", headers=organiser)
    assert stats.status_code == 200, stats.text
    assert stats.json() == {
        "alumni": 3,
        "invitations_open": 1,
        "profiles": 2,
        "listed": 1,
        "by_country": {"unknown": 3},  # as registered: the import named none
        "by_edition": {"school-2026": 3},
        "requests": {"declined": 1},
        "reports": 1,
    }
    reports = await api.get(f"{base}/reports", headers=organiser)
    [report] = reports.json()
    assert (report["note"], report["reporter_name"], report["reported_name"]) == (
        "Rude words",
        "Leyla",
        "Ani",
    )
    await api.post(
        "/api/v1/programmes",
        json={"slug": "concerts", "kind": "concert", "title": {"en": "Concerts"}},
        headers=admin,
    )
    stranger = await token_headers(Role.ORGANISER, ["concerts"])
    assert (await api.get(f"{base}/reports", headers=stranger)).status_code == 403
    assert (await api.get(f"{base}/statistics", headers=stranger)).status_code == 403


async def test_a_cohort_link_is_a_telegram_group_link_read_only_by_the_organisers(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    edition = await published_event(api, admin, slug="school-2026", **PAST)
    url = f"/api/v1/events/{edition['id']}"
    for bad in (
        "http://t.me/+AbCdEfGh12",
        "https://t.me/ani_petrosyan",
        "https://example.org/+AbCdEfGh12",
        "https://t.me/+short",
        "https://t.me/+AbCdEfGh12\n",
        "javascript:alert(1)",
    ):
        refused = await api.patch(url, json={"cohort_link": bad}, headers=admin)
        assert refused.status_code == 422, bad
        assert [error["field"] for error in refused.json()["errors"]] == ["cohort_link"]
    link = "https://t.me/+AbCdEfGh12_-xyz"
    assert (await api.patch(url, json={"cohort_link": link}, headers=admin)).status_code == 200

    await api.post(
        "/api/v1/programmes",
        json={"slug": "concerts", "kind": "concert", "title": {"en": "Concerts"}},
        headers=admin,
    )
    own = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    stranger = await token_headers(Role.ORGANISER, ["concerts"])
    for headers in (own, admin):
        assert (await api.get(url, headers=headers)).json()["cohort_link"] == link
    for headers in ({}, stranger):
        for path in (url, "/api/v1/events", f"/api/v1/programmes/{SUMMER_SCHOOL}/events"):
            answer = await api.get(path, headers=headers)
            assert answer.status_code == 200
            assert "AbCdEfGh12" not in answer.text
    # Sent as null, the link is gone.
    cleared = await api.patch(url, json={"cohort_link": None}, headers=admin)
    assert cleared.json()["cohort_link"] is None
