"""Webhook mode: Telegram (the emulator) POSTs updates to ``/telegram/webhook`` of the
same FastAPI app that serves the API, with the secret in
``X-Telegram-Bot-Api-Secret-Token``.

In-process: the real app under uvicorn on a loopback port with a ``WebhookReceiver``
(the bot and dispatcher of :mod:`tests.bot.inprocess`), and the emulator's webhook
pointed at it. Then ``redbridge serve`` itself in webhook mode, as a child process on
SQLite: it registers the webhook with the emulator and answers a person.
"""

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiogram.methods import GetWebhookInfo

from api.app import create_app
from api.routes.telegram import SECRET_HEADER, WEBHOOK_MAX_BODY_BYTES, WEBHOOK_PATH
from bot.runtime import create_bot
from bot.webhook import WebhookReceiver
from emulator import TelegramEmulator
from events.feeds.render import Links
from locales.translator import Catalogues
from tests.bot.inprocess import (
    BOT_USERNAME,
    PUBLIC_URL,
    TOKEN,
    FixedClock,
    InProcessBot,
    inprocess,  # noqa: F401 - the fixture
)
from tests.support.ports import free_port

SECRET = "s3cret_Webhook-token"
PERSONAL_TOKEN = "personal-feed-Token_0123456789"
WELCOME = (
    "Welcome to Redbridge! Here you can find programmes that bring young people and civil "
    "society of the South Caucasus together, register or apply, and get reminders."
)
GREETING_KA = Catalogues().translator("ka").gettext(WELCOME)
PROBLEM_JSON = "application/problem+json"
START_TIMEOUT_S = 90.0
REPLY_TIMEOUT_S = 15.0


async def until(condition: Callable[[], bool], timeout: float = REPLY_TIMEOUT_S) -> None:
    """Wait (boundedly) for something the emulator does after answering, such as counting
    a delivery once the webhook's HTTP response is in."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


class Served:
    """The app under uvicorn with the bot's webhook receiver, and an HTTP client."""

    def __init__(self, harness: InProcessBot, port: int, client: httpx.AsyncClient) -> None:
        self.harness = harness
        self.port = port
        self.client = client

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    def update(self, user_id: int, text: str = "/start") -> dict[str, Any]:
        """A genuine-looking message update from a user the bot knows."""
        user = self.harness.user(user_id)
        return {
            "update_id": 900_000 + user_id,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": user.id, "type": "private", "first_name": "Ani"},
                "from": user.profile,
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
            },
        }


@pytest.fixture
async def served(
    inprocess: InProcessBot,  # noqa: F811
    request: pytest.FixtureRequest,
) -> AsyncIterator[Served]:
    """The app under uvicorn; after a test that passed, the dispatcher's error handler
    must have seen nothing."""
    harness = inprocess
    failed_before = request.session.testsfailed
    app = create_app(
        Links(PUBLIC_URL, BOT_USERNAME), harness.sessionmaker, FixedClock(harness.now)
    )
    app.state.telegram = WebhookReceiver(harness.bot, harness.dispatcher, SECRET)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield Served(harness, port, client)
    finally:
        server.should_exit = True
        await task
    if request.session.testsfailed == failed_before:
        assert harness.ledger.count == 0, harness.ledger.last


