"""Tokens over HTTP: admins list and revoke them, revocation bites at once, last use is
shown, and a checker's token opens the check-in of its programmes' events and nothing
else."""

from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import create_token
from events.enums import Role
from events.models import ApiToken, AuditEntry
from tests.api.builders import SUMMER_SCHOOL, published_event, register
from tests.api.conftest import ManualClock


async def _token(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    role: Role,
    programmes: list[str] | None = None,
    telegram_user_id: int | None = None,
) -> tuple[int, dict[str, str], str]:
    async with sessionmaker() as session:
        token, secret = await create_token(
            session,
            now,
            role=role,
            name=f"{role.value} token",
            programme_slugs=programmes,
            telegram_user_id=telegram_user_id,
        )
    return token.id, {"Authorization": f"Bearer {secret}"}, secret


async def test_admins_list_tokens_with_their_last_use_and_never_a_secret(
    api: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    clock: ManualClock,
) -> None:
    admin_id, admin, admin_secret = await _token(sessionmaker, now, Role.ADMIN)
    await published_event(api, admin)
    checker_id, checker, checker_secret = await _token(
        sessionmaker, now, Role.CHECKER, [SUMMER_SCHOOL], telegram_user_id=4242
    )
    # Used once now (within the same minute as the admin's earlier calls) and once later.
    clock.advance(minutes=5)
    await api.post("/api/v1/events/1/check-in", json={"ticket_code": "x"}, headers=checker)

    answer = await api.get("/api/v1/tokens", headers=admin)

    assert answer.status_code == 200, answer.text
    listed = answer.json()
    assert [token["id"] for token in listed] == [admin_id, checker_id]
    assert listed[1] == {
        "id": checker_id,
        "name": "checker token",
        "role": "checker",
        "programmes": [SUMMER_SCHOOL],
        "created_at": "2026-11-28T12:00:00Z",
        "last_used_at": "2026-11-28T12:05:00Z",
        "revoked_at": None,
        "telegram_user_id": 4242,
    }
    # The listing request is itself a use of the admin's token.
    assert listed[0]["last_used_at"] == "2026-11-28T12:05:00Z"
    async with sessionmaker() as session:
        hashes = list(await session.scalars(select(ApiToken.token_hash)))
    for secret in (admin_secret, checker_secret, *hashes):
        assert secret not in answer.text


async def test_the_admin_token_last_use_is_written_once_a_minute(
    api: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    clock: ManualClock,
) -> None:
    admin_id, admin, _secret = await _token(sessionmaker, now, Role.ADMIN)

    async def last_used() -> object:
        listed = (await api.get("/api/v1/tokens", headers=admin)).json()
        return next(token["last_used_at"] for token in listed if token["id"] == admin_id)

    assert await last_used() == "2026-11-28T12:00:00Z"
    clock.advance(seconds=59)
    assert await last_used() == "2026-11-28T12:00:00Z"
    clock.advance(seconds=1)
    assert await last_used() == "2026-11-28T12:01:00Z"


async def test_revoking_a_token_refuses_it_at_once_and_is_audited(
    api: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    clock: ManualClock,
) -> None:
    admin_id, admin, _secret = await _token(sessionmaker, now, Role.ADMIN)
    event = await published_event(api, admin)
    organiser_id, organiser, _secret = await _token(
        sessionmaker, now, Role.ORGANISER, [SUMMER_SCHOOL]
    )
    statistics = f"/api/v1/events/{event['id']}/statistics"
    assert (await api.get(statistics, headers=organiser)).status_code == 200

    clock.advance(hours=1)
    revoked = await api.post(f"/api/v1/tokens/{organiser_id}/revoke", headers=admin)

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] == "2026-11-28T13:00:00Z"
    refused = await api.get(statistics, headers=organiser)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    # Public reads with a revoked token are refused too, rather than quietly anonymous.
    assert (await api.get("/api/v1/events", headers=organiser)).status_code == 401
    clock.advance(hours=1)
    again = await api.post(f"/api/v1/tokens/{organiser_id}/revoke", headers=admin)
    assert again.json()["revoked_at"] == "2026-11-28T13:00:00Z"
    async with sessionmaker() as session:
        entries = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "token.revoke"))
        )
    assert [(entry.actor, entry.subject_id) for entry in entries] == [
        (f"token:{admin_id}", organiser_id)
    ]
    trail = (await api.get("/api/v1/audit", headers=admin)).json()
    assert trail[0]["action"] == "token.revoke"
    assert trail[0]["subject_id"] == organiser_id


