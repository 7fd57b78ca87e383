"""The real API under uvicorn on a loopback port, with an injected clock."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from events.access import create_token
from events.enums import Role
from events.feeds.render import Links
from tests.support.served import served

BOT_USERNAME = "redbridge_test_bot"
PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass
class ManualClock:
    """A clock the test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(now: datetime) -> ManualClock:
    return ManualClock(now)


@pytest.fixture
async def api(
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app served by a real uvicorn on 127.0.0.1."""
    app = create_app(Links(PUBLIC_URL, BOT_USERNAME), sessionmaker, clock)
    async with served(app) as client:
        yield client


TokenFactory = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def token_headers(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> TokenFactory:
    """Makes an ``Authorization`` header for a new token of the given role."""

    async def make(role: Role = Role.ADMIN, programmes: list[str] | None = None) -> dict[str, str]:
        async with sessionmaker() as session:
            _token, secret = await create_token(
                session, now, role=role, name=role.value, programme_slugs=programmes
            )
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
async def admin(token_headers: TokenFactory) -> dict[str, str]:
    return await token_headers(Role.ADMIN)
