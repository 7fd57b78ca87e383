"""The app with the dashboard served on loopback, for tests that read its answers over
HTTP without a browser; organisers sign in with Telegram's initData, as in the Mini App."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from events.access import create_token
from events.enums import Role
from events.feeds.render import Links
from locales.translator import Catalogues
from tests.support.served import served
from tests.web.browsing import signed_init_data
from web.app import install_dashboard
from web.config import DashboardConfig

BOT_TOKEN = "123456:DASHBOARD-test"


async def make_organiser(
    sessionmaker: async_sessionmaker[AsyncSession], telegram_user_id: int, *slugs: str
) -> None:
    async with sessionmaker() as session:
        await create_token(
            session,
            datetime.now(UTC),
            role=Role.ORGANISER,
            name=f"organiser {telegram_user_id}",
            programme_slugs=list(slugs),
            telegram_user_id=telegram_user_id,
        )


@asynccontextmanager
async def dashboard_over_http(
    sessionmaker: async_sessionmaker[AsyncSession], public_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    links = Links(public_url, "redbridge_test_bot")
    app = create_app(links, sessionmaker)
    config = DashboardConfig(sessionmaker, lambda: datetime.now(UTC), links, BOT_TOKEN)
    install_dashboard(app, config, Catalogues())
    async with served(app) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, telegram_user_id: int) -> httpx.Response:
    """The Mini App's sign-in POST, as Telegram's script hands the page its initData."""
    init_data = signed_init_data(BOT_TOKEN, telegram_user_id, datetime.now(UTC))
    return await client.post("/dashboard/app/sign-in", data={"init_data": init_data})


def cookie_header(answer: httpx.Response) -> dict[str, str]:
    """The cookies the answer sets, sent back as a browser would (whatever the scheme)."""
    pairs = [header.split(";", 1)[0] for header in answer.headers.get_list("set-cookie")]
    return {"Cookie": "; ".join(pairs)}
