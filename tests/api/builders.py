"""Build programmes and events through the API itself, as an organiser would."""

from typing import Any

import httpx

SUMMER_SCHOOL = "youth-summer-school"


def event_body(slug: str = "summer-school-2027", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "title": {"en": "Youth Summer School 2027", "ka": "ახალგაზრდული საზაფხულო სკოლა 2027"},
        "description": {"en": "Two weeks of joint study."},
        "starts_at": "2027-07-05T09:00:00+04:00",
        "ends_at": "2027-07-18T18:00:00+04:00",
        "timezone": "Asia/Tbilisi",
        "venue": "Youth Centre",
        "city": "Tbilisi",
        "country": "GE",
        "capacity": 4,
    }
    return body | overrides


async def published_event(
    api: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    """Create (once) and publish the programme, then create and publish an event in it."""
    programme = {"slug": SUMMER_SCHOOL, "kind": "summer_school", "title": {"en": "Summer School"}}
    created = await api.post("/api/v1/programmes", json=programme, headers=headers)
    assert created.status_code in (201, 409), created.text
    await api.post(f"/api/v1/programmes/{SUMMER_SCHOOL}/publish", headers=headers)
    event = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events", json=event_body(**overrides), headers=headers
    )
    assert event.status_code == 201, event.text
    published = await api.post(f"/api/v1/events/{event.json()['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text
    result: dict[str, Any] = published.json()
    return result


async def register(
    api: httpx.AsyncClient,
    headers: dict[str, str],
    event_id: int,
    name: str,
    **details: Any,
) -> httpx.Response:
    answers = details.pop("answers", {})
    body = {"participant": {"name": name, **details}, "answers": answers}
    return await api.post(f"/api/v1/events/{event_id}/registrations", json=body, headers=headers)
