"""Health and the published OpenAPI document."""

import httpx


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
