"""The session cookie's attributes, read from the real app's answers over HTTP: Lax for a
browser, and None (with Secure) for a session started in the Mini App over https, since
Telegram's web client shows a Mini App in a cross-site frame, where a Lax cookie is never
sent. Over plain http nothing is Secure and nothing is None."""

from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_programme
from tests.web.over_http import cookie_header, dashboard_over_http, make_organiser, sign_in

ORGANISER = 7_300_001


async def _organiser(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        await create_programme(session, datetime.now(UTC), "school")
    await make_organiser(sessionmaker, ORGANISER, "school")


def _cookies(answer: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie of the answer by name, its attributes in lower case."""
    return {
        header.split("=", 1)[0]: header.lower() for header in answer.headers.get_list("set-cookie")
    }


async def test_a_mini_app_session_over_https_is_sent_in_telegram_s_frame(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _organiser(sessionmaker)
    async with dashboard_over_http(sessionmaker, "https://redbridge.example") as client:
        answer = await sign_in(client, ORGANISER)
        assert answer.status_code == 303, answer.text
        cookies = _cookies(answer)
        assert cookies
        for header in cookies.values():
            assert "samesite=none" in header
            assert "secure" in header
            assert "httponly" in header
        # Signing out removes them with the same attributes, so the frame's browser obeys.
        sent = cookie_header(answer)
        page = await client.get("/dashboard", headers=sent)
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        out = await client.post("/dashboard/sign-out", data={"csrf": csrf}, headers=sent)
    assert out.status_code == 303
    removed = _cookies(out)
    assert set(removed) == set(cookies)
    assert all("samesite=none" in h and "max-age=0" in h for h in removed.values())


async def test_over_http_the_mini_app_session_stays_lax_and_not_secure(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _organiser(sessionmaker)
    async with dashboard_over_http(sessionmaker, "http://127.0.0.1:8000") as client:
        cookies = _cookies(await sign_in(client, ORGANISER))
    assert cookies
    for header in cookies.values():
        assert "samesite=lax" in header
        assert "secure" not in header