async def test_a_start_arrives_by_webhook_and_is_answered(served: Served) -> None:
    harness = served.harness
    assert await harness.bot.set_webhook(served.url, secret_token=SECRET)
    ani = harness.user(language_code="ka")
    await ani.start()
    greeting = await ani.next_message(timeout=REPLY_TIMEOUT_S)
    t = harness.t("ka")
    assert (greeting.text or "").startswith(t.gettext(WELCOME))
    # A button press comes the same way.
    await ani.press(t.gettext("Programmes"))
    await ani.next_callback_answer(timeout=REPLY_TIMEOUT_S)
    info = await harness.bot(GetWebhookInfo())
    assert info.url == served.url
    assert info.last_error_message is None
    await until(lambda: harness.tg.stats.webhook_deliveries == 2)
    assert harness.tg.stats.webhook_failures == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}, {SECRET_HEADER: SECRET + "x"}],
    ids=["missing", "wrong", "empty", "longer"],
)
async def test_a_request_without_the_right_secret_is_refused(
    served: Served, headers: dict[str, str]
) -> None:
    ani = served.harness.user()
    served.harness.tg.state.chats[ani.id].started = True  # the bot may write to Ani
    response = await served.client.post(WEBHOOK_PATH, json=served.update(ani.id), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 401
    # Nothing was handled: no answer to Ani, no conversation state.
    assert not await ani.wait_for_change(0.3)
    assert ani.messages == []
    assert await served.harness.participant(ani) is None


async def test_the_right_secret_lets_an_update_in(served: Served) -> None:
    ani = served.harness.user(language_code="ru")
    served.harness.tg.state.chats[ani.id].started = True
    response = await served.client.post(
        WEBHOOK_PATH, json=served.update(ani.id), headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 200
    [first, *_others] = [message.text or "" for message in ani.messages]
    assert first.startswith(served.harness.t("ru").gettext(WELCOME))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json", "application/json"),
        (b"{", "application/json"),
        (b"\xff\xfe", "application/octet-stream"),
        (b"", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"update_id": "x"}', "application/json"),
        (b'{"message": {}}', "application/json"),
        # Nested deeper than the parser recurses: a RecursionError was a 500 (#12).
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (
            b'{"update_id": 1, "message": ' + b'{"a": ' * 100_000 + b"}" * 100_001,
            "application/json",
        ),
    ],
    ids=["text", "truncated", "binary", "empty", "array", "bad-id", "no-id", "deep", "deep-in"],
)
async def test_a_body_that_is_not_an_update_is_a_bad_request(
    served: Served, body: bytes, content_type: str
) -> None:
    response = await served.client.post(
        WEBHOOK_PATH,
        content=body,
        headers={SECRET_HEADER: SECRET, "content-type": content_type},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_body_over_the_webhook_limit_is_refused(served: Served) -> None:
    update = served.update(served.harness.user().id)
    update["padding"] = "x" * WEBHOOK_MAX_BODY_BYTES
    response = await served.client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_wrong_secret_is_checked_before_the_body(served: Served) -> None:
    response = await served.client.post(
        WEBHOOK_PATH, content=b"not json", headers={SECRET_HEADER: "wrong"}
    )
    assert response.status_code == 401


async def test_an_address_guessing_the_secret_is_made_to_wait(served: Served) -> None:
    """Ten wrong secrets a minute, then 429 with Retry-After: the right one waits too."""
    ani = served.harness.user()
    served.harness.tg.state.chats[ani.id].started = True
    for _ in range(10):
        wrong = await served.client.post(
            WEBHOOK_PATH, json=served.update(ani.id), headers={SECRET_HEADER: "guess"}
        )
        assert wrong.status_code == 401
    for secret in ("guess", SECRET):
        refused = await served.client.post(
            WEBHOOK_PATH, json=served.update(ani.id), headers={SECRET_HEADER: secret}
        )
        assert refused.status_code == 429
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert int(refused.headers["retry-after"]) >= 1
    assert ani.messages == []


# --- redbridge serve in webhook mode -----------------------------------------------------


@contextlib.asynccontextmanager
async def serve_process(
    workdir: Path, env: dict[str, str], port: int
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """``python -m redbridge serve`` until /healthz answers; SIGTERM at the end."""
    log_path = workdir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "redbridge", "serve"],
            cwd=workdir,  # no stray .env is read
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            await _until_healthy(process, port, log_path)
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
            for _ in range(300):
                if process.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                process.kill()
            process.wait(timeout=15)


async def _until_healthy(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_S
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
        while True:
            if process.poll() is not None:
                raise AssertionError(f"redbridge serve exited:\n{log_path.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    return
            if loop.time() > deadline:
                raise AssertionError(f"redbridge serve did not start:\n{log_path.read_text()}")
            await asyncio.sleep(0.05)


@pytest.mark.process
async def test_serve_in_webhook_mode_registers_the_webhook_and_answers(
    tmp_path: Path,
) -> None:
    port = free_port()
    webhook_url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    async with TelegramEmulator(TOKEN, BOT_USERNAME) as tg:
        env = {key: value for key, value in os.environ.items() if not key.startswith("REDBRIDGE")}
        env |= {
            "REDBRIDGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'redbridge.db'}",
            "REDBRIDGE_BOT_TOKEN": TOKEN,
            "REDBRIDGE_TELEGRAM_API_URL": tg.base_url,
            "REDBRIDGE_WEBHOOK_URL": webhook_url,
            "REDBRIDGE_WEBHOOK_SECRET": SECRET,
            "REDBRIDGE_HOST": "127.0.0.1",
            "REDBRIDGE_PORT": str(port),
            "REDBRIDGE_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        async with serve_process(tmp_path, env, port) as process:
            bot = create_bot(TOKEN, tg.base_url)
            try:
                info = await bot(GetWebhookInfo())
            finally:
                await bot.session.close()
            assert info.url == webhook_url
            assert tg.webhook is not None
            assert tg.webhook.secret_token == SECRET
            assert {"message", "callback_query"} <= set(info.allowed_updates or [])
            assert tg.stats.calls["getUpdates"] == 0

            nino = tg.user(7_300_001, "Nino", language_code="ka")
            await nino.start()
            greeting = await nino.next_message(timeout=REPLY_TIMEOUT_S)
            assert (greeting.text or "").startswith(GREETING_KA)
            await nino.press(Catalogues().translator("ka").gettext("Programmes"))
            await nino.next_callback_answer(timeout=REPLY_TIMEOUT_S)
            await until(lambda: tg.stats.webhook_deliveries == 2)
            assert tg.stats.webhook_failures == 0

            # Someone else POSTing to the webhook without the secret is refused.
            async with httpx.AsyncClient(timeout=10) as client:
                refused = await client.post(webhook_url, json={"update_id": 1})
                # What the access log must not keep (#12): a feed token, a Telegram id.
                base = f"http://127.0.0.1:{port}"
                await client.get(f"{base}/calendar/me/{PERSONAL_TOKEN}.ics")
                await client.get(f"{base}/api/v1/participants?telegram_user_id=555000111")
            assert refused.status_code == 401
            assert process.poll() is None
        log = (tmp_path / "serve.log").read_text()
        assert '"GET /calendar/me/….ics HTTP/1.1" 404' in log
        assert '"GET /api/v1/participants?telegram_user_id=… HTTP/1.1" 401' in log
        assert PERSONAL_TOKEN not in log
        assert "555000111" not in log
        assert process.returncode == 0, log  # SIGTERM: a graceful stop, then exit 0
        assert "Redbridge stopped" in log
        assert "Application shutdown complete" in log
        assert "Traceback" not in log
