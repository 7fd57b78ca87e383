"""The life of the ``redbridge serve`` process: a participant half-way through an
application continues after the process is killed and started again (conversation state
lives in the database), without a bot token the API runs alone, and SIGTERM stops it
cleanly."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import TelegramEmulator
from events.enums import RegistrationStatus
from locales.translator import Catalogues
from tests.bot.process import (
    ANSWERS,
    BIRTH_YEAR_QUESTION,
    BOT_USERNAME,
    COUNTRY_QUESTION,
    GENDER_QUESTION,
    NAME_QUESTION,
    PROGRAMME_SLUG,
    RECEIVED,
    BotProcess,
    Person,
    choice_label,
    conversation_of,
    make_application_event,
    make_programme,
    participant_of,
    prompt,
    registrations_of,
    summary_heading,
    walk_begin,
    walk_profile,
    walk_questions,
)

pytestmark = pytest.mark.process


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(bot_username=BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture
async def serve(
    tg: TelegramEmulator, database_url: str, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    """``redbridge serve`` on the test database, not started yet; stopped at the end."""
    process = BotProcess(tmp_path, database_url, tg)
    yield process
    await process.stop()


async def test_an_application_continues_after_the_process_is_killed(
    tg: TelegramEmulator,
    serve: BotProcess,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await make_programme(sessionmaker, PROGRAMME_SLUG)
    event = await make_application_event(sessionmaker)
    await serve.start()
    ani = Person(tg.user(4242, "Ani", language_code="hy"), Catalogues(), "hy")
    _ = ani._
    await walk_begin(ani, event)
    await walk_profile(ani, name="Ani", country="AM", gender="Female", birth_year=2002)
    await ani.say("I want to meet my neighbours.", prompt("track", "hy"))
    await ani.tap_for(choice_label("track", "economy", "hy"), prompt("visa", "hy"))
    conversation = await conversation_of(sessionmaker, ani.id)
    assert conversation is not None
    assert conversation.state == "SignupSteps:question"
    assert conversation.data["signup"]["answers"] == {
        "motivation": "I want to meet my neighbours.",
        "track": "economy",
    }

    assert await serve.kill() == -9
    # While the bot is down she presses "Yes"; Telegram keeps the update for the bot.
    await ani.user.press(_("Yes"))
    assert tg.pending_updates >= 1
    await serve.start()
    await ani.expect(prompt("experience", "hy"))
    await ani.say("2", prompt("note", "hy"))
    await ani.say("Բուսակեր եմ։", summary_heading(ani, event))
    await ani.tap_for(_("Agree and send"), _(RECEIVED))
    [application] = await registrations_of(sessionmaker, ani.id)
    assert application.status == RegistrationStatus.APPLIED
    assert application.answers == {
        "motivation": "I want to meet my neighbours.",
        "track": "economy",
        "visa": True,
        "experience": 2,
        "note": "Բուսակեր եմ։",
    }
    assert serve.starts == 2
    assert serve.problems() == []


@pytest.mark.parametrize("backend", ["sqlite"])  # the SIGKILL test above covers PostgreSQL
async def test_a_stop_between_answers_loses_nothing(
    tg: TelegramEmulator,
    serve: BotProcess,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A graceful restart (SIGTERM, as a deploy sends) mid-profile, then the rest."""
    await make_programme(sessionmaker, PROGRAMME_SLUG)
    event = await make_application_event(sessionmaker)
    await serve.start()
    nino = Person(tg.user(4343, "Nino", language_code="ka-GE"), Catalogues(), "ka")
    _ = nino._
    await walk_begin(nino, event)
    await nino.expect(_(NAME_QUESTION))
    await nino.say("Nino", _(COUNTRY_QUESTION))
    await serve.stop()
    await serve.start()
    await nino.tap_for(
        nino.t.country("GE"),
        _(GENDER_QUESTION),
    )
    await nino.tap(_("Female"))
    await nino.expect(_(BIRTH_YEAR_QUESTION))
    await nino.say("1998", prompt("motivation", "ka"))
    await walk_questions(nino, event)
    await nino.tap_for(_("Agree and send"), _(RECEIVED))
    [application] = await registrations_of(sessionmaker, nino.id)
    assert application.answers["motivation"] == ANSWERS["motivation"]
    participant = await participant_of(sessionmaker, nino.id)
    assert participant is not None
    assert (participant.name, participant.country, participant.birth_year) == ("Nino", "GE", 1998)
    assert serve.problems() == []


async def test_without_a_bot_token_the_api_runs_alone(database_url: str, tmp_path: Path) -> None:
    serve = BotProcess(tmp_path, database_url, emulator=None)
    await serve.start()  # waits for /healthz
    try:
        async with httpx.AsyncClient(base_url=serve.base_url, timeout=10) as api:
            health = await api.get("/healthz")
            programmes = await api.get("/api/v1/programmes")
        assert health.json() == {"status": "ok", "database": "ok"}
        assert programmes.status_code == 200
    finally:
        assert await serve.stop() is not None
    log = serve.log_text().splitlines()
    about_the_bot = [line for line in log if "BOT_TOKEN" in line or "bot is off" in line]
    assert len(about_the_bot) == 1, log
    assert "REDBRIDGE_BOT_TOKEN is not set: the Telegram bot is off" in about_the_bot[0]
    assert not any("aiogram" in line or "polling" in line for line in log), log
    assert serve.problems() == []


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("with_bot", [False, True], ids=["api-only", "with-bot"])
async def test_sigterm_runs_the_cleanup_and_exits_0(
    tg: TelegramEmulator, database_url: str, tmp_path: Path, with_bot: bool
) -> None:
    serve = BotProcess(tmp_path, database_url, tg if with_bot else None)
    await serve.start()  # waits for /healthz (and with the bot, its first getUpdates)
    assert await serve.stop() == 0, serve.log_tail()  # SIGTERM first; SIGKILL only if stuck
    log = serve.log_text()
    assert "Redbridge stopped" in log, serve.log_tail()  # logged once the cleanup has run
    assert log.index("Application shutdown complete") < log.index("Redbridge stopped")
    if with_bot:
        assert log.index("Polling stopped") < log.index("Redbridge stopped"), serve.log_tail()
    assert serve.problems() == []
