"""Balance statistics through the real API, per event and per programme: by status,
country, gender, age band (age reached in the event's year) and first-timers."""

from typing import Any

import httpx

from events.enums import Role
from tests.api.builders import SUMMER_SCHOOL, published_event, register
from tests.api.conftest import TokenFactory

V1 = "/api/v1"
ANI = 5_550_001  # her Telegram id: the same person at both events


async def test_statistics_per_event_and_per_programme(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    summer = await published_event(api, admin, slug="summer-2027")
    autumn = await published_event(
        api,
        admin,
        slug="autumn-2027",
        starts_at="2027-10-04T09:00:00+04:00",
        ends_at="2027-10-08T18:00:00+04:00",
    )
    people: list[tuple[dict[str, Any], str, dict[str, Any]]] = [
        (summer, "Ani", {"country": "AM", "gender": "female", "birth_year": 2001}),
        (summer, "Aram", {"country": "AM", "gender": "male", "birth_year": 2005}),
        (autumn, "Ani", {"country": "AM", "gender": "female", "birth_year": 2001}),
        (autumn, "Leyla", {"country": "AZ"}),
    ]
    for event, name, details in people:
        if name == "Ani":
            details = details | {"telegram_user_id": ANI}
        answer = await register(api, admin, event["id"], name, **details)
        assert answer.status_code == 201, answer.text

    one = (await api.get(f"{V1}/events/{autumn['id']}/statistics", headers=admin)).json()
    assert one["by_age_band"] == {"25_30": {"confirmed": 1}, "unspecified": {"confirmed": 1}}
    # Ani held a seat at the summer school, which started before.
    assert one["by_first_timer"] == {
        "first_timer": {"confirmed": 1},
        "returning": {"confirmed": 1},
    }

    organiser = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    answer = await api.get(f"{V1}/programmes/{SUMMER_SCHOOL}/statistics", headers=organiser)
    assert answer.status_code == 200, answer.text
    whole = answer.json()
    assert whole["programme"] == SUMMER_SCHOOL
    assert [event["event_id"] for event in whole["events"]] == [summer["id"], autumn["id"]]
    assert (whole["capacity"], whole["seats_held"]) == (8, 4)
    assert whole["by_status"]["confirmed"] == 4
    assert whole["by_country"] == {"AM": {"confirmed": 3}, "AZ": {"confirmed": 1}}
    assert whole["by_gender"] == {
        "female": {"confirmed": 2},
        "male": {"confirmed": 1},
        "unspecified": {"confirmed": 1},
    }
    assert whole["by_age_band"] == {
        "18_24": {"confirmed": 1},
        "25_30": {"confirmed": 2},
        "unspecified": {"confirmed": 1},
    }
    assert whole["by_first_timer"] == {
        "first_timer": {"confirmed": 3},
        "returning": {"confirmed": 1},
    }


async def test_programme_statistics_are_for_its_organisers(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    await published_event(api, admin)
    other = {"slug": "forum", "kind": "economic_forum", "title": {"en": "Forum"}}
    assert (await api.post(f"{V1}/programmes", json=other, headers=admin)).status_code == 201
    stranger = await token_headers(Role.ORGANISER, ["forum"])
    url = f"{V1}/programmes/{SUMMER_SCHOOL}/statistics"
    refused = await api.get(url, headers=stranger)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await api.get(url)).status_code == 401
    missing = await api.get(f"{V1}/programmes/no-such-programme/statistics", headers=admin)
    assert missing.status_code == 404
