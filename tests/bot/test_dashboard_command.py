"""/dashboard in the bot: the one-time link; over https also the Mini App's button and
the chat's menu button (Telegram opens Mini Apps only from https, and the emulator
refuses anything else, as Telegram does)."""

import re
from datetime import datetime

from sqlalchemy import select

from events.dashboard_sign_in import redeem_sign_in_link
from events.models import DashboardSignInLink
from tests.bot.inprocess import ORGANISER_ID, running_bot

HTTPS = "https://dash.example.org"


async def test_over_https_the_organiser_gets_a_mini_app_button_and_menu(
    database_url: str, now: datetime
) -> None:
    async with running_bot(database_url, now, demo=False, public_url=HTTPS) as bot:
        organiser = bot.user(ORGANISER_ID, "Org", language_code="ru")
        [message] = await bot.send(organiser, "/dashboard")
        t = bot.t("ru")
        text = message.text or ""
        link = re.search(rf"{re.escape(HTTPS)}/dashboard/sign-in/([A-Za-z0-9_-]+)", text)
        assert link
        intro = (
            "Your sign-in link to the dashboard. It works once, for 10 minutes; "
            "do not share it:\n{link}"
        )
        assert text == t.gettext(intro).format(link=link[0])
        [[button]] = message.buttons
        assert button.text == t.gettext("Open the dashboard")
        assert button.web_app_url == f"{HTTPS}/dashboard/app"
        assert organiser.menu_button == {
            "type": "web_app",
            "text": t.gettext("Dashboard"),
            "web_app": {"url": f"{HTTPS}/dashboard/app"},
        }
        assert bot.ledger.count == 0, bot.ledger.last
        async with bot.sessionmaker() as session:
            assert (await session.scalar(select(DashboardSignInLink.language))) == "ru"
            grant = await redeem_sign_in_link(session, now, link[1])
        assert grant.telegram_user_id == ORGANISER_ID


async def test_over_http_only_the_link_and_nobody_else_gets_one(
    database_url: str, now: datetime
) -> None:
    async with running_bot(database_url, now, demo=False) as bot:
        organiser = bot.user(ORGANISER_ID, "Org")
        [message] = await bot.send(organiser, "/dashboard")
        assert "/dashboard/sign-in/" in (message.text or "")
        assert message.buttons == []
        assert organiser.menu_button == {"type": "commands"}
        stranger = bot.user()
        [refusal] = await bot.send(stranger, "/dashboard")
        assert refusal.text == bot.t("en").gettext("This is only for organisers.")
        async with bot.sessionmaker() as session:
            links = list(await session.scalars(select(DashboardSignInLink.telegram_user_id)))
        assert links == [ORGANISER_ID]
