"""API tokens: created, listed, revoked, and turned into the ``Principal`` they stand for.

A token has a role and, for an organiser or a checker, the programmes it covers; with a
Telegram account it also applies to that person in the bot. An admin does everything;
an organiser manages their programmes; a checker only checks people in at the door of
their programmes' events, in the API and in the bot. ``SYSTEM`` is the principal that
scheduler jobs and the command line act as.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit import record
from events.enums import Role
from events.errors import Forbidden, InvalidInput, NotFound
from events.inputs import MAX_ID
from events.models import ApiToken, Programme, TokenProgramme
from events.principals import Principal

TOKEN_PREFIX = "rb_"

# Last use is written at most this often per token, so a busy API does not write on
# every request (and SQLite's single writer is not taken for it).
LAST_USE_RESOLUTION = timedelta(minutes=1)

_NEEDS_PROGRAMMES = {Role.ORGANISER, Role.CHECKER}


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

    Organiser and checker tokens are bound to the given programmes; raises ``NotFound``
    for an unknown slug and ``InvalidInput`` for such a token without programmes. With
    ``telegram_user_id`` the role also applies to that Telegram account in the bot.
    """
    actor.ensure_admin()
    slugs = programme_slugs or []
    if role in _NEEDS_PROGRAMMES and not slugs:
        raise InvalidInput("programme", f"a {role.value} token needs at least one programme")
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


async def authenticate(
    session: AsyncSession, secret: str, now: datetime | None = None
) -> Principal | None:
    """The principal a bearer secret stands for, or None if it is unknown or revoked.

    With ``now``, the token's last use is recorded (and committed) when the stored one is
    older than ``LAST_USE_RESOLUTION``.
    """
    row = (
        await session.execute(
            select(ApiToken.id, ApiToken.last_used_at).where(
                ApiToken.token_hash == hash_secret(secret), ApiToken.revoked_at.is_(None)
            )
        )
    ).one_or_none()
    if row is None:
        return None
    token_id, last_used_at = row
    principal = await principal_of_token(session, token_id)
    if now is not None and (last_used_at is None or now - last_used_at >= LAST_USE_RESOLUTION):
        # Conditional, so that instances racing on the same token write it once.
        await session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at <= now - LAST_USE_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    return principal


async def principal_of_token(session: AsyncSession, token_id: int) -> Principal:
    """The principal of a token the caller has just found valid."""
    token = await session.get(ApiToken, token_id)
    assert token is not None  # the caller just found it
    programme_ids = frozenset(
        await session.scalars(
            select(TokenProgramme.programme_id).where(TokenProgramme.token_id == token.id)
        )
    )
    role = Role(token.role)
    if role is Role.CHECKER:
        return Principal(
            actor=f"token:{token.id}", role=role, check_in_programme_ids=programme_ids
        )
    return Principal(actor=f"token:{token.id}", role=role, programme_ids=programme_ids)


def ensure_general_api_use(principal: Principal) -> None:
    """Refuse a checker everywhere in the API but the check-in route (``Forbidden``);
    even where anyone may read without a token, a checker's token is not for that."""
    if principal.is_checker:
        raise Forbidden("a checker token may only check people in")


def may_organise(principal: Principal | None) -> Principal | None:
    """The principal if it may use organisers' features in the bot (/stats, /broadcast,
    poster links); None for a checker, whose only feature is checking tickets in."""
    return None if principal is None or principal.is_checker else principal


@dataclass(frozen=True, slots=True)
class TokenSummary:
    """What an admin may see of a token: never its secret nor its hash."""

    id: int
    name: str
    role: Role
    programmes: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    telegram_user_id: int | None


async def list_tokens(session: AsyncSession, viewer: Principal) -> list[TokenSummary]:
    """Every token, oldest first, revoked ones included; ``Forbidden`` unless admin."""
    viewer.ensure_admin()
    tokens = list(await session.scalars(select(ApiToken).order_by(ApiToken.id)))
    slugs = await _programme_slugs(session, [token.id for token in tokens])
    return [_summary(token, slugs.get(token.id, ())) for token in tokens]


async def revoke_token(
    session: AsyncSession, now: datetime, token_id: int, actor: Principal = SYSTEM
) -> TokenSummary:
    """Revoke a token at once, for the API and for its Telegram account in the bot.

    Raises ``Forbidden`` unless the actor is an admin, ``NotFound`` for an unknown id.
    Revoking a revoked token changes nothing (and keeps the first revocation time).
    """
    actor.ensure_admin()
    # Beyond a BIGINT the database would raise rather than find nothing.
    token = await session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None:
        raise NotFound("token", token_id)
    if token.revoked_at is None:
        token.revoked_at = now
        await record(
            session, now, actor, "token.revoke", "token", token.id, details={"role": token.role}
        )
        await session.commit()
    slugs = await _programme_slugs(session, [token.id])
    return _summary(token, slugs.get(token.id, ()))


async def _programme_slugs(
    session: AsyncSession, token_ids: list[int]
) -> dict[int, tuple[str, ...]]:
    rows = await session.execute(
        select(TokenProgramme.token_id, Programme.slug)
        .join(Programme, Programme.id == TokenProgramme.programme_id)
        .where(TokenProgramme.token_id.in_(token_ids))
        .order_by(Programme.slug)
    )
    slugs: dict[int, tuple[str, ...]] = {}
    for token_id, slug in rows:
        slugs[token_id] = (*slugs.get(token_id, ()), slug)
    return slugs


def _summary(token: ApiToken, programmes: tuple[str, ...]) -> TokenSummary:
    return TokenSummary(
        id=token.id,
        name=token.name,
        role=Role(token.role),
        programmes=programmes,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        telegram_user_id=token.telegram_user_id,
    )


# The newest valid token of a Telegram account (an organiser's or a checker's). Read on
# every bot update, so built once (see events.participants.find_telegram_person).
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
    """The role (organiser or checker) of a Telegram account, or None for everyone else."""
    token_id = await session.scalar(_TELEGRAM_TOKEN, {"telegram_user_id": telegram_user_id})
    if token_id is None:
        return None
    return await principal_of_token(session, token_id)
