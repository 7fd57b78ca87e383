"""Integers at the edge (#12): ids and counts outside 64 bits, booleans and numeric
strings where a number belongs. Each answer is a problem, never a 500."""

from typing import Any

import httpx
import pytest

from tests.api.builders import SUMMER_SCHOOL, event_body, published_event, register

PROBLEM_JSON = "application/problem+json"
HUGE = "99999999999999999999"  # more than 64 bits
HUGE_INT = 99999999999999999999

# One request per route family, each with a path id or a query integer too large.
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", f"/api/v1/events/{HUGE}", None),
    ("PATCH", f"/api/v1/events/{HUGE}", {"capacity": 3}),
    ("POST", f"/api/v1/events/{HUGE}/publish", None),
    ("POST", f"/api/v1/events/{HUGE}/cancel", None),
    ("GET", f"/api/v1/events/{HUGE}/registrations", None),
    ("GET", f"/api/v1/events/{HUGE}/registrations.csv", None),
    ("POST", f"/api/v1/events/{HUGE}/registrations", {"participant": {"name": "Ani"}}),
    ("GET", f"/api/v1/events/{HUGE}/offers", None),
    ("GET", f"/api/v1/events/{HUGE}/statistics", None),
    ("POST", f"/api/v1/events/{HUGE}/check-in", {"ticket_code": "ABC"}),
    ("POST", f"/api/v1/events/{HUGE}/broadcasts/preview", None),
    ("POST", f"/api/v1/events/{HUGE}/broadcasts", {"texts": {"en": "Hello"}}),
    ("GET", f"/api/v1/events/{HUGE}/broadcasts", None),
    ("GET", f"/api/v1/broadcasts/{HUGE}", None),
    ("POST", f"/api/v1/broadcasts/{HUGE}/cancel", None),
    ("GET", f"/api/v1/registrations/{HUGE}", None),
    ("POST", f"/api/v1/registrations/{HUGE}/decision", {"decision": "accept"}),
    ("POST", f"/api/v1/registrations/{HUGE}/cancel", None),
    ("POST", f"/api/v1/registrations/{HUGE}/offer/accept", None),
    ("POST", f"/api/v1/registrations/{HUGE}/offer/decline", None),
    ("GET", f"/api/v1/participants/{HUGE}", None),
    ("DELETE", f"/api/v1/participants/{HUGE}", None),
    ("GET", f"/api/v1/participants?telegram_user_id={HUGE}", None),
    ("GET", f"/api/v1/participants?telegram_user_id=-{HUGE}", None),
    ("GET", f"/api/v1/audit?before_id={HUGE}", None),
    ("GET", f"/api/v1/audit?limit={HUGE}", None),
    ("GET", f"/api/v1/events/-{HUGE}", None),
]


def _is_problem(response: httpx.Response, statuses: set[int]) -> None:
    assert response.status_code in statuses, (response.request.url, response.text)
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_too_large_ids_and_query_integers_are_problems(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for method, url, body in ROUTES:
        anonymous = await api.request(method, url, json=body)
        _is_problem(anonymous, {401, 404, 422})
        authenticated = await api.request(method, url, json=body, headers=admin)
        _is_problem(authenticated, {404, 422})


async def test_too_large_body_integers_name_their_field(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    too_large = await register(api, admin, event["id"], "Ani", telegram_user_id=HUGE_INT)
    _is_problem(too_large, {422})
    assert too_large.json()["errors"][0]["field"] == "participant.telegram_user_id"
    born = await register(api, admin, event["id"], "Ani", birth_year=HUGE_INT)
    _is_problem(born, {422})
    assert born.json()["errors"][0]["field"] == "participant.birth_year"
    question = {"key": "age", "kind": "number", "prompt": {"en": "?"}, "min_value": HUGE_INT}
    for changes, field in [
        ({"capacity": HUGE_INT}, "capacity"),
        ({"country_quotas": {"GE": HUGE_INT}}, "country_quotas.GE"),
        ({"max_age": -HUGE_INT}, "max_age"),
        ({"offer_valid_hours": HUGE_INT}, "offer_valid_hours"),
        ({"reminder_offsets": [HUGE_INT]}, "reminder_offsets.0"),
        ({"questions": [question]}, "questions.0.min_value"),
    ]:
        response = await api.patch(f"/api/v1/events/{event['id']}", json=changes, headers=admin)
        _is_problem(response, {422})
        assert response.json()["errors"][0]["field"] == field, response.text
    answers = await register(api, admin, event["id"], "Ani", answers={"age": HUGE_INT})
    _is_problem(answers, {422})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": True}, "capacity"),
        ({"capacity": "12"}, "capacity"),
        ({"capacity": 12.5}, "capacity"),  # 12.0 is the integer 12 (JSON Schema says so)
        ({"min_age": False}, "min_age"),
        ({"gender_quotas": {"female": "2"}}, "gender_quotas.female"),
        ({"offer_valid_hours": "24"}, "offer_valid_hours"),
        ({"reminder_offsets": [True]}, "reminder_offsets.0"),
    ],
)
async def test_an_event_takes_numbers_only_as_numbers(
    api: httpx.AsyncClient, admin: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    created = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events", json=event_body(**changes), headers=admin
    )
    # The programme does not exist yet only if validation passed: 422 comes first.
    _is_problem(created, {422})
    assert [error["field"] for error in created.json()["errors"]] == [field]


async def test_other_bodies_take_numbers_and_booleans_only_as_such(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    event_id = event["id"]
    changed = await api.patch(f"/api/v1/events/{event_id}", json={"capacity": 1}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["capacity"] == 1
    stored_as_one = await api.patch(
        f"/api/v1/events/{event_id}", json={"capacity": True}, headers=admin
    )
    _is_problem(stored_as_one, {422})
    assert stored_as_one.json()["errors"][0]["field"] == "capacity"
    wrong_types: list[tuple[dict[str, Any], str]] = [
        ({"telegram_user_id": "123"}, "participant.telegram_user_id"),
        ({"telegram_user_id": True}, "participant.telegram_user_id"),
        ({"birth_year": "1999"}, "participant.birth_year"),
    ]
    for details, field in wrong_types:
        response = await register(api, admin, event_id, "Ani", **details)
        _is_problem(response, {422})
        assert response.json()["errors"][0]["field"] == field, response.text
    audience = {"texts": {"en": "Hi"}, "audience": {"checked_in": 1}}
    broadcast = await api.post(
        f"/api/v1/events/{event_id}/broadcasts", json=audience, headers=admin
    )
    _is_problem(broadcast, {422})
    assert broadcast.json()["errors"][0]["field"] == "audience.checked_in"
    series = event_body(
        "town-hall",
        rrule="FREQ=MONTHLY;BYDAY=-1TH",
        starts_on="2027-01-01",
        start_time="18:00",
        duration_minutes="90",
    )
    for key in ("starts_at", "ends_at"):
        del series[key]
    created = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/series", json=series, headers=admin
    )
    _is_problem(created, {422})
    assert [error["field"] for error in created.json()["errors"]] == ["duration_minutes"]
    # Still a number where a number is due: the event is unchanged by what was refused.
    assert (await api.get(f"/api/v1/events/{event_id}")).json()["capacity"] == 1
