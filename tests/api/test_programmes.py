"""Programmes over HTTP: create, read, change, publish, cancel; who may do it."""

from typing import Any

import httpx

from events.enums import Role
from tests.api.conftest import TokenFactory

FORUM: dict[str, Any] = {
    "slug": "economic-forum",
    "kind": "economic_forum",
    "title": {"en": "Economic Forum", "ru": "Экономический форум", "hy": "Տնտեսական ֆորում"},
    "description": {"en": "An annual forum."},
}


async def test_an_admin_creates_and_publishes_a_programme(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await api.post("/api/v1/programmes", json=FORUM, headers=admin)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft"
    assert body["title"]["hy"] == "Տնտեսական ֆորում"
    assert body["start_payload"] == "p-economic-forum"
    assert body["deep_link"] == "https://t.me/redbridge_test_bot?start=p-economic-forum"

    # Drafts are invisible to the public.
    assert (await api.get("/api/v1/programmes/economic-forum")).status_code == 404
    assert (await api.get("/api/v1/programmes")).json() == []

    published = await api.post("/api/v1/programmes/economic-forum/publish", headers=admin)
    assert published.json()["status"] == "published"
    listed = (await api.get("/api/v1/programmes")).json()
    assert [programme["slug"] for programme in listed] == ["economic-forum"]


async def test_a_taken_slug_is_a_conflict(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    assert (await api.post("/api/v1/programmes", json=FORUM, headers=admin)).status_code == 201
    again = await api.post("/api/v1/programmes", json=FORUM, headers=admin)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "conflict"


async def test_invalid_fields_are_named_and_nothing_is_stored(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    bad = {**FORUM, "slug": "Not A Slug", "kind": "party", "title": {"fr": "Forum"}}
    answer = await api.post("/api/v1/programmes", json=bad, headers=admin)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    fields = {error["field"] for error in answer.json()["errors"]}
    assert fields == {"slug", "kind", "title"}
    assert (await api.get("/api/v1/programmes", headers=admin)).json() == []


async def test_the_title_needs_the_default_language(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    bad = {**FORUM, "default_language": "az"}
    answer = await api.post("/api/v1/programmes", json=bad, headers=admin)
    assert answer.status_code == 422
    assert "default language" in answer.json()["detail"]


async def test_no_token_or_a_wrong_one_is_401(api: httpx.AsyncClient) -> None:
    missing = await api.post("/api/v1/programmes", json=FORUM)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = await api.post(
        "/api/v1/programmes", json=FORUM, headers={"Authorization": "Bearer rb_nonsense"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["status"] == 401


async def test_organisers_manage_only_their_own_programmes(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    for slug in ("economic-forum", "town-halls"):
        body = {**FORUM, "slug": slug}
        assert (await api.post("/api/v1/programmes", json=body, headers=admin)).status_code == 201
    organiser = await token_headers(Role.ORGANISER, ["economic-forum"])

    # An organiser cannot create programmes at all.
    created = await api.post(
        "/api/v1/programmes", json={**FORUM, "slug": "new"}, headers=organiser
    )
    assert created.status_code == 403
    own = await api.patch(
        "/api/v1/programmes/economic-forum",
        json={"title": {"en": "Economic Forum of the South Caucasus"}},
        headers=organiser,
    )
    assert own.status_code == 200
    assert own.json()["title"] == {"en": "Economic Forum of the South Caucasus"}
    other = await api.patch(
        "/api/v1/programmes/town-halls", json={"title": {"en": "x"}}, headers=organiser
    )
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden"
    # The organiser sees their own draft but not the other one.
    listed = await api.get("/api/v1/programmes", headers=organiser)
    assert [programme["slug"] for programme in listed.json()] == ["economic-forum"]


async def test_unknown_programme_is_404(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    answer = await api.post("/api/v1/programmes/nope/publish", headers=admin)
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


async def test_cancelling_a_programme_cancels_its_events(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await api.post("/api/v1/programmes", json=FORUM, headers=admin)
    event = {
        "slug": "forum-2027",
        "title": {"en": "Forum 2027"},
        "starts_at": "2027-06-01T09:00:00+04:00",
        "ends_at": "2027-06-02T18:00:00+04:00",
        "timezone": "Asia/Tbilisi",
        "city": "Tbilisi",
        "country": "GE",
        "capacity": 100,
    }
    created = await api.post("/api/v1/programmes/economic-forum/events", json=event, headers=admin)
    assert created.status_code == 201
    cancelled = await api.post("/api/v1/programmes/economic-forum/cancel", headers=admin)
    assert cancelled.json()["status"] == "cancelled"
    event_now = await api.get(f"/api/v1/events/{created.json()['id']}", headers=admin)
    assert event_now.json()["status"] == "cancelled"
    assert event_now.json()["sequence"] == 1


async def test_organiser_actions_are_audited(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    await api.post("/api/v1/programmes", json=FORUM, headers=admin)
    await api.post("/api/v1/programmes", json={**FORUM, "slug": "other"}, headers=admin)
    organiser = await token_headers(Role.ORGANISER, ["economic-forum"])
    await api.post("/api/v1/programmes/economic-forum/publish", headers=organiser)

    trail = (await api.get("/api/v1/audit", headers=admin)).json()
    actions = [entry["action"] for entry in trail]
    assert actions[:3] == ["programme.publish", "token.create", "programme.create"]
    assert trail[0]["actor"].startswith("token:")
    own = (await api.get("/api/v1/audit", headers=organiser)).json()
    assert {entry["programme_id"] for entry in own} == {trail[0]["programme_id"]}
    assert (await api.get("/api/v1/audit")).status_code == 401


async def test_a_change_that_leaves_no_default_title_is_422_naming_it(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await api.post("/api/v1/programmes", json=FORUM, headers=admin)
    assert created.status_code == 201, created.text
    slug = FORUM["slug"]

    other_language = await api.patch(
        f"/api/v1/programmes/{slug}", json={"default_language": "az"}, headers=admin
    )
    other_title = await api.patch(
        f"/api/v1/programmes/{slug}", json={"title": {"ru": "Форум"}}, headers=admin
    )

    for answer, language in ((other_language, "az"), (other_title, "en")):
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"] == [
            {
                "field": f"title.{language}",
                "message": f"title needs a text in the default language {language!r}",
            }
        ]
    unchanged = await api.get(f"/api/v1/programmes/{slug}", headers=admin)
    assert unchanged.json()["default_language"] == "en"
    created_without = await api.post(
        "/api/v1/programmes",
        json={**FORUM, "slug": "other", "default_language": "az"},
        headers=admin,
    )
    assert created_without.json()["errors"][0]["field"] == "title.az"
