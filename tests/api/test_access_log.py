"""The access log keeps nothing personal (#12): no personal calendar token, no Telegram
id from a query string. A real uvicorn with its access log on, as ``redbridge serve``
runs it."""

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.access_log import ACCESS_LOGGER, redact_access_log, redact_target
from api.app import create_app
from events.feeds.render import Links
from tests.api.conftest import BOT_USERNAME, PUBLIC_URL, ManualClock
from tests.support.served import served

TOKEN = "Zx9-personal_FEED_token_abc123"
TELEGRAM_ID = "987654321012"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
async def logged(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> AsyncIterator[tuple[httpx.AsyncClient, Lines]]:
    """The app under uvicorn with the access log at INFO, as served, and its lines."""
    app = create_app(Links(PUBLIC_URL, BOT_USERNAME), sessionmaker, clock)
    lines = Lines()
    access = logging.getLogger(ACCESS_LOGGER)

    def configured() -> None:
        # As redbridge.server does: after uvicorn set up its loggers (which drops handlers).
        redact_access_log()
        access.addHandler(lines)

    try:
        async with served(app, log_level="info", configured=configured) as client:
            yield client, lines
    finally:
        access.removeHandler(lines)


async def test_tokens_and_telegram_ids_stay_out_of_the_access_log(
    logged: tuple[httpx.AsyncClient, Lines], admin: dict[str, str]
) -> None:
    client, lines = logged
    await client.get(f"/calendar/me/{TOKEN}.ics", params={"lang": "ka"})
    await client.get(f"/calendar/me/{TOKEN}")
    await client.get("/api/v1/participants", params={"telegram_user_id": TELEGRAM_ID})
    await client.get(
        "/api/v1/participants", params={"telegram_user_id": TELEGRAM_ID}, headers=admin
    )
    await client.get("/healthz")
    assert len(lines.lines) == 5, lines.lines
    text = "\n".join(lines.lines)
    assert TOKEN not in text
    assert TELEGRAM_ID not in text
    assert '"GET /calendar/me/….ics?lang=… HTTP/1.1" 404' in text
    assert '"GET /api/v1/participants?telegram_user_id=… HTTP/1.1" 401' in text
    assert '"GET /api/v1/participants?telegram_user_id=… HTTP/1.1" 200' in text
    assert '"GET /healthz HTTP/1.1" 200' in text


async def test_join_tokens_stay_out_of_the_access_log(
    logged: tuple[httpx.AsyncClient, Lines],
) -> None:
    client, lines = logged
    await client.get(f"/j/{TOKEN}")
    assert len(lines.lines) == 1, lines.lines
    assert TOKEN not in lines.lines[0]
    assert '"GET /j/… HTTP/1.1" 404' in lines.lines[0]


def test_what_is_redacted_and_what_is_kept() -> None:
    assert redact_target("/j/abc") == "/j/…"
    assert redact_target("/j/abc?x=1") == "/j/…?x=…"
    assert redact_target("/dashboard/sign-in/abc") == "/dashboard/sign-in/…"
    assert redact_target("/calendar/me/abc.ics") == "/calendar/me/….ics"
    assert redact_target("/calendar/me/abc/def.ics") == "/calendar/me/abc/def.ics"
    assert redact_target("/calendar/all.ics?lang=hy") == "/calendar/all.ics?lang=…"
    assert (
        redact_target("/api/v1/audit?limit=5&before_id=9") == "/api/v1/audit?limit=…&before_id=…"
    )
    assert redact_target("/api/v1/events/12") == "/api/v1/events/12"
    assert redact_target("/x?a=%20b&&c") == "/x?a=…&c=…"
