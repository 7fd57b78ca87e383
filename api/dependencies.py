"""Request-scoped dependencies: the database session, the clock, where links point and the
caller."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.request_gate import CHALLENGE, PRINCIPAL_STATE, TOKEN_REQUIRED, TOKEN_UNKNOWN
from api.throttle import FailedAttempts, address_of
from events.access import authenticate, ensure_general_api_use
from events.clock import Clock
from events.feeds.render import Links
from events.principals import Principal

# Two names for the one bearer scheme: the OpenAPI document (api.openapi) shows the
# second as "a token, or none" on public reads that show organisers more.
BEARER_SCHEME = "bearer"
OPTIONAL_BEARER_SCHEME = "optional_bearer"
_DESCRIPTION = "An API token from `redbridge token create`"
_bearer = HTTPBearer(auto_error=False, scheme_name=BEARER_SCHEME, description=_DESCRIPTION)
_optional_bearer = HTTPBearer(
    auto_error=False, scheme_name=OPTIONAL_BEARER_SCHEME, description=_DESCRIPTION
)


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        yield session


def _now(request: Request) -> datetime:
    clock: Clock = request.app.state.clock
    return clock()


def _links(request: Request) -> Links:
    links: Links = request.app.state.links
    return links


async def _caller(
    request: Request,
    session: AsyncSession,
    credentials: HTTPAuthorizationCredentials | None,
    now: datetime,
) -> Principal | None:
    if credentials is None:
        return None
    # The request gate (api.request_gate) authenticated the token before the body was read.
    found: Principal | None = getattr(request.state, PRINCIPAL_STATE, None)
    if found is not None:
        return found
    attempts: FailedAttempts = request.app.state.failed_attempts
    address = address_of(request)
    attempts.refuse_if_over("token", address)
    principal = await authenticate(session, credentials.credentials, now)
    await session.rollback()  # end the read so the use case starts its own transaction
    if principal is None:
        attempts.count("token", address)
        raise HTTPException(401, TOKEN_UNKNOWN, CHALLENGE)
    return principal


def _required(principal: Principal | None) -> Principal:
    if principal is None:
        raise HTTPException(401, TOKEN_REQUIRED, CHALLENGE)
    return principal


async def optional_principal(
    request: Request,
    session: Annotated[AsyncSession, Depends(_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
    now: Annotated[datetime, Depends(_now)],
) -> Principal | None:
    principal = await _caller(request, session, credentials, now)
    if principal is not None:
        ensure_general_api_use(principal)
    return principal


async def _token_principal(
    request: Request,
    session: Annotated[AsyncSession, Depends(_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    now: Annotated[datetime, Depends(_now)],
) -> Principal | None:
    return await _caller(request, session, credentials, now)


async def required_principal(
    principal: Annotated[Principal | None, Depends(_token_principal)],
) -> Principal:
    principal = _required(principal)
    ensure_general_api_use(principal)
    return principal


async def door_principal(
    principal: Annotated[Principal | None, Depends(_token_principal)],
) -> Principal:
    """Any valid token, a checker's too: only the check-in route takes this."""
    return _required(principal)


SessionDep = Annotated[AsyncSession, Depends(_session)]
NowDep = Annotated[datetime, Depends(_now)]
LinksDep = Annotated[Links, Depends(_links)]
PrincipalDep = Annotated[Principal, Depends(required_principal)]
ViewerDep = Annotated[Principal | None, Depends(optional_principal)]
# Only for checking people in: the one route a checker's token may use.
CheckInDep = Annotated[Principal, Depends(door_principal)]
