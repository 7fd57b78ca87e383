"""The session cookie's attributes, read from the real app's answers over HTTP: Lax for a
browser, and None (with Secure) for a session started in the Mini App over https, since
Telegram's web client shows a Mini App in a cross-site frame, where a Lax cookie is never
sent. Over plain http nothing is Secure and nothing is None."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from events.access import create_token
from events.enums import Role
from events.feeds.render import Links
from locales.translator import Catalogues
from tests.factories import create_programme
from tests.support.served import served
from tests.web.browsing import signed_init_data
from web.app import install_dashboard
from web.config import DashboardConfig

BOT_TOKEN = "123456:COOKIE-test"
ORGANISER = 7_300_001


async def _client(
    sessionmaker: async_sessionmaker[AsyncSession], public_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    now = datetime.now(UTC)
    async with sessionmaker() as session:
        await create_programme(session, now, "school")
        await create_token(
            session,
            now,
            role=Role.ORGANISER,
            name="cookies",
            programme_slugs=["school"],
            telegram_user_id=ORGANISER,
        )
    links = Links(public_url, "redbridge_test_bot")
    app = create_app(links, sessionmaker)
    config = DashboardConfig(sessionmaker, lambda: datetime.now(UTC), links, BOT_TOKEN)
    install_dashboard(app, config, Catalogues())
    async with served(app) as client:
        yield client


@pytest.fixture
async def https(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(sessionmaker, "https://redbridge.example"):
        yield client


@pytest.fixture
async def http(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(sessionmaker, "http://127.0.0.1:8000"):
        yield client


def _cookies(answer: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie of the answer by name, its attributes in lower case."""
    found = {}
    for header in answer.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        found[name] = header.lower()
    return found


def _pairs(answer: httpx.Response) -> list[str]:
    """``name=value`` of each cookie the answer sets, as a browser sends them back."""
    return [header.split(";", 1)[0] for header in answer.headers.get_list("set-cookie")]


async def _sign_in(client: httpx.AsyncClient) -> httpx.Response:
    init_data = signed_init_data(BOT_TOKEN, ORGANISER, datetime.now(UTC))
    return await client.post("/dashboard/app/sign-in", data={"init_data": init_data})


async def test_a_mini_app_session_over_https_is_sent_in_telegram_s_frame(
    https: httpx.AsyncClient,
) -> None:
    answer = await _sign_in(https)
    assert answer.status_code == 303, answer.text
    cookies = _cookies(answer)
    assert cookies
    for header in cookies.values():
        assert "samesite=none" in header
        assert "secure" in header
        assert "httponly" in header
    # Signing out removes them with the same attributes, so the frame's browser obeys.
    sent = {"Cookie": "; ".join(_pairs(answer))}
    page = await https.get("/dashboard", headers=sent)
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    out = await https.post("/dashboard/sign-out", data={"csrf": csrf}, headers=sent)
    assert out.status_code == 303
    removed = _cookies(out)
    assert set(removed) == set(cookies)
    assert all("samesite=none" in header and "max-age=0" in header for header in removed.values())


async def test_over_http_the_mini_app_session_stays_lax_and_not_secure(
    http: httpx.AsyncClient,
) -> None:
    cookies = _cookies(await _sign_in(http))
    assert cookies
    for header in cookies.values():
        assert "samesite=lax" in header
        assert "secure" not in header
