"""What the document says about inputs holds through HTTP: refused inputs are a 422
naming the field and change nothing; the rules it cannot state are listed in it, and
their refusals name the field they are listed under."""

from typing import Any

import httpx
import pytest

from tests.api.builders import SUMMER_SCHOOL, event_body, published_event, register


async def _create(api: httpx.AsyncClient, admin: dict[str, str], **changes: Any) -> httpx.Response:
    await published_event(api, admin, slug="first-edition")
    return await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events",
        json=event_body(slug="second-edition", **changes),
        headers=admin,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # A plain-string place is the text in the default language, named as such.
        ({"city": "Tbilisi\nSTATUS:CANCELLED"}, "city.en"),
        ({"city": "\u200b \u3000"}, "city.en"),
        ({"venue": "Hall\tA"}, "venue.en"),
        ({"title": {"en": "Summer School", "ru": "  "}}, "title.ru"),
        ({"title": {"en": "Summer\x00School"}}, "title.en"),
        ({"title": {"en": "Summer School", "xx": "?"}}, "title"),
        ({"country": " GE"}, "country"),
        ({"timezone": "localtime"}, "timezone"),
        ({"starts_at": "2027-07-05T09:00+04:00"}, "starts_at"),
        ({"starts_at": "2027-07-05T09:00:00"}, "starts_at"),
        ({"starts_at": 1814763600}, "starts_at"),
        ({"multi_week": 1}, "multi_week"),
    ],
)
async def test_what_the_document_refuses_is_refused_with_the_field_named(
    api: httpx.AsyncClient, admin: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    refused = await _create(api, admin, **changes)
    assert refused.status_code == 422, refused.text
    assert [error["field"] for error in refused.json()["errors"]] == [field]
    events = (await api.get(f"/api/v1/programmes/{SUMMER_SCHOOL}/events", headers=admin)).json()
    assert [event["slug"] for event in events] == ["first-edition"]


async def test_what_the_document_accepts_is_taken_as_written(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await _create(
        api,
        admin,
        city="  Tbilisi \u200b ",
        country="ge",
        capacity=12.0,  # a JSON integer, says JSON Schema
        description={"en": "Line one\r\n\tLine two"},
        starts_at="2027-07-05T09:00:00.5+04:00",
    )
    assert created.status_code == 201, created.text
    event = created.json()
    assert (event["city"], event["country"], event["capacity"]) == ({"en": "Tbilisi"}, "GE", 12)
    assert event["description"] == {"en": "Line one\nLine two"}


async def test_eligibility_and_tickets_name_the_field_their_rule_is_listed_under(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin, min_age=18, eligible_countries=["AM", "GE"])
    young = await register(api, admin, event["id"], "Ani", birth_year=2020, country="AM")
    assert young.status_code == 422
    assert young.json()["errors"][0]["field"] == "participant.birth_year"
    abroad = await register(api, admin, event["id"], "Ani", birth_year=2000, country="FR")
    assert abroad.json()["errors"][0]["field"] == "participant.country"
    forged = await api.post(
        f"/api/v1/events/{event['id']}/check-in", json={"ticket_code": "forged"}, headers=admin
    )
    assert forged.status_code == 422
    assert forged.json()["errors"][0]["field"] == "ticket_code"
    # Not a code at all (PostgreSQL refuses NUL in text: it must never get that far).
    for garbage in ("ab\x00cd", "<b>x</b>", "a b", "ü"):
        refused = await api.post(
            f"/api/v1/events/{event['id']}/check-in", json={"ticket_code": garbage}, headers=admin
        )
        assert refused.status_code == 422, garbage
        assert refused.json()["errors"][0]["field"] == "ticket_code"
    document = (await api.get("/openapi.json")).json()
    listed = document["components"]["schemas"]["RegistrationRequest"]["x-rules-not-in-schema"]
    assert {
        "participant.birth_year",
        "participant.country",
        "answers.*",
        "participation",
    } == set(listed)


async def test_answers_use_question_keys_only(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    odd = await register(api, admin, event["id"], "Ani", answers={"Not A Key": "x"})
    assert odd.status_code == 422
    assert odd.json()["errors"][0]["field"].startswith("answers")
