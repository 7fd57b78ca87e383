"""API tokens: created, revoked, and turned into the ``Principal`` they stand for.

A token has a role and, for an organiser, the programmes they manage; with a Telegram
account it also applies to that person in the bot. ``SYSTEM`` is the principal that
scheduler jobs and the command line act as.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit import record
from events.enums import Role
from events.errors import InvalidInput, NotFound
from events.models import ApiToken, Programme, TokenProgramme
from events.principals import Principal

TOKEN_PREFIX = "rb_"


# Scheduler jobs and the command line act as the system itself.
SYSTEM = Principal(actor="system", role=Role.ADMIN)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_token(
    session: AsyncSession,
    now: datetime,
    *,
    role: Role,
    name: str,
    programme_slugs: list[str] | None = None,
    telegram_user_id: int | None = None,
    actor: Principal = SYSTEM,
) -> tuple[ApiToken, str]:
    """Create an API token and return it with its secret, which is shown only this once.

    Organiser tokens are bound to the given programmes; raises ``NotFound`` for an
    unknown slug and ``InvalidInput`` for an organiser token without programmes. With
    ``telegram_user_id`` the role also applies to that Telegram account in the bot.
    """
    actor.ensure_admin()
    slugs = programme_slugs or []
    if role is Role.ORGANISER and not slugs:
        raise InvalidInput("programme", "an organiser token needs at least one programme")
    programmes = []
    for slug in slugs:
        programme = await session.scalar(select(Programme).where(Programme.slug == slug))
        if programme is None:
            raise NotFound("programme", slug)
        programmes.append(programme)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        role=role,
        token_hash=hash_secret(secret),
        created_at=now,
        telegram_user_id=telegram_user_id,
    )
    session.add(token)
    await session.flush()
    session.add_all(TokenProgramme(token_id=token.id, programme_id=p.id) for p in programmes)
    await record(
        session,
        now,
        actor,
        "token.create",
        "token",
        token.id,
        details={"role": role.value, "programmes": slugs},
    )
    await session.commit()
    return token, secret


async def authenticate(session: AsyncSession, secret: str) -> Principal | None:
    """The principal a bearer secret stands for, or None if it is unknown or revoked."""
    token_id = await session.scalar(
        select(ApiToken.id).where(
            ApiToken.token_hash == hash_secret(secret), ApiToken.revoked_at.is_(None)
        )
    )
    return None if token_id is None else await principal_of_token(session, token_id)


async def principal_of_token(session: AsyncSession, token_id: int) -> Principal:
    """The principal of a token the caller has just found valid."""
    token = await session.get(ApiToken, token_id)
    assert token is not None  # the caller just found it
    programme_ids = await session.scalars(
        select(TokenProgramme.programme_id).where(TokenProgramme.token_id == token.id)
    )
    return Principal(
        actor=f"token:{token.id}", role=Role(token.role), programme_ids=frozenset(programme_ids)
    )


async def revoke_token(
    session: AsyncSession, now: datetime, token_id: int, actor: Principal = SYSTEM
) -> None:
    actor.ensure_admin()
    token = await session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token", token_id)
    token.revoked_at = now
    await record(session, now, actor, "token.revoke", "token", token.id)
    await session.commit()


# The newest valid organiser token of a Telegram account. Read on every bot update, so
# built once (see events.participants.find_telegram_person).
_TELEGRAM_TOKEN = (
    select(ApiToken.id)
    .where(
        ApiToken.telegram_user_id == bindparam("telegram_user_id"), ApiToken.revoked_at.is_(None)
    )
    .order_by(ApiToken.id.desc())
    .limit(1)
)
TELEGRAM_TOKEN_ID = _TELEGRAM_TOKEN.scalar_subquery()


async def telegram_principal(session: AsyncSession, telegram_user_id: int) -> Principal | None:
    """The organiser role of a Telegram account, or None for everyone else."""
    token_id = await session.scalar(_TELEGRAM_TOKEN, {"telegram_user_id": telegram_user_id})
    if token_id is None:
        return None
    return await principal_of_token(session, token_id)
