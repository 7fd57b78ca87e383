"""API tokens, roles and the programmes an organiser manages (events.access)."""

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import (
    LAST_USE_RESOLUTION,
    SYSTEM,
    authenticate,
    create_token,
    ensure_general_api_use,
    list_tokens,
    may_organise,
    revoke_token,
)
from events.enums import Role
from events.errors import Forbidden, InvalidInput, NotFound
from events.models import ApiToken, AuditEntry
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


async def test_a_checker_only_checks_in_for_its_programmes(
    session: AsyncSession, now: datetime
) -> None:
    school = await create_programme(session, now, slug="summer-school")
    forum = await create_programme(session, now, slug="forum", kind="economic_forum")
    _token, secret = await create_token(
        session, now, role=Role.CHECKER, name="door", programme_slugs=["summer-school"]
    )
    checker = await authenticate(session, secret)

    assert checker is not None
    assert checker.is_checker
    assert checker.can_check_in(school.id)
    checker.ensure_checks_in(school.id)
    assert not checker.can_check_in(forum.id)
    with pytest.raises(Forbidden):
        checker.ensure_checks_in(forum.id)
    # Nothing an organiser may do: its programmes are not "managed" ones.
    assert checker.programme_ids == frozenset()
    assert not checker.can_manage(school.id)
    with pytest.raises(Forbidden):
        checker.ensure_manages(school.id)
    with pytest.raises(Forbidden):
        ensure_general_api_use(checker)
    assert may_organise(checker) is None
    # Organisers and admins check in too, and keep their other uses.
    organiser = Principal("token:9", Role.ORGANISER, frozenset({school.id}))
    assert organiser.can_check_in(school.id)
    assert not organiser.can_check_in(forum.id)
    assert SYSTEM.can_check_in(forum.id)
    for principal in (organiser, SYSTEM):
        ensure_general_api_use(principal)
        assert may_organise(principal) is principal


async def test_a_checker_token_needs_a_programme(session: AsyncSession, now: datetime) -> None:
    with pytest.raises(InvalidInput) as raised:
        await create_token(session, now, role=Role.CHECKER, name="door")
    await session.rollback()

    assert raised.value.field == "programme"
    assert await session.scalar(select(func.count()).select_from(ApiToken)) == 0


async def test_last_use_is_written_at_most_once_a_minute(
    session: AsyncSession, now: datetime
) -> None:
    token, secret = await create_token(session, now, role=Role.ADMIN, name="ops")
    assert token.last_used_at is None

    async def last_used() -> datetime | None:
        session.expunge_all()
        return await session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token.id))

    # Without a time (a check only), nothing is written.
    assert await authenticate(session, secret) is not None
    assert await last_used() is None
    assert await authenticate(session, secret, now) is not None
    assert await last_used() == now
    soon = now + LAST_USE_RESOLUTION - timedelta(seconds=1)
    assert await authenticate(session, secret, soon) is not None
    assert await last_used() == now
    later = now + LAST_USE_RESOLUTION
    assert await authenticate(session, secret, later) is not None
    assert await last_used() == later


async def test_tokens_are_listed_without_secrets_for_admins_only(
    session: AsyncSession, now: datetime
) -> None:
    school = await create_programme(session, now, slug="summer-school")
    await create_programme(session, now, slug="forum", kind="economic_forum")
    admin, admin_secret = await create_token(session, now, role=Role.ADMIN, name="ops")
    organiser, _secret = await create_token(
        session,
        now,
        role=Role.ORGANISER,
        name="forum team",
        programme_slugs=["summer-school", "forum"],
        telegram_user_id=5001,
    )
    checker, _secret = await create_token(
        session, now, role=Role.CHECKER, name="door", programme_slugs=["summer-school"]
    )

    listed = await list_tokens(session, SYSTEM)

    assert [(t.id, t.name, t.role, t.programmes) for t in listed] == [
        (admin.id, "ops", Role.ADMIN, ()),
        (organiser.id, "forum team", Role.ORGANISER, ("forum", "summer-school")),
        (checker.id, "door", Role.CHECKER, ("summer-school",)),
    ]
    assert listed[1].telegram_user_id == 5001
    assert all(t.created_at == now and t.last_used_at is None for t in listed)
    assert admin_secret not in repr(listed)
    assert admin.token_hash not in repr(listed)
    for viewer in (
        Principal("token:2", Role.ORGANISER, frozenset({school.id})),
        Principal("token:3", Role.CHECKER, check_in_programme_ids=frozenset({school.id})),
    ):
        with pytest.raises(Forbidden):
            await list_tokens(session, viewer)
        with pytest.raises(Forbidden):
            await revoke_token(session, now, admin.id, viewer)
    assert await authenticate(session, admin_secret) is not None


async def test_revoking_is_audited_once_and_keeps_its_time(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, slug="summer-school")
    token, secret = await create_token(
        session, now, role=Role.CHECKER, name="door", programme_slugs=["summer-school"]
    )
    admin = Principal("token:77", Role.ADMIN)

    revoked = await revoke_token(session, now + timedelta(hours=1), token.id, admin)
    again = await revoke_token(session, now + timedelta(hours=2), token.id, admin)

    assert revoked.revoked_at == again.revoked_at == now + timedelta(hours=1)
    assert again.programmes == ("summer-school",)
    assert await authenticate(session, secret) is None
    entries = list(
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "token.revoke"))
    )
    assert [(e.actor, e.subject_id, e.details) for e in entries] == [
        ("token:77", token.id, {"role": "checker"})
    ]


async def test_revoking_an_id_beyond_the_database_is_not_found(
    session: AsyncSession, now: datetime
) -> None:
    for token_id in (0, -1, 2**31, 2**63, 10**20):
        with pytest.raises(NotFound):
            await revoke_token(session, now, token_id)
