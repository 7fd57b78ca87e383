"""Health and the published OpenAPI document."""

import httpx

from tests.api.conftest import BOT_USERNAME, PUBLIC_URL


async def test_healthz(api: httpx.AsyncClient) -> None:
    answer = await api.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


async def test_openapi_documents_the_api(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    paths = document["paths"]
    for path in (
        "/api/v1/programmes",
        "/api/v1/events/{event_id}",
        "/api/v1/events/{event_id}/registrations",
        "/api/v1/events/{event_id}/registrations.csv",
        "/api/v1/events/{event_id}/statistics",
        "/api/v1/events/{event_id}/check-in",
        "/api/v1/registrations/{registration_id}/decision",
        "/api/v1/registrations/{registration_id}/offer/accept",
        "/api/v1/participants/{participant_id}",
        "/healthz",
    ):
        assert path in paths, path
    assert "bearer" in document["components"]["securitySchemes"]


async def test_the_bare_address_says_where_things_are(api: httpx.AsyncClient) -> None:
    index = (await api.get("/")).json()
    assert index["docs"] == f"{PUBLIC_URL}/docs"
    assert index["calendar"] == f"{PUBLIC_URL}/calendar/all.ics"
    assert index["bot"] == f"https://t.me/{BOT_USERNAME}"


async def test_a_validators_message_comes_without_pydantics_prefix(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    answer = await api.post(
        "/api/v1/programmes",
        json={"slug": "plain", "kind": "other", "title": {"xx": "Title"}},
        headers=admin,
    )
    assert answer.status_code == 422
    messages = [error["message"] for error in answer.json()["errors"]]
    assert messages
    assert not [message for message in messages if message.startswith("Value error")]
    assert "Value error" not in answer.json()["detail"]
