"""Every route of the API against every kind of caller: no token, a checker's token, an
organiser's token for the programme, an admin's token.

Refusals are exact (401 without a token, 403 for a role that may not). Where a role may
act, reads must answer 200 and writes anything but 401, 403 or a server error (their
business outcome depends on what earlier rows changed, and is tested elsewhere). A
route missing from the table fails the test, so a new route gets its row.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx

from events.enums import Role
from tests.api.builders import SUMMER_SCHOOL, event_body, published_event, register
from tests.api.conftest import TokenFactory


class Access(Enum):
    FEED = "no bearer token read at all"
    PUBLIC = "anyone without a token; organisers and admins; not a checker's token"
    MANAGE = "organisers of the programme and admins"
    ADMIN = "admins only"
    CHECK_IN = "checkers, organisers of the programme and admins"


CALLERS = ("none", "checker", "organiser", "admin")
ALLOWED = {
    Access.FEED: {"none", "checker", "organiser", "admin"},
    Access.PUBLIC: {"none", "organiser", "admin"},
    Access.MANAGE: {"organiser", "admin"},
    Access.ADMIN: {"admin"},
    Access.CHECK_IN: {"checker", "organiser", "admin"},
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in /openapi.json
    access: Access
    body: dict[str, Any] | None = None
    query: dict[str, str] | None = None
    allowed_status: int | None = 200  # None: any answer but 401, 403 and 5xx


SERIES = {
    "slug": "town-hall",
    "title": {"en": "Town hall"},
    "rrule": "FREQ=MONTHLY;BYDAY=-1TH",
    "starts_on": "2027-01-01",
    "start_time": "18:00",
    "timezone": "Asia/Tbilisi",
    "duration_minutes": 90,
    "horizon_months": 6,
    "city": "Tbilisi",
    "country": "GE",
    "capacity": 50,
}
BROADCAST = {"texts": {"en": "Doors open at 18:00."}}


def _write(method: str, path: str, access: Access, body: dict[str, Any] | None = None) -> Route:
    return Route(method, path, access, body, allowed_status=None)


V1 = "/api/v1"
ROUTES = [
    # Reads first, so that the writes below change nothing they look at.
    Route("GET", f"{V1}/programmes", Access.PUBLIC),
    Route("GET", f"{V1}/programmes/{{slug}}", Access.PUBLIC),
    Route("GET", f"{V1}/programmes/{{slug}}/events", Access.PUBLIC),
    Route("GET", f"{V1}/programmes/{{slug}}/series", Access.PUBLIC),
    Route("GET", f"{V1}/events", Access.PUBLIC),
    Route("GET", f"{V1}/events/{{event_id}}", Access.PUBLIC),
    Route("GET", f"{V1}/series/{{slug}}", Access.PUBLIC),
    Route("GET", f"{V1}/events/{{event_id}}/registrations", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/registrations.csv", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/offers", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/statistics", Access.MANAGE),
    Route("GET", f"{V1}/programmes/{{slug}}/statistics", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/broadcasts", Access.MANAGE),
    Route("GET", f"{V1}/broadcasts/{{broadcast_id}}", Access.MANAGE),
    Route("GET", f"{V1}/registrations/{{registration_id}}", Access.MANAGE),
    Route("GET", f"{V1}/participants", Access.MANAGE, query={"telegram_user_id": "7"}),
    Route("GET", f"{V1}/participants/{{participant_id}}", Access.MANAGE),
    Route("GET", f"{V1}/audit", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/selection-targets", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/applications", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/balance", Access.MANAGE),
    Route("GET", f"{V1}/proposals/{{proposal_id}}", Access.MANAGE),
    Route("GET", f"{V1}/proposals/{{proposal_id}}/inputs", Access.MANAGE),
    Route("GET", f"{V1}/programmes/{{slug}}/alumni/statistics", Access.MANAGE),
    Route("GET", f"{V1}/programmes/{{slug}}/alumni/reports", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/survey", Access.MANAGE),
    Route("GET", f"{V1}/events/{{event_id}}/feedback", Access.MANAGE),
    Route("GET", f"{V1}/programmes/{{slug}}/feedback", Access.MANAGE),
    Route("GET", f"{V1}/tokens", Access.ADMIN),
    Route("GET", "/calendar/all.ics", Access.FEED),
    Route("GET", "/calendar/programmes/{slug}.ics", Access.FEED),
    Route("GET", "/calendar/events/{slug}.ics", Access.FEED),
    Route("GET", "/calendar/me/{token}.ics", Access.FEED, allowed_status=404),
    Route("GET", "/healthz", Access.FEED),
    Route("GET", "/", Access.FEED),
    # Check-in before anything cancels the event.
    _write("POST", f"{V1}/events/{{event_id}}/check-in", Access.CHECK_IN, {"ticket_code": "T"}),
    _write(
        "POST",
        f"{V1}/programmes",
        Access.ADMIN,
        {"slug": "x", "kind": "concert", "title": {"en": "X"}},
    ),
    _write("PATCH", f"{V1}/programmes/{{slug}}", Access.MANAGE, {"title": {"en": "School"}}),
    _write("POST", f"{V1}/programmes/{{slug}}/events", Access.MANAGE, event_body("matrix")),
    _write("POST", f"{V1}/programmes/{{slug}}/series", Access.MANAGE, SERIES | {"slug": "m"}),
    _write(
        "POST",
        f"{V1}/programmes/{{slug}}/alumni/import",
        Access.MANAGE,
        {"csv": "name,telegram,edition\nAni,@ani_petrosyan,no-such-edition\n"},
    ),
    _write("PATCH", f"{V1}/events/{{event_id}}", Access.MANAGE, {"venue": "Hall B"}),
    _write("PUT", f"{V1}/events/{{event_id}}/survey", Access.MANAGE, {"anonymous": False}),
    _write(
        "POST",
        f"{V1}/events/{{event_id}}/registrations",
        Access.MANAGE,
        {"participant": {"name": "Nino"}, "answers": {}},
    ),
    _write("POST", f"{V1}/events/{{event_id}}/broadcasts/preview", Access.MANAGE, {}),
    _write("POST", f"{V1}/events/{{event_id}}/broadcasts", Access.MANAGE, BROADCAST),
    _write("POST", f"{V1}/broadcasts/{{broadcast_id}}/cancel", Access.MANAGE),
    _write(
        "POST",
        f"{V1}/registrations/{{registration_id}}/decision",
        Access.MANAGE,
        {"decision": "confirm"},
    ),
    _write(
        "PUT",
        f"{V1}/events/{{event_id}}/selection-targets",
        Access.MANAGE,
        {"gender_parity": {"tolerance": 1}},
    ),
    _write("PUT", f"{V1}/registrations/{{registration_id}}/review", Access.MANAGE, {"score": 4}),
    _write("POST", f"{V1}/events/{{event_id}}/proposals", Access.MANAGE, {}),
    _write(
        "POST",
        f"{V1}/proposals/{{proposal_id}}/swap",
        Access.MANAGE,
        {"take_out": 1, "take_in": 2},
    ),
    _write("POST", f"{V1}/proposals/{{proposal_id}}/confirm", Access.MANAGE),
    _write("POST", f"{V1}/registrations/{{registration_id}}/offer/accept", Access.MANAGE),
    _write("POST", f"{V1}/registrations/{{registration_id}}/offer/decline", Access.MANAGE),
    _write(
        "POST",
        f"{V1}/registrations/{{registration_id}}/participation",
        Access.MANAGE,
        {"participation": "online"},
    ),
    _write("POST", f"{V1}/registrations/{{registration_id}}/cancel", Access.MANAGE),
    _write("POST", f"{V1}/series/{{slug}}/publish", Access.MANAGE),
    _write("POST", f"{V1}/series/{{slug}}/occurrences/{{on}}/cancel", Access.MANAGE),
    _write(
        "POST",
        f"{V1}/series/{{slug}}/occurrences/{{on}}/move",
        Access.MANAGE,
        {"starts_at": "2027-04-30T19:00:00+04:00"},
    ),
    _write("POST", f"{V1}/tokens/{{token_id}}/revoke", Access.ADMIN),
    _write("DELETE", f"{V1}/participants/{{participant_id}}", Access.ADMIN),
    _write("POST", f"{V1}/events/{{event_id}}/publish", Access.MANAGE),
    _write("POST", f"{V1}/events/{{event_id}}/cancel", Access.MANAGE),
    _write("POST", f"{V1}/programmes/{{slug}}/publish", Access.MANAGE),
    _write("POST", f"{V1}/programmes/{{slug}}/cancel", Access.MANAGE),
]


async def test_every_route_answers_every_role_as_its_rules_say(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    token_headers: TokenFactory,
) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in (await api.get("/openapi.json")).json()["paths"].items()
        for method in operations
    }
    assert documented == {(route.method, route.path) for route in ROUTES}

    event = await published_event(api, admin)
    person = (await register(api, admin, event["id"], "Ani", telegram_user_id=7)).json()
    series = await api.post(f"{V1}/programmes/{SUMMER_SCHOOL}/series", json=SERIES, headers=admin)
    assert series.status_code == 201, series.text
    await api.post(f"{V1}/series/town-hall/publish", headers=admin)
    broadcast = await api.post(
        f"{V1}/events/{event['id']}/broadcasts/preview", json={}, headers=admin
    )
    assert broadcast.status_code == 200, broadcast.text
    sent = await api.post(f"{V1}/events/{event['id']}/broadcasts", json=BROADCAST, headers=admin)
    assert sent.status_code == 201, sent.text
    # A proposal of an application-mode event (the event above takes registrations openly).
    chosen = await published_event(api, admin, slug="matrix-selection", mode="application")
    await register(api, admin, chosen["id"], "Giorgi")
    proposal = await api.post(f"{V1}/events/{chosen['id']}/proposals", json={}, headers=admin)
    assert proposal.status_code == 201, proposal.text
    await token_headers(Role.ADMIN)  # the newest token yet: the one the admin revokes
    spare_id = max(token["id"] for token in (await api.get(f"{V1}/tokens", headers=admin)).json())
    headers = {
        "none": {},
        "checker": await token_headers(Role.CHECKER, [SUMMER_SCHOOL]),
        "organiser": await token_headers(Role.ORGANISER, [SUMMER_SCHOOL]),
        "admin": admin,
    }
    values = {
        "slug": SUMMER_SCHOOL,
        "event_id": event["id"],
        "registration_id": person["id"],
        "participant_id": person["participant_id"],
        "broadcast_id": sent.json()["id"],
        "proposal_id": proposal.json()["id"],
        "token_id": spare_id,
        "on": "2027-02-25",
        "token": "no-such-calendar-token",
    }
    check_in = {"ticket_code": person["ticket_code"]}

    wrong = []
    statuses: dict[tuple[str, str], int] = {}
    for caller in CALLERS:
        for route in ROUTES:
            path = route.path.format(**_values_for(route.path, values, event["slug"]))
            body = check_in if route.path.endswith("/check-in") else route.body
            answer = await api.request(
                route.method, path, json=body, params=route.query, headers=headers[caller]
            )
            statuses[caller, route.path] = answer.status_code
            allowed = caller in ALLOWED[route.access]
            if not allowed:
                expected_ok = answer.status_code == (401 if caller == "none" else 403)
            elif route.allowed_status is not None:
                expected_ok = answer.status_code == route.allowed_status
            else:
                expected_ok = answer.status_code not in (401, 403) and answer.status_code < 500
            if not expected_ok:
                wrong.append((caller, route.method, route.path, answer.status_code, answer.text))
    assert wrong == []
    # The checker came first to the door: its scan is the one that checked Ani in.
    assert statuses["checker", f"{V1}/events/{{event_id}}/check-in"] == 200
    assert statuses["organiser", f"{V1}/events/{{event_id}}/check-in"] == 409


def _values_for(template: str, values: dict[str, Any], event_slug: str) -> dict[str, Any]:
    """The placeholders of a path: ``{slug}`` is a series', an event's or a programme's."""
    if template.startswith(f"{V1}/series/"):
        return values | {"slug": "town-hall"}
    if template.startswith("/calendar/events/"):
        return values | {"slug": event_slug}
    return values
