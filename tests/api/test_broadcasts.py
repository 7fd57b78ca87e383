"""Broadcasts over HTTP: preview the audience, send or schedule, follow delivery, cancel."""

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.broadcasts import release_due_broadcasts
from events.enums import Role
from events.models import OutboxMessage
from events.outbox.queue import State
from tests.api.builders import SUMMER_SCHOOL, event_body, published_event, register
from tests.api.conftest import ManualClock, TokenFactory

TEXTS = {
    "en": "<b>The bus</b> leaves the hotel at 9:00.",
    "hy": "<b>Ավտոբուսը</b> մեկնում է հյուրանոցից ժամը 9:00-ին։",
    "ru": "<b>Автобус</b> отправляется от гостиницы в 9:00.",
}


async def _crowd(api: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """An event of three seats: two Georgians and an Armenian confirmed, an Armenian
    waitlisted."""
    event = await published_event(api, admin, capacity=3)
    people = [
        ("Ani", "AM", "hy"),
        ("Nino", "GE", "ka"),
        ("Giorgi", "GE", "ru"),
        ("Aram", "AM", "en"),
    ]
    for number, (name, country, language) in enumerate(people):
        answer = await register(
            api,
            admin,
            event["id"],
            name,
            telegram_user_id=700 + number,
            country=country,
            language=language,
        )
        assert answer.status_code == 201, answer.text
    return event


async def _set_states(
    sessionmaker: async_sessionmaker[AsyncSession], broadcast_id: int, state: State, count: int
) -> None:
    """What the dispatcher would have recorded for ``count`` of the broadcast's rows."""
    async with sessionmaker() as session:
        ids = (
            await session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.broadcast_id == broadcast_id,
                    OutboxMessage.state == State.PENDING,
                )
                .limit(count)
            )
        ).all()
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(state=state)
        )
        await session.commit()


