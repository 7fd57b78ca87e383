"""Dashboard sign-in links, sessions and Mini App replay memory, on both databases."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import create_token, revoke_token
from events.dashboard_sign_in import (
    SIGN_IN_LINK_LIFETIME,
    InitDataReplayed,
    SignInRefused,
    choose_language,
    csrf_matches,
    end_session,
    issue_sign_in_link,
    redeem_sign_in_link,
    remember_init_data,
    signed_in,
    start_session,
)
from events.enums import Role
from events.models import DashboardSession, DashboardSignInLink
from tests.factories import create_participant, create_programme

ORGANISER = 880_001
STRANGER = 880_002


async def organiser(session: AsyncSession, now: datetime) -> int:
    await create_programme(session, now, "dash-programme")
    token, _ = await create_token(
        session,
        now,
        role=Role.ORGANISER,
        name="o",
        programme_slugs=["dash-programme"],
        telegram_user_id=ORGANISER,
    )
    return token.id


async def test_a_link_signs_in_once_within_ten_minutes(
    session: AsyncSession, now: datetime
) -> None:
    await organiser(session, now)
    secret = await issue_sign_in_link(session, now, ORGANISER)
    assert len(secret) >= 43  # 256 bits, URL-safe
    stored = await session.scalar(select(DashboardSignInLink.token_hash))
    assert stored is not None
    assert secret not in stored  # only the hash is kept
    grant = await redeem_sign_in_link(session, now + timedelta(minutes=9), secret)
    assert (grant.telegram_user_id, grant.language) == (ORGANISER, "en")
    with pytest.raises(SignInRefused):
        await redeem_sign_in_link(session, now + timedelta(minutes=9), secret)


async def test_an_expired_or_unknown_link_is_refused(session: AsyncSession, now: datetime) -> None:
    await organiser(session, now)
    secret = await issue_sign_in_link(session, now, ORGANISER)
    with pytest.raises(SignInRefused):
        await redeem_sign_in_link(session, now + SIGN_IN_LINK_LIFETIME, secret)
    for wrong in ("", "x" * 500, secret[:-1] + ("A" if secret[-1] != "A" else "B")):
        with pytest.raises(SignInRefused):
            await redeem_sign_in_link(session, now, wrong)


async def test_only_organisers_get_links_and_sessions(
    session: AsyncSession, now: datetime
) -> None:
    await organiser(session, now)
    with pytest.raises(SignInRefused):
        await issue_sign_in_link(session, now, STRANGER)
    with pytest.raises(SignInRefused):
        await start_session(session, now, STRANGER)


async def test_a_session_speaks_the_bot_language_until_changed(
    session: AsyncSession, now: datetime
) -> None:
    await organiser(session, now)
    secret = await issue_sign_in_link(session, now, ORGANISER, "hy-AM")
    assert (await redeem_sign_in_link(session, now, secret)).language == "hy"
    told = await start_session(session, now, ORGANISER, language="az")
    found = await signed_in(session, now, told.secret)
    assert found is not None
    assert found.language == "az"  # no profile in the bot yet: what Telegram says
    await create_participant(session, now, telegram_user_id=ORGANISER, language="ka")
    opened = await start_session(session, now, ORGANISER, timedelta(hours=1))
    found = await signed_in(session, now, opened.secret)
    assert found is not None
    assert (found.telegram_user_id, found.language) == (ORGANISER, "ka")
    assert found.principal.programme_ids
    assert csrf_matches(found.csrf_secret, opened.csrf_secret)
    assert not csrf_matches(found.csrf_secret, opened.csrf_secret + "x")
    assert not csrf_matches(found.csrf_secret, None)
    assert await choose_language(session, opened.secret, "ru") == "ru"
    assert await choose_language(session, opened.secret, "xx") == "en"
    found = await signed_in(session, now, opened.secret)
    assert found is not None
    assert found.language == "en"


async def test_a_session_ends_on_expiry_sign_out_and_revocation(
    session: AsyncSession, now: datetime
) -> None:
    token_id = await organiser(session, now)
    expiring = await start_session(session, now, ORGANISER, timedelta(hours=1))
    assert await signed_in(session, now + timedelta(hours=1), expiring.secret) is None
    signing_out = await start_session(session, now, ORGANISER, timedelta(hours=1))
    await end_session(session, signing_out.secret)
    assert await signed_in(session, now, signing_out.secret) is None
    revoked = await start_session(session, now, ORGANISER, timedelta(hours=1))
    assert await signed_in(session, now, revoked.secret) is not None
    await revoke_token(session, now, token_id)
    assert await signed_in(session, now, revoked.secret) is None
    # Starting a session clears the expired ones.
    await create_token(session, now, role=Role.ADMIN, name="a", telegram_user_id=STRANGER)
    await start_session(session, now + timedelta(days=1), STRANGER)
    count = await session.scalar(select(func.count()).select_from(DashboardSession))
    assert count == 1


async def test_init_data_opens_one_session_only(session: AsyncSession, now: datetime) -> None:
    until = now + timedelta(hours=1)
    await remember_init_data(session, now, "signed-hash", until)
    with pytest.raises(InitDataReplayed):
        await remember_init_data(session, now, "signed-hash", until)
    # Once it is too old to be accepted anyway, it is forgotten.
    await remember_init_data(session, until, "another", until + timedelta(hours=1))
    await remember_init_data(session, until, "signed-hash", until + timedelta(hours=1))
