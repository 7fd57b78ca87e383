"""Participants over HTTP: look-up and erasure."""

import httpx

from events.enums import Role
from tests.api.builders import published_event, register
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