async def test_only_admins_manage_tokens(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    await published_event(api, admin)
    organiser_id, organiser, _secret = await _token(
        sessionmaker, now, Role.ORGANISER, [SUMMER_SCHOOL]
    )
    _checker_id, checker, _secret = await _token(sessionmaker, now, Role.CHECKER, [SUMMER_SCHOOL])
    for headers, expected in ((organiser, 403), (checker, 403), ({}, 401)):
        listed = await api.get("/api/v1/tokens", headers=headers)
        assert listed.status_code == expected, listed.text
        assert listed.headers["content-type"] == "application/problem+json"
        revoked = await api.post(f"/api/v1/tokens/{organiser_id}/revoke", headers=headers)
        assert revoked.status_code == expected, revoked.text
    # The organiser's token still works.
    assert (await api.get("/api/v1/audit", headers=organiser)).status_code == 200

    for token_id, expected in (("99", 404), ("0", 422), ("99999999999999999999", 422)):
        answer = await api.post(f"/api/v1/tokens/{token_id}/revoke", headers=admin)
        assert answer.status_code == expected, answer.text
        assert answer.headers["content-type"] == "application/problem+json"


async def test_a_checker_checks_people_in_at_its_programmes_events_only(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    event = await published_event(api, admin)
    other_programme = {"slug": "concerts", "kind": "concert", "title": {"en": "Concerts"}}
    assert (await api.post("/api/v1/programmes", json=other_programme, headers=admin)).is_success
    checker_id, checker, _secret = await _token(sessionmaker, now, Role.CHECKER, [SUMMER_SCHOOL])
    _id, elsewhere, _secret = await _token(sessionmaker, now, Role.CHECKER, ["concerts"])
    ani = (await register(api, admin, event["id"], "Ani", telegram_user_id=7, country="AM")).json()
    assert ani["country"] == "AM"
    check_in = f"/api/v1/events/{event['id']}/check-in"
    ticket = {"ticket_code": ani["ticket_code"]}

    refused = await api.post(check_in, json=ticket, headers=elsewhere)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    checked = await api.post(check_in, json=ticket, headers=checker)
    assert checked.status_code == 200, checked.text
    assert checked.json()["status"] == "attended"
    assert checked.json()["participant_name"] == "Ani"
    # The door sees no more of the person than it needs.
    assert (checked.json()["country"], checked.json()["gender"]) == (None, None)
    assert checked.json()["answers"] == {}
    assert (await api.post(check_in, json=ticket, headers=checker)).status_code == 409
    # Nothing else, not even what anyone may read without a token.
    for path in (
        f"/api/v1/registrations/{ani['id']}",
        f"/api/v1/events/{event['id']}/registrations",
        f"/api/v1/events/{event['id']}",
        "/api/v1/programmes",
    ):
        answer = await api.get(path, headers=checker)
        assert answer.status_code == 403, (path, answer.text)
    # A checker creates nothing either.
    assert (await api.post("/api/v1/programmes", json={}, headers=checker)).status_code == 403
    # The audit log names the checker's token as the one who checked Ani in.
    async with sessionmaker() as session:
        actors = list(
            await session.scalars(
                select(AuditEntry.actor).where(AuditEntry.action == "registration.check_in")
            )
        )
    assert actors == [f"token:{checker_id}"]
