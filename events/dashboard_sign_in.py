"""Signing organisers in to the dashboard without passwords, and keeping them signed in.

Two ways in, both tied to the organiser's Telegram account, whose role and programmes
(``events.access.telegram_principal``) decide what the dashboard shows:

- a one-time link the bot sends on ``/dashboard``: 256-bit random, only its SHA-256 is
  stored, valid once for ``SIGN_IN_LINK_LIFETIME``;
- a Telegram Mini App's ``initData``, whose signature the transport checks (it holds the
  bot token); here only its replay is refused: each one opens one session.

A session is a row keyed by the SHA-256 of the cookie's secret, with its own CSRF secret
and the language its pages are in. Nothing here knows of HTTP.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import telegram_principal
from events.errors import Conflict, Forbidden
from events.languages import language_from_tag
from events.models import DashboardSession, DashboardSignInLink, Participant, UsedInitData
from events.principals import Principal

SIGN_IN_LINK_LIFETIME = timedelta(minutes=10)
DEFAULT_SESSION_LIFETIME = timedelta(hours=12)
# The longest secret anyone may present (links and cookies are 43 characters).
MAX_SECRET_LENGTH = 100


class SignInRefused(Forbidden):
    """The link is unknown, used or expired, or the account is no organiser (any more).

    One error for all of them: a guesser learns nothing from the answer."""


class InitDataReplayed(Conflict):
    """This Mini App ``initData`` has already opened a session."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_sign_in_link(
    session: AsyncSession, now: datetime, telegram_user_id: int, language: str = "en"
) -> str:
    """A new one-time sign-in secret for an organiser's (or checker's) Telegram account;
    the session it opens speaks ``language`` (the one the bot speaks to them).

    Raises ``SignInRefused`` if the account has no dashboard role. Expired links are
    cleared on the way, so the table stays small.
    """
    if await telegram_principal(session, telegram_user_id) is None:
        raise SignInRefused("only organisers sign in to the dashboard")
    await session.execute(delete(DashboardSignInLink).where(DashboardSignInLink.expires_at <= now))
    secret = secrets.token_urlsafe(32)
    session.add(
        DashboardSignInLink(
            token_hash=_digest(secret),
            telegram_user_id=telegram_user_id,
            language=language_from_tag(language),
            created_at=now,
            expires_at=now + SIGN_IN_LINK_LIFETIME,
        )
    )
    await session.commit()
    return secret


async def sign_in_link_language(session: AsyncSession, now: datetime, secret: str) -> str | None:
    """The language of a valid, unused sign-in link (its page is shown in it before it is
    used), or None. Reads only: opening the link's page does not use it up."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    language: str | None = await session.scalar(
        select(DashboardSignInLink.language).where(
            DashboardSignInLink.token_hash == _digest(secret),
            DashboardSignInLink.used_at.is_(None),
            DashboardSignInLink.expires_at > now,
        )
    )
    return language


@dataclass(frozen=True, slots=True)
class SignInGrant:
    telegram_user_id: int
    language: str


async def redeem_sign_in_link(session: AsyncSession, now: datetime, secret: str) -> SignInGrant:
    """Use a sign-in secret once; returns its Telegram account and language.

    Raises ``SignInRefused`` for an unknown, used or expired secret. Two browsers racing
    with the same link: the conditional update lets exactly one of them through.
    """
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        raise SignInRefused("this sign-in link is not valid")
    token_hash = _digest(secret)
    result = await session.execute(
        update(DashboardSignInLink)
        .where(
            DashboardSignInLink.token_hash == token_hash,
            DashboardSignInLink.used_at.is_(None),
            DashboardSignInLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        await session.rollback()
        raise SignInRefused("this sign-in link is not valid")
    row = (
        await session.execute(
            select(DashboardSignInLink.telegram_user_id, DashboardSignInLink.language).where(
                DashboardSignInLink.token_hash == token_hash
            )
        )
    ).one()
    await session.commit()
    return SignInGrant(row.telegram_user_id, row.language)


async def remember_init_data(
    session: AsyncSession, now: datetime, data_hash: str, valid_until: datetime
) -> None:
    """Note that a (signature-checked) ``initData`` is used; ``InitDataReplayed`` if it
    was already. Kept until ``valid_until``, after which its age refuses it anyway."""
    await session.execute(delete(UsedInitData).where(UsedInitData.expires_at <= now))
    session.add(UsedInitData(data_hash=_digest(data_hash), expires_at=valid_until))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise InitDataReplayed("this sign-in was already used") from None


@dataclass(frozen=True, slots=True)
class OpenedSession:
    secret: str  # for the cookie; only its hash is stored
    csrf_secret: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A valid session and who is behind it."""

    telegram_user_id: int
    principal: Principal
    csrf_secret: str
    language: str
    expires_at: datetime


async def start_session(
    session: AsyncSession,
    now: datetime,
    telegram_user_id: int,
    lifetime: timedelta = DEFAULT_SESSION_LIFETIME,
    language: str | None = None,
) -> OpenedSession:
    """Open a dashboard session for a Telegram account that has a dashboard role.

    The pages' language is the one the person chose in the bot, else ``language`` (what
    their Telegram app says), else English. Raises ``SignInRefused`` if the account has
    no role (any more).
    """
    if await telegram_principal(session, telegram_user_id) is None:
        raise SignInRefused("only organisers sign in to the dashboard")
    language = (
        await session.scalar(
            select(Participant.language).where(Participant.telegram_user_id == telegram_user_id)
        )
        or language
    )
    await session.execute(delete(DashboardSession).where(DashboardSession.expires_at <= now))
    secret, csrf_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            id_hash=_digest(secret),
            telegram_user_id=telegram_user_id,
            csrf_secret=csrf_secret,
            language=language_from_tag(language or ""),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.commit()
    return OpenedSession(secret, csrf_secret)


async def signed_in(session: AsyncSession, now: datetime, secret: str) -> SignedIn | None:
    """The session a cookie's secret stands for, or None if it is unknown, expired, or its
    account lost its role (a revoked token ends its dashboard sessions at once)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    row = await session.scalar(
        select(DashboardSession).where(
            DashboardSession.id_hash == _digest(secret), DashboardSession.expires_at > now
        )
    )
    if row is None:
        return None
    principal = await telegram_principal(session, row.telegram_user_id)
    if principal is None:
        return None
    return SignedIn(row.telegram_user_id, principal, row.csrf_secret, row.language, row.expires_at)


def csrf_matches(expected: str, given: str | None) -> bool:
    """A form's CSRF token against the session's, in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


async def choose_language(session: AsyncSession, secret: str, language: str) -> str:
    """Set the pages' language of a session; returns the language kept (one of the five,
    English for anything else)."""
    chosen = language_from_tag(language)
    await session.execute(
        update(DashboardSession)
        .where(DashboardSession.id_hash == _digest(secret))
        .values(language=chosen)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return chosen


async def end_session(session: AsyncSession, secret: str) -> None:
    """Sign out: the session row goes, so the cookie is worth nothing even if kept."""
    await session.execute(
        delete(DashboardSession).where(DashboardSession.id_hash == _digest(secret))
    )
    await session.commit()
