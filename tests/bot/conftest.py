"""The real bot process for end-to-end dialogues, shared by every dialogue test.

Starting ``redbridge serve`` costs seconds (aiogram's types alone take most of it), so a
test session (each pytest-xdist worker) starts it once per backend: ``live_stack``
(session scope, parametrised indirectly with ``"sqlite"`` or ``"postgresql"``) holds the
emulator, the process and a database loaded with the demo programmes and the
:data:`~tests.bot.process.PROGRAMME_SLUG` programme. Tests take ``live`` (function
scope): it makes new people and events for the test, so tests never share a chat or an
event (each event starts on a day of its own, so its button is its own too), and after
the test it fails if the process logged an error or a traceback meanwhile.

Modules that use them run in the session's event loop, because the emulator must keep
serving the process between tests: ``pytestmark = pytest.mark.asyncio(loop_scope="session")``.
Parametrise with :func:`in_every_language`, :data:`on_both_backends` or :data:`on_sqlite`.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import TelegramEmulator
from events.languages import LANGUAGES
from events.models import Event
from events.store import create_engine, create_sessionmaker
from locales.translator import Catalogues
from redbridge.demo import load_demo
from redbridge.settings import Settings
from tests.bot.process import (
    BOT_USERNAME,
    PROGRAMME_SLUG,
    BotProcess,
    Person,
    make_application_event,
    make_event,
    make_programme,
    next_user_id,
)
from tests.support.databases import Databases

BACKENDS = ("sqlite", "postgresql")
F = TypeVar("F", bound=Callable[..., Any])


def on_both_backends(test: F) -> F:
    marked: F = pytest.mark.process(
        pytest.mark.parametrize(
            "live_stack", BACKENDS, indirect=True, scope="session", ids=list(BACKENDS)
        )(test)
    )
    return marked


def on_sqlite(test: F) -> F:
    marked: F = pytest.mark.process(
        pytest.mark.parametrize(
            "live_stack", ["sqlite"], indirect=True, scope="session", ids=["sqlite"]
        )(test)
    )
    return marked


# Every dialogue runs in all five languages on SQLite; on PostgreSQL in two of them
# (Armenian, and Russian with its three plural forms), which keeps the run short: the
# storage code is the same whatever the language.
POSTGRES_LANGUAGES = ("hy", "ru")


def in_every_language(test: F) -> F:
    """Run the test for each of the five languages on SQLite, and for
    :data:`POSTGRES_LANGUAGES` on PostgreSQL."""
    cases = [
        pytest.param(backend, language, id=f"{language}-{backend}")
        for backend, languages in (("sqlite", LANGUAGES), ("postgresql", POSTGRES_LANGUAGES))
        for language in languages
    ]
    marked: F = pytest.mark.process(
        pytest.mark.parametrize(
            ("live_stack", "language"), cases, indirect=["live_stack"], scope="session"
        )(test)
    )
    return marked


@dataclass
class LiveStack:
    backend: str
    database_url: str
    sessionmaker: async_sessionmaker[AsyncSession]
    tg: TelegramEmulator
    process: BotProcess
    catalogues: Catalogues


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def live_stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveStack]:
    backend: str = getattr(request, "param", "sqlite")
    databases: Databases = request.getfixturevalue(f"{backend}_databases")
    workdir = tmp_path_factory.mktemp(f"live-{backend}")
    url = databases.create(workdir)
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        now = datetime.now(UTC)
        await load_demo(Settings(database_url=url), now)
        await make_programme(sessionmaker, PROGRAMME_SLUG)
        async with TelegramEmulator(bot_username=BOT_USERNAME) as tg:
            # The emulator counts no flood limits here, so the process need not keep to
            # one message a second per chat: a dialogue's replies come as fast as it
            # answers them. Pacing has its own tests, with the limits enforced
            # (tests/sending, tests/bot/test_reply_budget.py).
            process = BotProcess(workdir, url, tg, {"REDBRIDGE_DISPATCH_CHAT_RATE": "30"})
            await process.start()
            try:
                yield LiveStack(backend, url, sessionmaker, tg, process, Catalogues())
            finally:
                await process.stop()
    finally:
        await engine.dispose()
        databases.drop(url)


class Live:
    """One test's view of the running bot: its own people and events."""

    def __init__(self, stack: LiveStack) -> None:
        self.stack = stack
        self.tg = stack.tg
        self.process = stack.process
        self.sessionmaker = stack.sessionmaker
        self.catalogues = stack.catalogues

    def person(
        self,
        language_code: str | None = "en",
        first_name: str = "Ani",
        *,
        speaks: str | None = None,
    ) -> Person:
        """A new Telegram user; the bot should answer in ``speaks`` (default: the
        language their ``language_code`` names)."""
        user = self.tg.user(next_user_id(), first_name, language_code=language_code)
        return Person(user, self.catalogues, speaks or language_code or "en")

    async def event(self, **overrides: Any) -> Event:
        return await make_event(self.sessionmaker, **overrides)

    async def application_event(self, **overrides: Any) -> Event:
        return await make_application_event(self.sessionmaker, **overrides)


@pytest.fixture
def live(live_stack: LiveStack) -> Iterator[Live]:
    since = live_stack.process.log_size()
    yield Live(live_stack)
    assert live_stack.process.running, "redbridge serve died:\n" + live_stack.process.log_tail()
    problems = live_stack.process.problems(since)
    assert not problems, "redbridge serve logged errors:\n" + "\n".join(problems)
