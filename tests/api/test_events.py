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
    # A plain string is the text in the event's default language, for older clients.
    assert moved.json()["city"] == {"en": "Batumi"}


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


async def _create(
    api: httpx.AsyncClient, admin: dict[str, str], **overrides: object
) -> httpx.Response:
    return await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events",
        json=event_body("bounded", **overrides),
        headers=admin,
    )


def _fields(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in answer.json()["errors"]}


async def test_dates_far_from_now_are_refused_naming_the_field(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await published_event(api, admin)
    # The two dates that took every feed down (#12): year 9999, and year 1 behind UTC.
    far_end = await _create(api, admin, ends_at="9999-12-31T23:00:00-05:00")
    far_past = await _create(
        api, admin, starts_at="0001-01-01T00:30:00-05:00", timezone="America/New_York"
    )
    too_early = await _create(api, admin, starts_at="1999-12-31T09:00:00+04:00")
    # The test clock says 2026-11-28: six years ahead is too far, four is fine.
    too_far = await _create(
        api, admin, starts_at="2032-12-01T09:00:00+04:00", ends_at="2032-12-02T09:00:00+04:00"
    )

    assert "ends_at" in _fields(far_end)
    assert "starts_at" in _fields(far_past)
    assert "starts_at" in _fields(too_early)
    assert _fields(too_far) == {"starts_at": "starts_at is more than 5 years ahead"}
    fine = await _create(
        api, admin, starts_at="2030-12-01T09:00:00+04:00", ends_at="2030-12-02T09:00:00+04:00"
    )
    assert fine.status_code == 201, fine.text
    moved = await api.patch(
        f"/api/v1/events/{fine.json()['id']}",
        json={"starts_at": "2099-12-01T09:00:00+04:00", "ends_at": "2099-12-02T09:00:00+04:00"},
        headers=admin,
    )
    assert _fields(moved) == {"starts_at": "starts_at is more than 5 years ahead"}


async def test_a_long_event_must_say_it_is_multi_week(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await published_event(api, admin)
    season = {"starts_at": "2027-06-01T09:00:00+04:00", "ends_at": "2027-08-31T18:00:00+04:00"}

    refused = await _create(api, admin, **season)
    assert _fields(refused) == {
        "ends_at": "ends_at is more than 60 days after starts_at"
        "; set multi_week for a longer event"
    }
    created = await _create(api, admin, **season, multi_week=True)
    assert created.status_code == 201, created.text
    assert created.json()["multi_week"] is True
    read = await api.get(f"/api/v1/events/{created.json()['id']}", headers=admin)
    assert read.json()["multi_week"] is True
    # Even a multi-week event ends within a year; and it cannot stop being one while long.
    year_and_more = await api.patch(
        f"/api/v1/events/{created.json()['id']}",
        json={"ends_at": "2028-06-02T18:00:00+04:00"},
        headers=admin,
    )
    assert _fields(year_and_more) == {"ends_at": "ends_at is more than 366 days after starts_at"}
    unmarked = await api.patch(
        f"/api/v1/events/{created.json()['id']}", json={"multi_week": False}, headers=admin
    )
    assert "ends_at" in _fields(unmarked)
    short = await published_event(api, admin, slug="short-one")
    assert short["multi_week"] is False


async def test_rules_that_span_fields_name_their_field(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await published_event(api, admin)
    backwards = await _create(api, admin, ends_at="2027-07-01T09:00:00+04:00")
    ages = await _create(api, admin, min_age=30, max_age=18)
    no_default_title = await _create(api, admin, default_language="hy")
    window = await _create(
        api,
        admin,
        registration_opens_at="2027-06-01T09:00:00+04:00",
        registration_closes_at="2027-05-01T09:00:00+04:00",
    )
    question = {"key": "level", "kind": "number", "prompt": {"en": "Level?"}}
    numbers = await _create(api, admin, questions=[question | {"min_value": 5, "max_value": 1}])
    not_json = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events",
        content=b'{"slug": "broken",,}',
        headers=admin | {"content-type": "application/json"},
    )

    assert _fields(backwards) == {"ends_at": "ends_at must be after starts_at"}
    assert _fields(ages) == {"max_age": "min_age is greater than max_age"}
    assert _fields(no_default_title) == {
        "title.hy": "title needs a text in the default language 'hy'"
    }
    assert _fields(window) == {
        "registration_closes_at": "registration_closes_at must be after registration_opens_at"
    }
    assert _fields(numbers) == {"questions.0.max_value": "min_value is greater than max_value"}
    assert set(_fields(not_json)) == {"body"}  # not a byte offset

    event = await published_event(api, admin, slug="patched")
    patched = await api.patch(
        f"/api/v1/events/{event['id']}", json={"min_age": 40, "max_age": 20}, headers=admin
    )
    assert _fields(patched) == {"max_age": "min_age is greater than max_age"}
    untitled = await api.patch(
        f"/api/v1/events/{event['id']}", json={"default_language": "ru"}, headers=admin
    )
    assert _fields(untitled) == {"title.ru": "title needs a text in the default language 'ru'"}


async def test_venue_and_city_are_translated_like_titles(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    venue = {"en": "Youth Centre", "ru": "Молодёжный центр", "ka": "ახალგაზრდული ცენტრი"}
    city = {"en": "Tbilisi", "ru": "Тбилиси", "hy": "Թբիլիսի", "az": "Tbilisi", "ka": "თბილისი"}
    event = await published_event(api, admin, venue=venue, city=city)
    assert (event["venue"], event["city"]) == (venue, city)

    changed = await api.patch(
        f"/api/v1/events/{event['id']}",
        json={"venue": {"en": "Old Town Hall", "hy": "Հին քաղաքապետարան"}},
        headers=admin,
    )
    assert changed.status_code == 200
    assert changed.json()["venue"] == {"en": "Old Town Hall", "hy": "Հին քաղաքապետարան"}
    assert changed.json()["city"] == city
    assert changed.json()["sequence"] == 1  # the place moved: calendars update


async def test_bad_places_are_refused_and_change_nothing(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    url = f"/api/v1/events/{event['id']}"
    for body, field in [
        ({"city": {"ru": "Тбилиси"}}, "city.en"),  # none in the default language
        ({"city": {"fr": "Tbilissi", "en": "Tbilisi"}}, "city"),  # not one of ours
        ({"city": ""}, "city"),
        ({"venue": {"en": "x" * 201}}, "venue"),
        ({"venue": 12}, "venue"),
    ]:
        answer = await api.patch(url, json=body, headers=admin)
        assert answer.status_code == 422, body
        assert field in {error["field"] for error in answer.json()["errors"]}, answer.text
    assert (await api.get(url)).json() == event
