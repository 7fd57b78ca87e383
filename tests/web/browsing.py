"""Steps the dashboard's browser tests share: an organiser signing in from the bot, a Mini
App's initData signed as Telegram signs it, reading what a page shows."""

import hashlib
import hmac
import json
import re
from datetime import datetime
from urllib.parse import urlencode

from playwright.async_api import BrowserContext, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.enums import Role
from events.models import Registration
from tests.bot.conftest import Live
from tests.bot.process import Person, make_organiser, shown

SIGN_IN_LINK = re.compile(r"https?://\S+/dashboard/sign-in/[A-Za-z0-9_-]+")


async def organiser_signs_in(
    live: Live,
    context: BrowserContext,
    programmes: list[str],
    language: str = "en",
    role: Role = Role.ORGANISER,
) -> tuple[Page, Person]:
    """A new organiser of ``programmes`` asks the bot for a link and opens it."""
    person = live.person(language)
    await make_organiser(live.sessionmaker, person.id, *programmes, role=role)
    message = await person.say("/dashboard", "/dashboard/sign-in/")
    found = SIGN_IN_LINK.search(shown(message))
    assert found, shown(message)
    page = await context.new_page()
    await page.goto(found[0])
    # Opening the link changes nothing (a preview robot may fetch it): the button signs in.
    await page.get_by_role("button", name=person._("Sign in")).click()
    await page.wait_for_url("**/dashboard")
    return page, person


async def csrf_of(page: Page) -> str:
    token = await page.locator("input[name=csrf]").first.get_attribute("value")
    assert token
    return token


async def registration_of(
    sessionmaker: async_sessionmaker[AsyncSession], registration_id: int
) -> Registration:
    async with sessionmaker() as session:
        found = await session.scalar(
            select(Registration).where(Registration.id == registration_id)
        )
        assert found is not None
        return found


def signed_init_data(
    bot_token: str,
    user_id: int,
    auth_date: datetime,
    language_code: str = "en",
    *,
    forge_user_id: int | None = None,
) -> str:
    """``initData`` as Telegram signs it (HMAC-SHA-256 of the sorted fields with the key
    HMAC("WebAppData", bot token)); ``forge_user_id`` changes the user after signing."""
    user = {"id": user_id, "first_name": "Org", "language_code": language_code}
    fields = {
        "auth_date": str(int(auth_date.timestamp())),
        "query_id": "AAE-test",
        "user": json.dumps(user, separators=(",", ":")),
    }
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if forge_user_id is not None:
        user["id"] = forge_user_id
        fields["user"] = json.dumps(user, separators=(",", ":"))
    return urlencode(fields)


# What Telegram's telegram-web-app.js gives a Mini App, for a test page (nothing is
# fetched from the internet): the initData, a theme, and the QR scanner answering with
# ``window.scanned``.
TELEGRAM_SCRIPT = """
window.Telegram = {WebApp: {
  initData: %s,
  themeParams: {bg_color: "#102030", text_color: "#f0f0f0", hint_color: "#c0c8d0",
                link_color: "#8cc8ff", button_color: "#8cc8ff", button_text_color: "#102030",
                secondary_bg_color: "#18283a"},
  ready: function () {}, expand: function () {}, onEvent: function () {},
  showScanQrPopup: function (params, callback) { callback(window.scanned || ""); }
}};
"""


async def open_as_mini_app(context: BrowserContext, init_data: str) -> Page:
    page = await context.new_page()
    script = TELEGRAM_SCRIPT % json.dumps(init_data)
    await page.route(
        "https://telegram.org/js/telegram-web-app.js",
        lambda route: route.fulfill(body=script, content_type="text/javascript"),
    )
    return page
