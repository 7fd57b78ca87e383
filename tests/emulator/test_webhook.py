"""Webhook mode: delivery to a receiver on 127.0.0.1, secret header, retries, 409."""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from emulator import TelegramEmulator

SECRET = "s3cr3t_Token-1"


class Receiver:
    """A bot's webhook endpoint that records requests and answers as told."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.statuses: list[int] = []  # answers to give, then 200
        self.reply: dict[str, Any] | None = None
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.json()))
        self.arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200 and self.reply is not None:
            return web.json_response(self.reply)
        return web.Response(status=status)

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(3):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait (briefly) for the emulator to finish handling the receiver's answer."""
    async with asyncio.timeout(3):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/telegram/webhook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    receiver.url = f"http://{host}:{port}/telegram/webhook"
    yield receiver
    await runner.cleanup()


async def test_updates_are_posted_with_the_secret(
    tg: TelegramEmulator, bot: Bot, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    await tg.user(1001, "Ani").send("/start")
    await receiver.wait_for(1)
    headers, update = receiver.requests[0]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == SECRET
    assert update["message"]["text"] == "/start"
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver.url, 0)

    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()


async def test_no_secret_no_header(tg: TelegramEmulator, bot: Bot, receiver: Receiver) -> None:
    await bot.set_webhook(receiver.url)
    await tg.user(1001).send("hi")
    await receiver.wait_for(1)
    assert "X-Telegram-Bot-Api-Secret-Token" not in receiver.requests[0][0]


async def test_failed_deliveries_are_retried(
    tg: TelegramEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500, 401]
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    await tg.user(1001).send("once")
    await receiver.wait_for(3)
    assert [update["message"]["text"] for _headers, update in receiver.requests] == ["once"] * 3
    await eventually(lambda: tg.stats.webhook_deliveries == 1)
    assert tg.stats.webhook_failures == 2


async def test_delivery_gives_up_and_reports_the_error(
    tg: TelegramEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 3  # the fixture's emulator tries three times
    await bot.set_webhook(receiver.url)
    ani = tg.user(1001)
    await ani.send("lost")
    await ani.send("next")
    await receiver.wait_for(4)
    assert receiver.requests[3][1]["message"]["text"] == "next"
    await eventually(lambda: tg.pending_updates == 0)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_method_in_the_webhook_answer_is_performed(
    tg: TelegramEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.reply = {"method": "sendMessage", "chat_id": 1001, "text": "pong"}
    await bot.set_webhook(receiver.url)
    ani = tg.user(1001)
    await ani.send("ping")
    assert (await ani.next_message(timeout=3)).text == "pong"


async def test_delete_webhook_returns_to_polling(
    tg: TelegramEmulator, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url)
    await bot.delete_webhook()
    await tg.user(1001).send("polled")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["polled"]
    assert receiver.requests == []
    assert (await bot.get_webhook_info()).url == ""


async def test_drop_pending_updates(tg: TelegramEmulator, bot: Bot, receiver: Receiver) -> None:
    await tg.user(1001).send("old")
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    await tg.user(1001).send("new")
    await receiver.wait_for(1)
    assert [update["message"]["text"] for _h, update in receiver.requests] == ["new"]


@pytest.mark.parametrize(
    ("url", "secret", "reason"),
    [
        ("https://example.org/hook", None, "only to loopback"),
        ("http://10.0.0.1/hook", None, "only to loopback"),
        ("ftp://127.0.0.1/hook", None, r"HTTP\(S\) URL"),
        ("http://127.0.0.1/hook", "has space", "unallowed characters"),
        ("http://127.0.0.1/hook", "x" * 257, "too long"),
    ],
)
async def test_refused_webhooks(bot: Bot, url: str, secret: str | None, reason: str) -> None:
    with pytest.raises(TelegramBadRequest, match=reason):
        await bot.set_webhook(url, secret_token=secret)
    assert (await bot.get_webhook_info()).url == ""
