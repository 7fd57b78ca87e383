"""Request-scoped dependencies: the database session, the clock, where links point and the
caller."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import authenticate, ensure_general_api_use
from events.clock import Clock
from events.feeds.render import Links
from events.principals import Principal

_CHALLENGE = {"WWW-Authenticate": "Bearer"}
_bearer = HTTPBearer(auto_error=False, description="An API token from `redbridge token create`")


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


async def _token_principal(
    session: Annotated[AsyncSession, Depends(_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    now: Annotated[datetime, Depends(_now)],
) -> Principal | None:
    if credentials is None:
        return None
    principal = await authenticate(session, credentials.credentials, now)
    await session.rollback()  # end the read so the use case starts its own transaction
    if principal is None:
        raise HTTPException(401, "the API token is unknown or revoked", _CHALLENGE)
    return principal


async def _optional_principal(
    principal: Annotated[Principal | None, Depends(_token_principal)],
) -> Principal | None:
    if principal is not None:
        ensure_general_api_use(principal)
    return principal


def _required(principal: Principal | None) -> Principal:
    if principal is None:
        raise HTTPException(
            401,
            "an API token is required (Authorization: Bearer …)",
            _CHALLENGE,
        )
    return principal


async def _principal(
    principal: Annotated[Principal | None, Depends(_optional_principal)],
) -> Principal:
    return _required(principal)


async def _door_principal(
    principal: Annotated[Principal | None, Depends(_token_principal)],
) -> Principal:
    return _required(principal)


SessionDep = Annotated[AsyncSession, Depends(_session)]
NowDep = Annotated[datetime, Depends(_now)]
LinksDep = Annotated[Links, Depends(_links)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
ViewerDep = Annotated[Principal | None, Depends(_optional_principal)]
# Only for checking people in: the one route a checker's token may use.
CheckInDep = Annotated[Principal, Depends(_door_principal)]
