"""``redbridge sandbox``: try Redbridge without a Telegram token.

Starts the project's Telegram emulator on loopback, then the API, the bot and the
scheduler against it (with the demo data), and lets a person chat with the bot in the
terminal: type text, press buttons with ``#N``.

The sandbox has a database of its own, new each run and gone after it, because its
emulated Telegram starts empty every time: people in an older database would have no
chat to be written to. ``--database`` keeps one across runs; its people are then given
chats in the emulator again. The person at the keyboard reads the language they asked
for, whatever an earlier run chose.
"""

import asyncio
import contextlib
import socket
import sys
import tempfile
from datetime import datetime

from aiogram.fsm.storage.base import StorageKey
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import LANGUAGE_KEY
from bot.storage import DatabaseStorage
from emulator.console import chat_in_terminal, stdin_lines
from emulator.server import TelegramEmulator
from events.access import create_token
from events.clock import system_clock
from events.enums import Role
from events.languages import Language
from events.models import Participant
from events.preferences import set_language
from events.store import create_engine, create_sessionmaker
from redbridge.demo import load_demo
from redbridge.demo.alumni import list_in_demo_alumni
from redbridge.ports import PortInUse, check_port
from redbridge.server import serve
from redbridge.settings import Settings, derived_public_url

SANDBOX_BOT_ID = 123456
SANDBOX_TOKEN = f"{SANDBOX_BOT_ID}:SANDBOX"
SANDBOX_BOT = "redbridge_sandbox_bot"


async def run_sandbox(
    settings: Settings,
    *,
    user_id: int,
    first_name: str,
    language: Language,
    organiser: bool,
    database_url: str | None = None,
) -> None:
    """Chat with the bot until /quit or Ctrl+C; ``database_url`` keeps a database."""
    with tempfile.TemporaryDirectory(prefix="redbridge-sandbox-") as directory:
        settings = _own_place(settings, database_url or f"sqlite:///{directory}/sandbox.db")
        summary = await load_demo(settings, system_clock())
        async with TelegramEmulator(SANDBOX_TOKEN, SANDBOX_BOT) as tg:
            await _prepare_people(tg, settings, user_id, first_name, language, organiser)
            stop = asyncio.Event()
            server = asyncio.create_task(serve(_against(settings, tg), stop=stop))
            _write(
                f"{summary}\nRedbridge sandbox: the API is on {settings.public_url}, the "
                f"bot @{SANDBOX_BOT} talks to an emulated Telegram at {tg.base_url}"
                + ("" if database_url else " (a new database, gone when you leave)")
                + f".\nYou are {first_name} (Telegram id {user_id}, language {language!r})"
                + (", an admin organiser" if organiser else "")
                + ". Start with /start.\n"
            )
            user = tg.user(user_id, first_name, language_code=language)
            chat = asyncio.create_task(chat_in_terminal(user, stdin_lines(), _write))
            try:
                # /quit ends the chat; Ctrl+C stops the server (it handles the signal).
                await asyncio.wait({chat, server}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.set()  # the server's own shutdown: no cancelled task, no traceback
                chat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await chat
                await server


def _own_place(settings: Settings, database_url: str) -> Settings:
    """The sandbox's database, and a free port if the configured one is taken (by a
    ``make run`` still open, say), with the links that go with it."""
    port = settings.port
    try:
        check_port(settings.host, port)
    except PortInUse:
        port = _free_port(settings.host)
        _write(f"Port {settings.port} is in use: the sandbox's API takes port {port}.\n")
    links = settings.public_url
    if links == derived_public_url(settings.host, settings.port):
        links = derived_public_url(settings.host, port)
    return settings.model_copy(
        update={"database_url": database_url, "port": port, "public_url": links}
    )


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _against(settings: Settings, tg: TelegramEmulator) -> Settings:
    return settings.model_copy(
        update={
            "bot_token": SecretStr(SANDBOX_TOKEN),
            "telegram_api_url": tg.base_url,
            "webhook_url": None,
            "log_level": "WARNING",
        }
    )


async def _prepare_people(
    tg: TelegramEmulator,
    settings: Settings,
    user_id: int,
    first_name: str,
    language: Language,
    organiser: bool,
) -> None:
    """Chats in the emulator for the people a kept database knows, the language the person
    at the keyboard asked for, and their organiser role."""
    now = system_clock()
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            # Sandbox plumbing, not a use case: the emulator needs everyone's chat.
            people = await session.scalars(
                select(Participant).where(Participant.telegram_user_id.is_not(None))
            )
            for person in people:
                if person.telegram_user_id is not None and person.telegram_user_id != user_id:
                    tg.user(person.telegram_user_id, person.name or "Participant", started=True)
            me = await session.scalar(
                select(Participant).where(Participant.telegram_user_id == user_id)
            )
            if me is not None:
                await set_language(session, now, me, language)
            # Listed among last summer's alumni: invited on the first message.
            await list_in_demo_alumni(session, now, user_id)
            if organiser:
                await _make_organiser(session, user_id, now)
        # The bot also keeps a language chosen before registering, in the conversation.
        key = StorageKey(bot_id=SANDBOX_BOT_ID, chat_id=user_id, user_id=user_id)
        await DatabaseStorage(create_sessionmaker(engine)).update_data(
            key, {LANGUAGE_KEY: language}
        )
    finally:
        await engine.dispose()


async def _make_organiser(session: AsyncSession, user_id: int, now: datetime) -> None:
    await create_token(session, now, role=Role.ADMIN, name="sandbox", telegram_user_id=user_id)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
