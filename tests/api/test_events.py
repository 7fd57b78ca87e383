"""Events over HTTP: creation rules, visibility, changes, deep links."""

import httpx

from tests.api.builders import SUMMER_SCHOOL, event_body, published_event


async def test_an_event_carries_its_deep_link_and_seats(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    assert event["status"] == "published"
    assert event["start_payload"] == "e-summer-school-2027"
    assert event["deep_link"] == "https://t.me/redbridge_test_bot?start=e-summer-school-2027"
    assert event["seats_left"] == 4
    assert event["programme_slug"] == SUMMER_SCHOOL
    # Stored in UTC, the zone kept beside it.
    assert event["starts_at"] == "2027-07-05T05:00:00Z"
    assert event["timezone"] == "Asia/Tbilisi"

    public = await api.get(f"/api/v1/events/{event['id']}")
    assert public.status_code == 200
    listed = await api.get("/api/v1/events", params={"programme": SUMMER_SCHOOL})
    assert [item["id"] for item in listed.json()] == [event["id"]]


async def test_drafts_are_hidden_from_the_public(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await published_event(api, admin)
    draft = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events",
        json=event_body("summer-school-2028"),
        headers=admin,
    )
    assert (await api.get(f"/api/v1/events/{draft.json()['id']}")).status_code == 404
    assert len((await api.get("/api/v1/events")).json()) == 1
    assert len((await api.get("/api/v1/events", headers=admin)).json()) == 2


async def test_event_fields_are_validated(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await published_event(api, admin)
    bad = event_body(
        "bad-event",
        timezone="Mars/Olympus",
        country="XX",
        capacity=0,
        starts_at="2027-07-05T09:00:00",  # naive: refused
    )
    answer = await api.post(f"/api/v1/programmes/{SUMMER_SCHOOL}/events", json=bad, headers=admin)
    assert answer.status_code == 422
    fields = {error["field"] for error in answer.json()["errors"]}
    assert {"timezone", "country", "capacity", "starts_at"} <= fields

    backwards = event_body("backwards", ends_at="2027-07-01T09:00:00+04:00")
    answer = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events", json=backwards, headers=admin
    )
    assert answer.status_code == 422
    assert "ends_at must be after starts_at" in answer.json()["detail"]
    listed = await api.get("/api/v1/events", headers=admin)
    assert len(listed.json()) == 1


async def test_moving_an_event_raises_its_sequence(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    renamed = await api.patch(
        f"/api/v1/events/{event['id']}",
        json={"title": {"en": "Summer School of the South Caucasus"}},
        headers=admin,
    )
    assert renamed.status_code == 200
    assert renamed.json()["sequence"] == 0
    moved = await api.patch(
        f"/api/v1/events/{event['id']}",
        json={"starts_at": "2027-07-06T09:00:00+04:00", "city": "Batumi"},
        headers=admin,
    )
    assert moved.status_code == 200
    assert moved.json()["sequence"] == 1
    assert moved.json()["city"] == "Batumi"


async def test_a_partial_update_must_keep_the_event_consistent(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    answer = await api.patch(
        f"/api/v1/events/{event['id']}",
        json={"ends_at": "2027-07-01T09:00:00+04:00"},
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_input"
    unchanged = await api.get(f"/api/v1/events/{event['id']}")
    assert unchanged.json()["ends_at"] == "2027-07-18T14:00:00Z"


async def test_cancelling_an_event(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    event = await published_event(api, admin)
    cancelled = await api.post(f"/api/v1/events/{event['id']}/cancel", headers=admin)
    assert cancelled.json()["status"] == "cancelled"
    again = await api.patch(f"/api/v1/events/{event['id']}", json={"capacity": 10}, headers=admin)
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


async def test_unknown_event_is_404(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    for method, path in [
        ("GET", "/api/v1/events/999"),
        ("PATCH", "/api/v1/events/999"),
        ("POST", "/api/v1/events/999/publish"),
        ("GET", "/api/v1/events/999/statistics"),
        ("GET", "/api/v1/events/999/registrations"),
    ]:
        answer = await api.request(
            method, path, headers=admin, json={} if method == "PATCH" else None
        )
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
