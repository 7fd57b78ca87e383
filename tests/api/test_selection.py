"""Review and balanced selection through the real API: targets, applications with a
private score and note, the balance, a proposal made, adjusted and confirmed, and every
applicant told exactly once."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.enums import Role
from events.models import AuditEntry, OutboxMessage
from events.selection import rerun
from tests.api.builders import SUMMER_SCHOOL, published_event, register
from tests.api.conftest import TokenFactory

V1 = "/api/v1"
TARGETS = {
    "gender_parity": {"tolerance": 0},
    "country_shares": {"seats": {"AM": 2, "AZ": 2}, "tolerance": 0},
}
PEOPLE = [
    # name, country, gender, birth year
    ("Ani", "AM", "female", 2001),
    ("Aram", "AM", "male", 2000),
    ("Armen", "AM", "male", 1999),
    ("Aysel", "AZ", "female", 2002),
    ("Elvin", "AZ", "male", 2003),
    ("Kamran", "AZ", "male", 2001),
    ("Sam", "AZ", None, 1998),
]


async def _applied(api: httpx.AsyncClient, admin: dict[str, str]) -> tuple[int, dict[str, int]]:
    event = await published_event(api, admin, mode="application", capacity=4)
    ids = {}
    for name, country, gender, born in PEOPLE:
        details: dict[str, Any] = {"country": country, "birth_year": born}
        if gender:
            details["gender"] = gender
        answer = await register(api, admin, event["id"], name, **details)
        assert answer.status_code == 201, answer.text
        ids[name] = answer.json()["id"]
    return event["id"], ids


async def test_targets_that_cannot_fit_are_refused_naming_the_field(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event_id, _ = await _applied(api, admin)
    url = f"{V1}/events/{event_id}/selection-targets"
    too_many = {"country_shares": {"seats": {"AM": 3, "AZ": 3}, "tolerance": 0}}
    answer = await api.put(url, json=too_many, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "country_shares.seats"
    overlapping = {
        "age_bands": [
            {"min_age": 18, "max_age": 25, "at_most": 2},
            {"min_age": 25, "max_age": 30, "at_most": 2},
        ]
    }
    answer = await api.put(url, json=overlapping, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "age_bands"
    answer = await api.put(url, json={"first_timers": {"at_least": -1}}, headers=admin)
    assert answer.status_code == 422
    # Nothing was stored by the refusals.
    assert (await api.get(url, headers=admin)).json()["country_shares"] is None

    assert (await api.put(url, json=TARGETS, headers=admin)).status_code == 200
    stored = (await api.get(url, headers=admin)).json()
    assert stored["country_shares"] == TARGETS["country_shares"]


async def test_open_mode_events_have_no_targets(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin, slug="open-one")
    answer = await api.put(
        f"{V1}/events/{event['id']}/selection-targets", json=TARGETS, headers=admin
    )
    assert answer.status_code == 409


async def test_review_filter_and_sort_applications(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event_id, ids = await _applied(api, admin)
    url = f"{V1}/registrations/{ids['Aysel']}/review"
    answer = await api.put(url, json={"score": 5, "note": "Strong essay"}, headers=admin)
    assert answer.status_code == 200, answer.text
    await api.put(f"{V1}/registrations/{ids['Aram']}/review", json={"score": 3}, headers=admin)
    # A score outside 1-5 is refused and changes nothing.
    assert (await api.put(url, json={"score": 6}, headers=admin)).status_code == 422

    listing = f"{V1}/events/{event_id}/applications"
    by_score = (await api.get(listing, params={"sort": "score"}, headers=admin)).json()
    assert [a["name"] for a in by_score[:2]] == ["Aysel", "Aram"]
    assert by_score[0]["score"] == 5
    assert by_score[0]["note"] == "Strong essay"
    assert by_score[0]["first_timer"] is True
    women_az = (
        await api.get(listing, params={"country": "AZ", "gender": "female"}, headers=admin)
    ).json()
    assert [a["name"] for a in women_az] == ["Aysel"]
    undisclosed = (await api.get(listing, params={"gender": "undisclosed"}, headers=admin)).json()
    assert [a["name"] for a in undisclosed] == ["Sam"]
    young = (await api.get(listing, params={"min_age": 18, "max_age": 25}, headers=admin)).json()
    # Ages in 2027, the event's year.
    assert {a["name"] for a in young} == {"Aysel", "Elvin"}
    page = (
        await api.get(listing, params={"sort": "score", "limit": 1, "offset": 1}, headers=admin)
    ).json()
    assert [a["name"] for a in page] == ["Aram"]
    scored = (await api.get(listing, params={"min_score": 4}, headers=admin)).json()
    assert [a["name"] for a in scored] == ["Aysel"]
    assert (await api.get(listing, params={"min_score": 0}, headers=admin)).status_code == 422


async def test_propose_swap_confirm_tells_everyone_once(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    event_id, ids = await _applied(api, admin)
    names = {registration_id: name for name, registration_id in ids.items()}
    await api.put(f"{V1}/events/{event_id}/selection-targets", json=TARGETS, headers=admin)
    await api.put(f"{V1}/registrations/{ids['Armen']}/review", json={"score": 5}, headers=admin)

    made = await api.post(f"{V1}/events/{event_id}/proposals", json={"seed": 11}, headers=admin)
    assert made.status_code == 201, made.text
    proposal = made.json()
    chosen = {names[key] for key in proposal["selected"]}
    # Two per country and parity: Ani and Aysel are the only women of their countries,
    # and Armen's 5 puts him in over Aram.
    assert len(chosen) == 4
    assert {"Ani", "Armen", "Aysel"} <= chosen
    assert proposal["missed"] == {}
    assert proposal["seed"] == 11
    assert len(proposal["input_digest"]) == 64
    recorded = await api.get(f"{V1}/proposals/{proposal['id']}/inputs", headers=admin)
    rerun_there = rerun(recorded.json())
    assert rerun_there.digest == proposal["input_digest"]
    assert rerun_there.selected == proposal["selected"]
    again = await api.post(f"{V1}/events/{event_id}/proposals", json={"seed": 11}, headers=admin)
    assert again.json()["selected"] == proposal["selected"]
    assert again.json()["input_digest"] == proposal["input_digest"]
    proposal = again.json()

    balance = (await api.get(f"{V1}/events/{event_id}/balance", headers=admin)).json()
    assert balance["proposal_id"] == proposal["id"]
    assert (balance["confirmed"], balance["proposed"]) == (0, 4)
    assert all(result["met"] for result in balance["results"])

    # Swapping Ani out for Aram keeps two per country but one woman fewer: the balance
    # is recomputed on the spot.
    swap_url = f"{V1}/proposals/{proposal['id']}/swap"
    swapped = await api.post(
        swap_url, json={"take_out": ids["Ani"], "take_in": ids["Aram"]}, headers=admin
    )
    assert swapped.status_code == 200, swapped.text
    assert ids["Aram"] in swapped.json()["selected"]
    assert ids["Ani"] in swapped.json()["waitlist"]
    results = {r["name"]: r for r in swapped.json()["results"]}
    assert results["country_shares"]["met"]
    assert results["gender_parity"]["counts"]["female"] == 1
    # A swap of someone not selected is refused and changes nothing.
    refused = await api.post(
        swap_url, json={"take_out": ids["Ani"], "take_in": ids["Aram"]}, headers=admin
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "take_out"
    assert (await api.get(f"{V1}/proposals/{proposal['id']}", headers=admin)).json()[
        "selected"
    ] == swapped.json()["selected"]

    confirm_url = f"{V1}/proposals/{proposal['id']}/confirm"
    confirmed = await api.post(confirm_url, headers=admin)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["state"] == "confirmed"
    # A retry changes nothing and queues nothing more.
    assert (await api.post(confirm_url, headers=admin)).json() == confirmed.json()

    listing = (await api.get(f"{V1}/events/{event_id}/applications", headers=admin)).json()
    status_of = {a["registration_id"]: a["status"] for a in listing}
    assert {status_of[key] for key in confirmed.json()["selected"]} == {"confirmed"}
    assert {status_of[key] for key in confirmed.json()["waitlist"]} == {"waitlisted"}
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.registration_id, OutboxMessage.params).where(
                    OutboxMessage.event_id == event_id, OutboxMessage.kind == "decision"
                )
            )
        ).all()
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action.in_(["registration.confirm", "registration.waitlist"]))
        )
    assert sorted(row[0] for row in rows) == sorted(ids.values())
    positions = {row[0]: row[1].get("position") for row in rows}
    assert [positions[key] for key in confirmed.json()["waitlist"]] == list(
        range(1, len(confirmed.json()["waitlist"]) + 1)
    )
    assert all(row[1]["proposal_id"] == proposal["id"] for row in rows)
    assert audited == len(ids)
    # The first proposal was superseded by the second: it can no longer be confirmed.
    old = await api.post(f"{V1}/proposals/{made.json()['id']}/confirm", headers=admin)
    assert old.status_code == 409


async def test_organisers_see_only_their_programmes_proposals(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    event_id, _ = await _applied(api, admin)
    made = await api.post(f"{V1}/events/{event_id}/proposals", json={}, headers=admin)
    assert made.status_code == 201
    other = {"slug": "forum", "kind": "economic_forum", "title": {"en": "Forum"}}
    assert (await api.post(f"{V1}/programmes", json=other, headers=admin)).status_code == 201
    stranger = await token_headers(Role.ORGANISER, ["forum"])
    mine = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    proposal_url = f"{V1}/proposals/{made.json()['id']}"
    assert (await api.get(proposal_url, headers=stranger)).status_code == 403
    assert (await api.post(f"{proposal_url}/confirm", headers=stranger)).status_code == 403
    listing = f"{V1}/events/{event_id}/applications"
    assert (await api.get(listing, headers=stranger)).status_code == 403
    assert (await api.get(listing, headers=mine)).status_code == 200
    assert (await api.get(proposal_url, headers=mine)).status_code == 200


async def test_an_event_cannot_shrink_under_its_targets(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event_id, _ = await _applied(api, admin)
    await api.put(f"{V1}/events/{event_id}/selection-targets", json=TARGETS, headers=admin)
    shrunk = await api.patch(f"{V1}/events/{event_id}", json={"capacity": 3}, headers=admin)
    assert shrunk.status_code == 422
    assert shrunk.json()["errors"][0]["field"] == "capacity"
    assert (await api.get(f"{V1}/events/{event_id}", headers=admin)).json()["capacity"] == 4
    quota = await api.patch(
        f"{V1}/events/{event_id}", json={"country_quotas": {"AM": 1}}, headers=admin
    )
    assert quota.status_code == 422
    assert quota.json()["errors"][0]["field"] == "country_quotas"
    grown = await api.patch(f"{V1}/events/{event_id}", json={"capacity": 6}, headers=admin)
    assert grown.status_code == 200


async def test_a_hybrid_event_selects_its_room_and_its_stream_apart(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    hybrid = {
        "attendance_mode": "hybrid",
        "online_capacity": 2,
        "join_url": "https://meet.example.org/summer-school",
    }
    event = await published_event(api, admin, mode="application", capacity=2, **hybrid)
    event_id = event["id"]
    parts = {"Ani": "in_person", "Aram": "in_person", "Armen": "in_person"}
    parts |= {"Aysel": "online", "Elvin": "online", "Kamran": "online"}
    ids = {}
    for name, country, gender, born in PEOPLE[:6]:
        person = {"name": name, "country": country, "gender": gender, "birth_year": born}
        answer = await api.post(
            f"{V1}/events/{event_id}/registrations",
            json={"participant": person, "participation": parts[name]},
            headers=admin,
        )
        assert answer.status_code == 201, answer.text
        ids[name] = answer.json()["id"]
    targets = f"{V1}/events/{event_id}/selection-targets"

    # Without the part, every selection route says which field is missing, and stores
    # nothing.
    for refused in (
        await api.put(targets, json=TARGETS, headers=admin),
        await api.get(targets, headers=admin),
        await api.get(f"{V1}/events/{event_id}/balance", headers=admin),
        await api.post(f"{V1}/events/{event_id}/proposals", json={}, headers=admin),
    ):
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "participation"

    parity = {"gender_parity": {"tolerance": 0}}
    online = await api.put(f"{targets}?participation=online", json=parity, headers=admin)
    assert online.status_code == 200, online.text
    # Too many seats for the stream's two.
    shares = {"country_shares": {"seats": {"AZ": 3}}}
    too_many = await api.put(f"{targets}?participation=online", json=shares, headers=admin)
    assert too_many.status_code == 422
    room = await api.get(f"{targets}?participation=in_person", headers=admin)
    assert room.json()["gender_parity"] is None
    stream = await api.get(f"{targets}?participation=online", headers=admin)
    assert stream.json()["gender_parity"] == {"tolerance": 0}

    made = await api.post(
        f"{V1}/events/{event_id}/proposals",
        json={"participation": "online", "seed": 11},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    proposal = made.json()
    assert proposal["participation"] == "online"
    chosen = set(proposal["selected"])
    assert ids["Aysel"] in chosen  # the only woman online
    assert len(chosen) == 2
    assert chosen <= {ids["Aysel"], ids["Elvin"], ids["Kamran"]}
    assert proposal["missed"] == {}
    balance = await api.get(f"{V1}/events/{event_id}/balance?participation=online", headers=admin)
    assert balance.json() | {"results": None, "targets": None} == {
        "event_id": event_id,
        "participation": "online",
        "capacity": 2,
        "confirmed": 0,
        "proposed": 2,
        "proposal_id": proposal["id"],
        "results": None,
        "targets": None,
    }
    confirmed = await api.post(f"{V1}/proposals/{proposal['id']}/confirm", headers=admin)
    assert confirmed.status_code == 200, confirmed.text

    room_made = await api.post(
        f"{V1}/events/{event_id}/proposals", json={"participation": "in_person"}, headers=admin
    )
    assert room_made.status_code == 201
    assert set(room_made.json()["selected"]) <= {ids["Ani"], ids["Aram"], ids["Armen"]}
    assert len(room_made.json()["selected"]) == 2
