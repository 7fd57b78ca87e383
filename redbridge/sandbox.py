"""``redbridge sandbox``: try Redbridge without a Telegram token.

Starts the project's Telegram emulator on loopback, then the API, the bot and the
scheduler against it (with the demo data), and lets a person chat with the bot in the
terminal: type text, press buttons by number.
"""

import asyncio
import contextlib
import sys
from datetime import datetime

from pydantic import SecretStr

from emulator.console import chat_in_terminal, stdin_lines
from emulator.server import TelegramEmulator
from events.access import create_token
from events.clock import system_clock
from events.enums import Role
from events.store import create_engine, create_sessionmaker
from redbridge.demo import load_demo
from redbridge.server import serve
from redbridge.settings import Settings

SANDBOX_TOKEN = "123456:SANDBOX"
SANDBOX_BOT = "redbridge_sandbox_bot"


async def run_sandbox(
    settings: Settings, *, user_id: int, first_name: str, language: str, organiser: bool
) -> None:
    summary = await load_demo(settings, system_clock())
    async with TelegramEmulator(SANDBOX_TOKEN, SANDBOX_BOT) as tg:
        bot_settings = settings.model_copy(
            update={
                "bot_token": SecretStr(SANDBOX_TOKEN),
                "telegram_api_url": tg.base_url,
                "webhook_url": None,
                "log_level": "WARNING",
            }
        )
        if organiser:
            await _make_organiser(settings, user_id, system_clock())
        server = asyncio.create_task(serve(bot_settings))
        _write(
            f"{summary}\nRedbridge sandbox: the API is on http://{settings.host}:{settings.port}, "
            f"the bot @{SANDBOX_BOT} talks to an emulated Telegram at {tg.base_url}.\n"
            f"You are {first_name} (Telegram id {user_id}, language {language!r})"
            + (", an admin organiser" if organiser else "")
            + ". Start with /start.\n"
        )
        user = tg.user(user_id, first_name, language_code=language)
        chat = asyncio.create_task(chat_in_terminal(user, stdin_lines(), _write))
        try:
            # Ctrl+C stops the server (it handles the signal and returns); the chat ends too.
            await asyncio.wait({chat, server}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            chat.cancel()
            server.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await server
            with contextlib.suppress(asyncio.CancelledError):
                await chat


async def _make_organiser(settings: Settings, user_id: int, now: datetime) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await create_token(
                session, now, role=Role.ADMIN, name="sandbox", telegram_user_id=user_id
            )
    finally:
        await engine.dispose()


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
