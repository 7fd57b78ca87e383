"""API tokens, roles and the programmes an organiser manages (events.access)."""

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM, authenticate, create_token, revoke_token
from events.enums import Role
from events.errors import Forbidden, InvalidInput, NotFound
from events.models import ApiToken
from events.principals import Principal
from tests.factories import create_programme


async def test_admin_token_authenticates_until_revoked(
    session: AsyncSession, now: datetime
) -> None:
    token, secret = await create_token(session, now, role=Role.ADMIN, name="ops")

    assert secret.startswith("rb_")
    assert len(secret) > 40
    # Only the hash is stored.
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.token_hash

    principal = await authenticate(session, secret)
    assert principal == Principal(f"token:{token.id}", Role.ADMIN, frozenset())
    assert principal.is_admin

    await revoke_token(session, now + timedelta(days=1), token.id)

    assert await authenticate(session, secret) is None


async def test_organiser_token_manages_only_its_programmes(
    session: AsyncSession, now: datetime
) -> None:
    school = await create_programme(session, now, slug="summer-school")
    forum = await create_programme(session, now, slug="forum", kind="economic_forum")
    await create_programme(session, now, slug="town-hall", kind="town_hall")

    _token, secret = await create_token(
        session,
        now,
        role=Role.ORGANISER,
        name="forum team",
        programme_slugs=["summer-school", "forum"],
    )
    principal = await authenticate(session, secret)

    assert principal is not None
    assert principal.role is Role.ORGANISER
    assert principal.programme_ids == frozenset({school.id, forum.id})
    assert not principal.is_admin
    with pytest.raises(Forbidden):
        principal.ensure_admin()
    with pytest.raises(Forbidden):
        principal.ensure_manages(school.id + forum.id + 100)


async def test_organiser_token_without_programme_is_refused(
    session: AsyncSession, now: datetime
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await create_token(session, now, role=Role.ORGANISER, name="nobody's")
    await session.rollback()

    assert raised.value.field == "programme"
    assert await session.scalar(select(func.count()).select_from(ApiToken)) == 0


async def test_unknown_programme_or_non_admin_creator_is_refused(
    session: AsyncSession, now: datetime
) -> None:
    programme = await create_programme(session, now)
    organiser = Principal("token:1", Role.ORGANISER, frozenset({programme.id}))

    with pytest.raises(NotFound):
        await create_token(
            session, now, role=Role.ORGANISER, name="x", programme_slugs=["no-such-programme"]
        )
    await session.rollback()
    with pytest.raises(Forbidden):
        await create_token(session, now, role=Role.ADMIN, name="escalation", actor=organiser)
    await session.rollback()

    assert await session.scalar(select(func.count()).select_from(ApiToken)) == 0


async def test_unknown_secret_does_not_authenticate(session: AsyncSession, now: datetime) -> None:
    await create_token(session, now, role=Role.ADMIN, name="ops")

    assert await authenticate(session, "rb_not-a-real-secret") is None
    assert await authenticate(session, "") is None


async def test_revoking_an_unknown_token_is_not_found(
    session: AsyncSession, now: datetime
) -> None:
    with pytest.raises(NotFound):
        await revoke_token(session, now, 12345)


def test_system_is_an_admin() -> None:
    assert SYSTEM.is_admin
    assert SYSTEM.can_manage(1)
