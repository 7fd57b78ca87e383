"""Request-scoped dependencies: the database session, the clock, where links point and the
caller."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.request_gate import CHALLENGE, PRINCIPAL_STATE, TOKEN_REQUIRED, TOKEN_UNKNOWN
from events.access import authenticate
from events.clock import Clock
from events.feeds.render import Links
from events.principals import Principal

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


async def _optional_principal(
    request: Request,
    session: Annotated[AsyncSession, Depends(_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    # The request gate (api.request_gate) authenticated the token before the body was read.
    found: Principal | None = getattr(request.state, PRINCIPAL_STATE, None)
    if found is not None:
        return found
    principal = await authenticate(session, credentials.credentials)
    await session.rollback()  # end the read so the use case starts its own transaction
    if principal is None:
        raise HTTPException(401, TOKEN_UNKNOWN, CHALLENGE)
    return principal


async def _principal(
    principal: Annotated[Principal | None, Depends(_optional_principal)],
) -> Principal:
    if principal is None:
        raise HTTPException(401, TOKEN_REQUIRED, CHALLENGE)
    return principal


SessionDep = Annotated[AsyncSession, Depends(_session)]
NowDep = Annotated[datetime, Depends(_now)]
LinksDep = Annotated[Links, Depends(_links)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
ViewerDep = Annotated[Principal | None, Depends(_optional_principal)]
