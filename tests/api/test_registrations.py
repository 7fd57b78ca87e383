"""Registrations over HTTP: organisers register people, decide, export, check in."""

import csv
import io

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.enums import Role
from events.models import Registration
from tests.api.builders import published_event, register
from tests.api.conftest import ManualClock, TokenFactory

QUESTIONS = [
    {"key": "motivation", "kind": "text", "prompt": {"en": "Why do you want to come?"}},
    {
        "key": "track",
        "kind": "choice",
        "prompt": {"en": "Which track?"},
        "choices": [
            {"key": "economy", "label": {"en": "Economy"}},
            {"key": "culture", "label": {"en": "Culture and media"}},
        ],
    },
]


async def test_open_mode_confirms_then_waitlists(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin, capacity=2)
    statuses = []
    for index, name in enumerate(["Ani", "Aysel", "Nino"]):
        answer = await register(api, admin, event["id"], name, telegram_user_id=100 + index)
        assert answer.status_code == 201, answer.text
        statuses.append(answer.json()["status"])
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    refreshed = await api.get(f"/api/v1/events/{event['id']}")
    assert refreshed.json()["seats_left"] == 0


async def test_a_second_registration_is_refused_without_a_duplicate(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin)
    first = await register(api, admin, event["id"], "Ani", telegram_user_id=7)
    assert first.status_code == 201
    second = await register(api, admin, event["id"], "Ani", telegram_user_id=7)
    assert second.status_code == 409
    assert second.json()["code"] == "already_registered"
    assert second.json()["registration_id"] == first.json()["id"]
    rows = await api.get(f"/api/v1/events/{event['id']}/registrations", headers=admin)
    assert len(rows.json()) == 1


async def test_application_answers_are_validated(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin, mode="application", questions=QUESTIONS)
    bad = await register(
        api, admin, event["id"], "Ani", answers={"track": "sports", "colour": "red"}
    )
    assert bad.status_code == 422
    fields = {error["field"] for error in bad.json()["errors"]}
    assert fields == {"answers.motivation", "answers.track", "answers.colour"}
    rows = await api.get(f"/api/v1/events/{event['id']}/registrations", headers=admin)
    assert rows.json() == []

    good = await register(
        api,
        admin,
        event["id"],
        "Ani",
        answers={"motivation": "  To meet\u200b peers  ", "track": "culture"},
    )
    assert good.status_code == 201
    assert good.json()["status"] == "applied"
    assert good.json()["answers"] == {"motivation": "To meet peers", "track": "culture"}


