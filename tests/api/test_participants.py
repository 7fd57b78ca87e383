"""Participants over HTTP: look-up and erasure."""

from typing import Any

import httpx

from events.enums import Role
from tests.api.builders import SUMMER_SCHOOL, event_body, published_event, register
from tests.api.conftest import TokenFactory


async def test_look_up_by_telegram_id(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    event = await published_event(api, admin)
    await register(api, admin, event["id"], "Ani", telegram_user_id=4242, country="AM")
    found = await api.get("/api/v1/participants", params={"telegram_user_id": 4242}, headers=admin)
    assert [person["name"] for person in found.json()] == ["Ani"]
    assert found.json()[0]["registrations"][0]["event_id"] == event["id"]
    nobody = await api.get("/api/v1/participants", params={"telegram_user_id": 1}, headers=admin)
    assert nobody.json() == []
    bad = await api.get("/api/v1/participants", params={"telegram_user_id": "x"}, headers=admin)
    assert bad.status_code == 422

    await api.post(
        "/api/v1/programmes",
        json={"slug": "concerts", "kind": "concert", "title": {"en": "Concerts"}},
        headers=admin,
    )
    stranger = await token_headers(Role.ORGANISER, ["concerts"])
    hidden = await api.get(
        "/api/v1/participants", params={"telegram_user_id": 4242}, headers=stranger
    )
    assert hidden.json() == []
    person_id = found.json()[0]["id"]
    assert (
        await api.get(f"/api/v1/participants/{person_id}", headers=stranger)
    ).status_code == 404


async def test_erasure_removes_personal_data_and_keeps_counts(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    event = await published_event(api, admin, capacity=1)
    ani = (await register(api, admin, event["id"], "Ani", telegram_user_id=1, country="AM")).json()
    aysel = (await register(api, admin, event["id"], "Aysel", country="AZ")).json()
    organiser = await token_headers(Role.ORGANISER, ["youth-summer-school"])
    refused = await api.delete(f"/api/v1/participants/{ani['participant_id']}", headers=organiser)
    assert refused.status_code == 403

    erased = await api.delete(f"/api/v1/participants/{ani['participant_id']}", headers=admin)
    assert erased.status_code == 204
    person = (await api.get(f"/api/v1/participants/{ani['participant_id']}", headers=admin)).json()
    assert person["name"] == ""
    assert person["telegram_user_id"] is None
    assert person["erased_at"] is not None
    assert person["registrations"][0]["status"] == "cancelled"
    assert person["registrations"][0]["ticket_code"] is None
    # Ani's seat went to Aysel, and the counts still include Ani's cancelled registration.
    offered = await api.get(f"/api/v1/registrations/{aysel['id']}", headers=admin)
    assert offered.json()["status"] == "offered"
    stats = (await api.get(f"/api/v1/events/{event['id']}/statistics", headers=admin)).json()
    assert stats["by_status"]["cancelled"] == 1
    assert stats["by_country"]["AM"] == {"cancelled": 1}

    again = await api.delete(f"/api/v1/participants/{ani['participant_id']}", headers=admin)
    assert again.status_code == 410
    unknown = await api.delete("/api/v1/participants/999", headers=admin)
    assert unknown.status_code == 404


CONCERTS = "concerts"
ANI = {"telegram_user_id": 4242, "country": "AM", "language": "hy", "gender": "female"}
TAMAR = {"telegram_user_id": 5151, "country": "GE", "language": "ka", "gender": "female"}
# What an organiser of another programme types for the same Telegram user.
MALLORY = {"country": "AZ", "language": "ru", "gender": "male", "birth_year": 1990}


async def _concert(api: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """A published event in a second programme, "concerts"."""
    programme = {"slug": CONCERTS, "kind": "concert", "title": {"en": "Concerts"}}
    assert (await api.post("/api/v1/programmes", json=programme, headers=admin)).is_success
    await api.post(f"/api/v1/programmes/{CONCERTS}/publish", headers=admin)
    created = await api.post(
        f"/api/v1/programmes/{CONCERTS}/events",
        json=event_body("concert-2027", title={"en": "Joint concert"}),
        headers=admin,
    )
    assert created.status_code == 201, created.text
    event: dict[str, Any] = (
        await api.post(f"/api/v1/events/{created.json()['id']}/publish", headers=admin)
    ).json()
    return event


async def _profile(api: httpx.AsyncClient, headers: dict[str, str], telegram_id: int) -> Any:
    found = await api.get(
        "/api/v1/participants", params={"telegram_user_id": telegram_id}, headers=headers
    )
    assert found.status_code == 200, found.text
    return found.json()


def _said(person: dict[str, Any]) -> dict[str, Any]:
    """What a person said about themselves."""
    return {key: person[key] for key in ("name", "language", "country", "gender", "birth_year")}


async def test_no_organiser_can_overwrite_or_read_another_programmes_participant(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    school = await published_event(api, admin)
    concert = await _concert(api, admin)
    teacher = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    musician = await token_headers(Role.ORGANISER, [CONCERTS])
    ani = await register(api, teacher, school["id"], "Ani", birth_year=2001, **ANI)
    tamar = await register(api, musician, concert["id"], "Tamar", birth_year=1999, **TAMAR)
    assert (ani.status_code, tamar.status_code) == (201, 201), (ani.text, tamar.text)
    [ani_before] = await _profile(api, teacher, 4242)
    [tamar_before] = await _profile(api, musician, 5151)

    # Both directions: each organiser tries to register the other's participant.
    for headers, event, telegram_id in ((musician, concert, 4242), (teacher, school, 5151)):
        refused = await register(
            api, headers, event["id"], "Mallory", telegram_user_id=telegram_id, **MALLORY
        )
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "must_register_in_bot"
        assert "register in the bot" in refused.json()["detail"]
        assert "Ani" not in refused.text
        assert "Tamar" not in refused.text

    # Each owner reads their person back unchanged; the other organiser reads nothing.
    assert await _profile(api, teacher, 4242) == [ani_before]
    assert await _profile(api, musician, 5151) == [tamar_before]
    assert _said(ani_before) == {
        "name": "Ani",
        "language": "hy",
        "country": "AM",
        "gender": "female",
        "birth_year": 2001,
    }
    assert await _profile(api, musician, 4242) == []
    assert await _profile(api, teacher, 5151) == []
    for headers, person in ((musician, ani_before), (teacher, tamar_before)):
        hidden = await api.get(f"/api/v1/participants/{person['id']}", headers=headers)
        assert hidden.status_code == 404
    for headers, event, owner_sees in (
        (musician, concert, ["Tamar"]),
        (teacher, school, ["Ani"]),
    ):
        listed = await api.get(f"/api/v1/events/{event['id']}/registrations", headers=headers)
        assert [row["participant_name"] for row in listed.json()] == owner_sees
        exported = await api.get(
            f"/api/v1/events/{event['id']}/registrations.csv", headers=headers
        )
        assert "Mallory" not in exported.text
        assert ("Ani" in exported.text) == (owner_sees == ["Ani"])
    # The admin sees one profile per person, still as they said it.
    assert [_said(person) for person in await _profile(api, admin, 4242)] == [_said(ani_before)]


async def test_a_known_person_is_linked_as_they_are(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    school = await published_event(api, admin)
    next_school = await published_event(api, admin, slug="summer-school-2027-b")
    concert = await _concert(api, admin)
    teacher = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    musician = await token_headers(Role.ORGANISER, [CONCERTS])
    await register(api, teacher, school["id"], "Ani", birth_year=2001, **ANI)
    [before] = await _profile(api, teacher, 4242)

    # Her own programme's organiser registers her again: linked, her profile unchanged.
    again = await register(
        api, teacher, next_school["id"], "Mallory", telegram_user_id=4242, **MALLORY
    )
    assert again.status_code == 201, again.text
    assert again.json()["participant_id"] == before["id"]
    assert (again.json()["participant_name"], again.json()["country"]) == ("Ani", "AM")
    # An admin registers her for a concert: linked the same way; only now does the
    # concerts' organiser see her, and only her concert registration.
    assert (await _profile(api, musician, 4242)) == []
    linked = await register(api, admin, concert["id"], "Mallory", telegram_user_id=4242, **MALLORY)
    assert linked.status_code == 201, linked.text
    [seen] = await _profile(api, musician, 4242)
    assert _said(seen) == _said(before)
    assert [row["event_id"] for row in seen["registrations"]] == [concert["id"]]
    [after] = await _profile(api, teacher, 4242)
    assert _said(after) == _said(before)
    assert [row["event_id"] for row in after["registrations"]] == [school["id"], next_school["id"]]
