"""The alumni routes over HTTP: CSV import, scoped to the organiser's programmes."""

import httpx

from events.enums import Role
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
    assert done.json() == {"imported": 1, "already_listed": 0}

    bad = (
        "name,telegram,edition,country\n"
        f"Leyla,@leyla_a,{edition['slug']},AZ\n"
        f"Nino,@x,{edition['slug']},GE\n"
        "Giorgi,@giorgi_k,no-such-edition,ZZ\n"
    )
    refused = await api.post(url, json={"csv": bad}, headers=organiser)
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
    assert again.json() == {"imported": 0, "already_listed": 1}  # Leyla was not imported

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