async def test_decisions_respect_capacity_and_quotas(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(
        api, admin, mode="application", capacity=2, country_quotas={"AM": 1, "AZ": 1}
    )
    ids = []
    for name, country in [("Ani", "AM"), ("Armen", "AM"), ("Aysel", "AZ")]:
        answer = await register(api, admin, event["id"], name, country=country)
        ids.append(answer.json()["id"])

    async def decide(registration_id: int, decision: str) -> httpx.Response:
        return await api.post(
            f"/api/v1/registrations/{registration_id}/decision",
            json={"decision": decision},
            headers=admin,
        )

    confirmed = await decide(ids[0], "confirm")
    assert confirmed.json()["status"] == "confirmed"
    over_quota = await decide(ids[1], "confirm")
    assert over_quota.status_code == 409
    assert over_quota.json()["code"] == "no_seat_available"
    waitlisted = await decide(ids[1], "waitlist")
    assert waitlisted.json()["status"] == "waitlisted"
    assert (await decide(ids[2], "confirm")).json()["status"] == "confirmed"
    bad = await api.post(
        f"/api/v1/registrations/{ids[2]}/decision", json={"decision": "maybe"}, headers=admin
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "decision"
    again = await decide(ids[2], "reject")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"

    stats = (await api.get(f"/api/v1/events/{event['id']}/statistics", headers=admin)).json()
    assert stats["by_status"]["confirmed"] == 2
    assert stats["by_status"]["waitlisted"] == 1
    assert stats["by_country"] == {"AM": {"confirmed": 1, "waitlisted": 1}, "AZ": {"confirmed": 1}}
    assert stats["seats_left"] == 0


async def test_a_cancelled_seat_is_offered_and_can_be_accepted(
    api: httpx.AsyncClient, admin: dict[str, str], clock: ManualClock
) -> None:
    event = await published_event(api, admin, capacity=1, offer_valid_hours=24)
    first = (await register(api, admin, event["id"], "Ani")).json()
    second = (await register(api, admin, event["id"], "Aysel")).json()
    third = (await register(api, admin, event["id"], "Nino")).json()
    assert [first["status"], second["status"], third["status"]] == [
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    cancelled = await api.post(f"/api/v1/registrations/{first['id']}/cancel", headers=admin)
    assert cancelled.json() == {"offered": [second["id"]]}
    offers = (await api.get(f"/api/v1/events/{event['id']}/offers", headers=admin)).json()
    assert [offer["id"] for offer in offers] == [second["id"]]

    declined = await api.post(f"/api/v1/registrations/{second['id']}/offer/decline", headers=admin)
    assert declined.json() == {"offered": [third["id"]]}
    clock.advance(hours=25)
    late = await api.post(f"/api/v1/registrations/{third['id']}/offer/accept", headers=admin)
    assert late.status_code == 410
    assert late.json()["code"] == "offer_expired"


async def test_accepting_an_offer_in_time_confirms(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await published_event(api, admin, capacity=1)
    first = (await register(api, admin, event["id"], "Ani")).json()
    second = (await register(api, admin, event["id"], "Aysel")).json()
    await api.post(f"/api/v1/registrations/{first['id']}/cancel", headers=admin)
    accepted = await api.post(f"/api/v1/registrations/{second['id']}/offer/accept", headers=admin)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "confirmed"
    twice = await api.post(f"/api/v1/registrations/{second['id']}/offer/accept", headers=admin)
    assert twice.status_code == 409


async def test_check_in_by_ticket_code(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    event = await published_event(api, admin, capacity=1)
    confirmed = (await register(api, admin, event["id"], "Ani")).json()
    waitlisted = (await register(api, admin, event["id"], "Aysel")).json()
    path = f"/api/v1/events/{event['id']}/check-in"
    checked = await api.post(path, json={"ticket_code": confirmed["ticket_code"]}, headers=admin)
    assert checked.status_code == 200
    assert checked.json()["status"] == "attended"
    assert checked.json()["checked_in_at"] is not None
    twice = await api.post(path, json={"ticket_code": confirmed["ticket_code"]}, headers=admin)
    assert twice.json()["code"] == "already_checked_in"
    not_confirmed = await api.post(
        path, json={"ticket_code": waitlisted["ticket_code"]}, headers=admin
    )
    assert not_confirmed.json()["code"] == "ticket_not_valid"
    unknown = await api.post(path, json={"ticket_code": "forged"}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "ticket_not_valid"


async def test_filters_and_csv_export(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    event = await published_event(api, admin, capacity=2)
    await register(api, admin, event["id"], "<b>Ani</b> & co", country="AM", gender="female")
    await register(api, admin, event["id"], "=HYPERLINK(1)", country="AZ", gender="male")
    await register(api, admin, event["id"], "Nino", country="GE", gender="female")
    base = f"/api/v1/events/{event['id']}/registrations"

    by_gender = await api.get(base, params={"gender": "female"}, headers=admin)
    assert [row["participant_name"] for row in by_gender.json()] == ["<b>Ani</b> & co", "Nino"]
    by_country = await api.get(base, params={"country": "az"}, headers=admin)
    assert [row["participant_name"] for row in by_country.json()] == ["=HYPERLINK(1)"]
    by_status = await api.get(base, params={"status": "waitlisted"}, headers=admin)
    assert [row["participant_name"] for row in by_status.json()] == ["Nino"]
    bad_filter = await api.get(base, params={"status": "vip", "country": "ZZZ"}, headers=admin)
    assert bad_filter.status_code == 422
    assert {error["field"] for error in bad_filter.json()["errors"]} == {"status", "country"}

    exported = await api.get(f"{base}.csv", headers=admin)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["participant_name"] for row in rows] == [
        "<b>Ani</b> & co",
        "'=HYPERLINK(1)",  # defused for spreadsheets
        "Nino",
    ]
    assert [row["status"] for row in rows] == ["confirmed", "confirmed", "waitlisted"]


async def test_csv_export_keeps_identifiers_and_plain_numbers_exact(
    api: httpx.AsyncClient, admin: dict[str, str], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    event = await published_event(api, admin, capacity=3)
    dashed = (await register(api, admin, event["id"], "-Ani", telegram_user_id=501)).json()
    plain = (await register(api, admin, event["id"], "＝1+1", telegram_user_id=502)).json()
    # About one ticket code in 64 starts with "-" (token_urlsafe): it must stay usable.
    async with sessionmaker() as session:
        await session.execute(
            update(Registration)
            .where(Registration.id == dashed["id"])
            .values(ticket_code="-a1B2c3D4e5F6")
        )
        await session.commit()

    exported = await api.get(f"/api/v1/events/{event['id']}/registrations.csv", headers=admin)

    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["ticket_code"] for row in rows] == ["-a1B2c3D4e5F6", plain["ticket_code"]]
    assert [row["id"] for row in rows] == [str(dashed["id"]), str(plain["id"])]
    assert [row["participant_name"] for row in rows] == ["'-Ani", "'＝1+1"]
    checked_in = await api.post(
        f"/api/v1/events/{event['id']}/check-in",
        json={"ticket_code": rows[0]["ticket_code"]},
        headers=admin,
    )
    assert checked_in.status_code == 200, checked_in.text


async def test_organisers_see_only_their_programmes_registrations(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    event = await published_event(api, admin)
    registration = (await register(api, admin, event["id"], "Ani")).json()
    await api.post(
        "/api/v1/programmes",
        json={"slug": "concerts", "kind": "concert", "title": {"en": "Concerts"}},
        headers=admin,
    )
    stranger = await token_headers(Role.ORGANISER, ["concerts"])
    owner = await token_headers(Role.ORGANISER, ["youth-summer-school"])

    for path in (
        f"/api/v1/events/{event['id']}/registrations",
        f"/api/v1/events/{event['id']}/registrations.csv",
        f"/api/v1/events/{event['id']}/statistics",
    ):
        assert (await api.get(path, headers=stranger)).status_code == 403, path
        assert (await api.get(path, headers=owner)).status_code == 200, path
    hidden = await api.get(f"/api/v1/registrations/{registration['id']}", headers=stranger)
    assert hidden.status_code == 404
    decided = await api.post(
        f"/api/v1/registrations/{registration['id']}/cancel", headers=stranger
    )
    assert decided.status_code == 403
    sneaky = await register(api, stranger, event["id"], "Mallory")
    assert sneaky.status_code == 403
    rows = await api.get(f"/api/v1/events/{event['id']}/registrations", headers=owner)
    assert [row["participant_name"] for row in rows.json()] == ["Ani"]