async def test_preview_then_send_now_then_follow_delivery(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    event = await _crowd(api, admin)
    base = f"/api/v1/events/{event['id']}/broadcasts"

    preview = await api.post(f"{base}/preview", json={}, headers=admin)
    assert preview.status_code == 200, preview.text
    assert preview.json() == {"recipients": 3}
    georgians = await api.post(f"{base}/preview", json={"countries": ["ge"]}, headers=admin)
    assert georgians.json() == {"recipients": 2}
    waiting = await api.post(f"{base}/preview", json={"statuses": ["waitlisted"]}, headers=admin)
    assert waiting.json() == {"recipients": 1}
    no_body = await api.post(f"{base}/preview", headers=admin)
    assert no_body.json() == {"recipients": 3}

    created = await api.post(base, json={"texts": TEXTS}, headers=admin)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["event_id"] == event["id"]
    assert body["state"] == "sending"
    assert body["texts"] == TEXTS
    assert body["audience"]["statuses"] == ["confirmed", "offered", "attended"]
    assert (body["recipients"], body["queued"], body["sent"]) == (3, 3, 0)

    await _set_states(sessionmaker, body["id"], State.SENT, 2)
    await _set_states(sessionmaker, body["id"], State.BLOCKED, 1)
    report = await api.get(f"/api/v1/broadcasts/{body['id']}", headers=admin)
    assert report.status_code == 200
    counts = {key: report.json()[key] for key in ("state", "queued", "sent", "blocked")}
    assert counts == {"state": "done", "queued": 0, "sent": 2, "blocked": 1}

    listed = await api.get(base, headers=admin)
    assert [item["id"] for item in listed.json()] == [body["id"]]


async def test_a_scheduled_broadcast_waits_and_can_be_cancelled(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    clock: ManualClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    event = await _crowd(api, admin)
    send_at = clock.now + timedelta(hours=3)
    created = await api.post(
        f"/api/v1/events/{event['id']}/broadcasts",
        json={"texts": {"en": "Doors open at 18:00."}, "send_at": send_at.isoformat()},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    broadcast_id = created.json()["id"]
    assert (created.json()["state"], created.json()["recipients"]) == ("scheduled", 0)

    clock.advance(hours=3)
    async with sessionmaker() as session:
        assert await release_due_broadcasts(session, clock.now) == 1
    released = await api.get(f"/api/v1/broadcasts/{broadcast_id}", headers=admin)
    assert (released.json()["state"], released.json()["queued"]) == ("sending", 3)
    await _set_states(sessionmaker, broadcast_id, State.SENT, 1)

    cancelled = await api.post(f"/api/v1/broadcasts/{broadcast_id}/cancel", headers=admin)

    assert cancelled.status_code == 200, cancelled.text
    counts = {key: cancelled.json()[key] for key in ("state", "queued", "sent", "cancelled")}
    assert counts == {"state": "cancelled", "queued": 0, "sent": 1, "cancelled": 2}
    again = await api.post(f"/api/v1/broadcasts/{broadcast_id}/cancel", headers=admin)
    assert again.status_code == 200
    assert again.json() == cancelled.json()


async def test_html_telegram_would_refuse_is_a_problem_naming_the_language(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    event = await _crowd(api, admin)
    base = f"/api/v1/events/{event['id']}/broadcasts"

    refused = await api.post(
        base, json={"texts": {"en": "Fine", "hy": "3 < 4 <b>bold"}}, headers=admin
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "invalid_input"
    [error] = refused.json()["errors"]
    assert error["field"] == "texts.hy"
    assert "&lt;" in error["message"]
    assert (await api.get(base, headers=admin)).json() == []


async def test_a_javascript_link_is_refused_before_anything_is_queued(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    event = await _crowd(api, admin)
    base = f"/api/v1/events/{event['id']}/broadcasts"

    refused = await api.post(
        base,
        json={"texts": {"en": '<a href=" Java&#x09;Script&#58;alert(1)">the programme</a>'}},
        headers=admin,
    )

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert error["field"] == "texts.en"
    assert "http, https or tg" in error["message"]
    assert (await api.get(base, headers=admin)).json() == []
    async with sessionmaker() as session:
        queued = select(OutboxMessage.id).where(OutboxMessage.broadcast_id.is_not(None))
        assert await session.scalar(queued.limit(1)) is None


async def test_bad_fields_are_refused_with_their_names(
    api: httpx.AsyncClient, admin: dict[str, str], clock: ManualClock
) -> None:
    event = await _crowd(api, admin)
    base = f"/api/v1/events/{event['id']}/broadcasts"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"texts": {}}, "texts"),
        ({"texts": {"fr": "Bonjour"}}, "texts.fr.[key]"),
        ({"texts": {"en": "Hi"}, "send_at": "2026-12-01T10:00:00"}, "send_at"),
        (
            {"texts": {"en": "Hi"}, "send_at": (clock.now - timedelta(hours=1)).isoformat()},
            "send_at",
        ),
        ({"texts": {"en": "Hi"}, "audience": {"countries": ["XX"]}}, "audience.countries.0"),
        ({"texts": {"en": "Hi"}, "audience": {"statuses": ["maybe"]}}, "audience.statuses.0"),
        ({"texts": {"en": "Hi"}, "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        answer = await api.post(base, json=body, headers=admin)
        assert answer.status_code == 422, (body, answer.text)
        assert field in {error["field"] for error in answer.json()["errors"]}, answer.text
    assert (await api.get(base, headers=admin)).json() == []


async def test_organisers_reach_only_their_own_programmes_broadcasts(
    api: httpx.AsyncClient, admin: dict[str, str], token_headers: TokenFactory
) -> None:
    event = await _crowd(api, admin)
    forum = {"slug": "economic-forum", "kind": "economic_forum", "title": {"en": "Forum"}}
    assert (await api.post("/api/v1/programmes", json=forum, headers=admin)).status_code == 201
    insider = await token_headers(Role.ORGANISER, [SUMMER_SCHOOL])
    outsider = await token_headers(Role.ORGANISER, ["economic-forum"])
    base = f"/api/v1/events/{event['id']}/broadcasts"
    created = await api.post(base, json={"texts": {"en": "Hello"}}, headers=insider)
    assert created.status_code == 201, created.text
    broadcast = f"/api/v1/broadcasts/{created.json()['id']}"

    assert (await api.post(f"{base}/preview", json={}, headers=outsider)).status_code == 403
    assert (
        await api.post(base, json={"texts": {"en": "Hi"}}, headers=outsider)
    ).status_code == 403
    assert (await api.get(base, headers=outsider)).status_code == 403
    assert (await api.get(broadcast, headers=outsider)).status_code == 404
    assert (await api.post(f"{broadcast}/cancel", headers=outsider)).status_code == 404
    assert (await api.get(broadcast)).status_code == 401
    assert (await api.post(f"{base}/preview", json={})).status_code == 401

    mine = await api.get(broadcast, headers=insider)
    assert (mine.status_code, mine.json()["state"]) == (200, "sending")


async def test_unknown_ids_and_draft_events(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await published_event(api, admin)
    draft = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/events",
        json=event_body("draft-edition"),
        headers=admin,
    )
    assert draft.status_code == 201

    refused = await api.post(
        f"/api/v1/events/{draft.json()['id']}/broadcasts",
        json={"texts": {"en": "Hi"}},
        headers=admin,
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    assert (await api.get("/api/v1/broadcasts/999", headers=admin)).status_code == 404
    assert (await api.post("/api/v1/broadcasts/999/cancel", headers=admin)).status_code == 404
    unknown_event = await api.post("/api/v1/events/999/broadcasts/preview", json={}, headers=admin)
    assert unknown_event.status_code == 404
