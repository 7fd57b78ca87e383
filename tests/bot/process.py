"""The real ``redbridge serve`` process against the Telegram emulator, and people who chat
with it.

:class:`BotProcess` runs ``python -m redbridge serve`` as a child process (API, bot and
scheduler, exactly as deployed), pointed at the emulator by ``REDBRIDGE_TELEGRAM_API_URL``,
and waits until the API answers ``/healthz`` and the bot has asked for updates.
:class:`Person` is a simulated Telegram user with the translator of their language: they
send text, press buttons by their translated labels and wait (boundedly) for what the bot
answers. The ``walk_*`` functions are the steps whole dialogues share.

Everything waits with bounded polling loops; nothing sleeps for a fixed time.
"""

import asyncio
import contextlib
import functools
import itertools
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
from babel.messages.pofile import read_po
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogues, Translator
from emulator import CallbackAnswer, ChatMessage, SimulatedUser, TelegramEmulator
from events.access import create_token
from events.enums import QuestionKind, RegistrationMode, Role
from events.inputs import ParticipantDetails
from events.languages import Language
from events.models import ConversationState, Event, Participant, Registration
from events.registrations import sign_up
from locales import CATALOGUE_DIR, DOMAIN
from tests.factories import create_event, create_programme
from tests.support.ports import free_port

T = TypeVar("T")

BOT_USERNAME = "redbridge_test_bot"
MESSAGE_TIMEOUT_S = 10.0  # for one expected message, edit or button answer
START_TIMEOUT_S = 90.0  # imports, migrations and the first getUpdates, on a busy machine
STOP_TIMEOUT_S = 15.0  # after SIGTERM, before SIGKILL
POLL_INTERVAL_S = 0.05

# Lines of the process's log that mean something went wrong inside it.
# A log record starts with its time; a traceback's lines do not.
_LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:")
_PROBLEM = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback \(most recent call last\)")
_serial = itertools.count(1)
_user_ids = itertools.count(7_100_001)
# Days ahead of each new event: one day each, so "title · date" buttons never repeat
# among the events of the programme the dialogue tests share.
_event_days = itertools.count(40)


def next_user_id() -> int:
    """A Telegram id no other test of the session uses."""
    return next(_user_ids)


def unique_slug(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


# Starts on a new port when the chosen one was taken meanwhile.
PORT_TRIES = 3


class PortTaken(Exception):
    """``redbridge serve`` exited at once: its port was in use."""


class BotProcess:
    """``python -m redbridge serve`` as a child process, its output in a log file.

    ``emulator`` None runs it without ``REDBRIDGE_BOT_TOKEN`` (the bot is off);
    ``settings`` are more ``REDBRIDGE_*`` variables for it.
    """

    def __init__(
        self,
        workdir: Path,
        database_url: str,
        emulator: TelegramEmulator | None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.database_url = database_url
        self.emulator = emulator
        self.settings = dict(settings or {})
        self.port = free_port()
        self.log_path = workdir / f"redbridge-serve-{next(_serial)}.log"
        self._popen: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def environment(self) -> dict[str, str]:
        """The caller's environment without its REDBRIDGE_* settings, plus this instance's."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("REDBRIDGE_")}
        env |= {
            "REDBRIDGE_DATABASE_URL": self.database_url,
            "REDBRIDGE_HOST": "127.0.0.1",
            "REDBRIDGE_PORT": str(self.port),
            "REDBRIDGE_PUBLIC_URL": self.base_url,
            "REDBRIDGE_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        if self.emulator is not None:
            env["REDBRIDGE_BOT_TOKEN"] = self.emulator.token
            env["REDBRIDGE_TELEGRAM_API_URL"] = self.emulator.base_url
        return env | self.settings

    async def start(self) -> None:
        """Start the process and wait until it serves: /healthz answers 200 and (with a
        token) the bot has called getUpdates since this start."""
        if self.running:
            raise RuntimeError("the bot process is already running")
        for _ in range(PORT_TRIES - 1):
            try:
                await self._start()
                return
            except PortTaken:
                # Another test's server took the port since it was chosen (a restart
                # keeps its port): take another.
                self.port = free_port()
        await self._start()

    async def _start(self) -> None:
        polls_before = self._polls()
        log_start = self.log_size()
        self._log = self.log_path.open("ab")
        self._popen = subprocess.Popen(
            [sys.executable, "-m", "redbridge", "serve"],
            cwd=self.workdir,  # no stray .env is read
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1
        try:
            await self._until_serving(polls_before)
        except BaseException:
            await self.stop()
            if self._port_taken(since=log_start):
                raise PortTaken from None
            raise

    def _port_taken(self, since: int) -> bool:
        with self.log_path.open("rb") as log:
            log.seek(since)
            return b" is in use (is Redbridge already running there?)" in log.read()

    async def _until_serving(self, polls_before: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT_S
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as client:
            while True:
                if self._popen is None or self._popen.poll() is not None:
                    code = None if self._popen is None else self._popen.returncode
                    raise AssertionError(f"redbridge serve exited ({code}):\n{self.log_tail()}")
                healthy = False
                with contextlib.suppress(httpx.TransportError):
                    healthy = (await client.get("/healthz")).status_code == 200
                if healthy and (self.emulator is None or self._polls() > polls_before):
                    return
                if loop.time() > deadline:
                    raise AssertionError(
                        f"redbridge serve did not come up in {START_TIMEOUT_S} s:\n"
                        + self.log_tail()
                    )
                await asyncio.sleep(POLL_INTERVAL_S)

    def _polls(self) -> int:
        return 0 if self.emulator is None else self.emulator.stats.calls["getUpdates"]

    async def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it is still there after a while; returns the exit code."""
        popen = self._popen
        if popen is not None and popen.poll() is None:
            popen.terminate()
            if not await self._exited(STOP_TIMEOUT_S):
                popen.kill()
                await self._exited(STOP_TIMEOUT_S)
        return self._reap()

    async def kill(self) -> int | None:
        """SIGKILL, as a crash or an impatient deploy would: no shutdown code runs."""
        popen = self._popen
        if popen is not None and popen.poll() is None:
            popen.send_signal(signal.SIGKILL)
            await self._exited(STOP_TIMEOUT_S)
        return self._reap()

    async def _exited(self, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._popen is not None and self._popen.poll() is None:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(POLL_INTERVAL_S)
        return True

    def _reap(self) -> int | None:
        code = None
        if self._popen is not None:
            code = self._popen.wait(timeout=STOP_TIMEOUT_S)
            self._popen = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def problems(self, since: int = 0) -> list[str]:
        """Log lines after byte ``since`` that report an error or a traceback."""
        if not self.log_path.exists():
            return []
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        found: list[str] = []
        in_traceback = False
        for line in text.splitlines():
            if _PROBLEM.search(line):
                found.append(line)
                in_traceback = "Traceback" in line
            elif in_traceback and not _LOG_RECORD.match(line):
                found.append(line)  # the traceback's body says what went wrong
            else:
                in_traceback = False
        return found


# --- People -------------------------------------------------------------------------


@functools.cache
def known_messages() -> frozenset[str]:
    """Every msgid of the bot's message template (singular and plural forms)."""
    with (CATALOGUE_DIR / f"{DOMAIN}.pot").open("rb") as template:
        catalogue = read_po(template)
    ids: set[str] = set()
    for entry in catalogue:
        ids.update([entry.id] if isinstance(entry.id, str) else entry.id)
    return frozenset(ids)


def shown(message: ChatMessage) -> str:
    """What a person reads: the text, or a file's caption."""
    return message.text if message.text is not None else message.caption or ""


def labels(message: ChatMessage) -> list[str]:
    return [button.text for row in message.buttons for button in row]


class Person:
    """A simulated Telegram user and the catalogue of the language the bot should use."""

    def __init__(self, user: SimulatedUser, catalogues: Catalogues, language: str) -> None:
        self.user = user
        self.catalogues = catalogues
        self.t: Translator = catalogues.translator(language)

    def __repr__(self) -> str:
        return f"<Person {self.user.id} {self.t.language}>"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def language(self) -> Language:
        return self.t.language

    def speaks(self, language: str) -> None:
        """From now on, expect the bot to write in ``language``."""
        self.t = self.catalogues.translator(language)

    def _(self, message: str) -> str:
        """``message`` in this person's language (a typo in a msgid fails loudly)."""
        assert message in known_messages(), f"{message!r} is not a message of the bot"
        return self.t.gettext(message)

    def n_(self, singular: str, plural: str, count: int) -> str:
        assert singular in known_messages(), f"{singular!r} is not a message of the bot"
        return self.t.ngettext(singular, plural, count)

    async def next(self, timeout: float = MESSAGE_TIMEOUT_S) -> ChatMessage:
        return await self.user.next_message(timeout=timeout)

    async def expect(self, *fragments: str) -> ChatMessage:
        """The next message from the bot, which must contain every fragment."""
        message = await self.next()
        text = shown(message)
        missing = [fragment for fragment in fragments if fragment not in text]
        assert not missing, f"{self!r}: {missing!r} not in the bot's message {text!r}"
        return message

    async def send(self, text: str) -> None:
        await self.user.send(text)

    async def say(self, text: str, *fragments: str) -> ChatMessage:
        """Send ``text``; return the bot's next message, which contains ``fragments``."""
        await self.user.send(text)
        return await self.expect(*fragments)

    def message_with(self, label: str) -> ChatMessage:
        """The newest message that has a button with this label."""
        for message in reversed(self.user.messages):
            if label in labels(message):
                return message
        raise LookupError(f"{self!r} sees no button {label!r}")

    def entry_label(self, *fragments: str) -> str:
        """The button of a numbered list entry (``bot.choices``): the newest message with
        a line "N. …" holding every fragment, and its button that starts with "N. "."""
        for message in reversed(self.user.messages):
            for line in shown(message).splitlines():
                number, dot, rest = line.partition(". ")
                if dot and number.isdigit() and all(f in rest for f in fragments):
                    found = [label for label in labels(message) if label.startswith(number + dot)]
                    assert len(found) == 1, f"{self!r}: entry {line!r} has buttons {found!r}"
                    return found[0]
        raise LookupError(f"{self!r} sees no list entry with {fragments!r}")

    async def tap_entry(self, *fragments: str) -> ChatMessage:
        """Press the button of the list entry holding ``fragments``; return the message it
        edited (lists are edited in place when browsing) or the new one it brought."""
        label = self.entry_label(*fragments)
        message = self.message_with(label)
        edits, count = message.edits, len(self.user.messages)
        await self.tap(label, message=message)
        return await self.until(
            lambda: (
                message
                if message.edits > edits
                else (self.user.messages[-1] if len(self.user.messages) > count else None)
            ),
            f"the answer to entry {fragments!r}",
        )

    async def button(self, label: str) -> ChatMessage:
        """Wait for a message with this button (a long reply may come in several parts)."""

        def found() -> ChatMessage | None:
            try:
                return self.message_with(label)
            except LookupError:
                return None

        return await self.until(found, f"button {label!r}")

    async def tap(self, label: str, *, message: ChatMessage | None = None) -> CallbackAnswer:
        """Press the button with this (translated) label, on ``message`` or else the newest
        message that has one, and wait for the bot to answer the press."""
        query_id = await self.user.press(label, message=message)
        return await self.answer_to(query_id)

    async def forge(self, data: str, message: ChatMessage | None = None) -> CallbackAnswer:
        """A callback query with any data, as a modified client could send it."""
        query_id = await self.user.send_callback(data, message)
        return await self.answer_to(query_id)

    async def answer_to(self, query_id: str) -> CallbackAnswer:
        def answer() -> CallbackAnswer | None:
            return next(
                (a for a in self.user.callback_answers if a.callback_query_id == query_id), None
            )

        return await self.until(answer, f"an answer to the press {query_id}")

    async def tap_for(self, label: str, *fragments: str) -> ChatMessage:
        """Press a button; return the new message it brings, which contains ``fragments``."""
        await self.tap(label)
        return await self.expect(*fragments)

    async def tap_for_edit(self, label: str, *fragments: str) -> ChatMessage:
        """Press a button; return its message once the bot has edited it."""
        message = self.message_with(label)
        edits = message.edits
        await self.tap(label, message=message)
        await self.until(lambda: message if message.edits > edits else None, "an edit")
        text = shown(message)
        missing = [fragment for fragment in fragments if fragment not in text]
        assert not missing, f"{self!r}: {missing!r} not in the edited message {text!r}"
        return message

    async def until(self, found: Callable[[], T | None], what: str) -> T:
        """Wait (boundedly) until ``found()`` returns something, as the chat changes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MESSAGE_TIMEOUT_S
        while True:
            value = found()
            if value is not None:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{self!r} got no {what} within {MESSAGE_TIMEOUT_S} s")
            await self.user.wait_for_change(remaining)

    def drain(self) -> list[ChatMessage]:
        return self.user.drain()


# --- Test data ----------------------------------------------------------------------


def five(*, en: str, hy: str, az: str, ka: str, ru: str) -> dict[str, str]:
    return {"en": en, "hy": hy, "az": az, "ka": ka, "ru": ru}


PROGRAMME_SLUG = "rivers-and-bridges"
PROGRAMME_TITLE = five(
    en="Rivers and Bridges",
    hy="Գետեր և կամուրջներ",
    az="Çaylar və körpülər",
    ka="მდინარეები და ხიდები",
    ru="Реки и мосты",
)
PROGRAMME_DESCRIPTION = five(
    en="Young people from the three countries meet along shared rivers.",
    hy="Երեք երկրների երիտասարդները հանդիպում են ընդհանուր գետերի ափին։",
    az="Üç ölkənin gəncləri ortaq çayların sahilində görüşür.",
    ka="სამი ქვეყნის ახალგაზრდები საერთო მდინარეებთან ხვდებიან.",
    ru="Молодёжь трёх стран встречается у общих рек.",
)
EVENT_TITLE = five(
    en="Debate evening on the Debed",
    hy="Բանավեճի երեկո Դեբեդի ափին",
    az="Debed sahilində debat axşamı",
    ka="სადებატო საღამო დებედთან",
    ru="Вечер дебатов на Дебеде",
)
EVENT_DESCRIPTION = five(
    en="An evening of moderated debate, then tea.",
    hy="Մոդերատորի վարած բանավեճի երեկո, հետո՝ թեյ։",
    az="Moderatorlu debat axşamı, sonra çay.",
    ka="მოდერირებული დებატების საღამო, შემდეგ ჩაი.",
    ru="Вечер модерируемых дебатов, потом чай.",
)

# The custom questions of the application event, in the order they are asked.
MOTIVATION_LIMIT = 120
EXPERIENCE_RANGE = (0, 40)
QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "motivation",
        "kind": QuestionKind.TEXT,
        "max_length": MOTIVATION_LIMIT,
        "prompt": five(
            en="Why do you want to take part?",
            hy="Ինչո՞ւ եք ցանկանում մասնակցել։",
            az="Niyə iştirak etmək istəyirsiniz?",
            ka="რატომ გსურთ მონაწილეობა?",
            ru="Почему вы хотите принять участие?",
        ),
    },
    {
        "key": "track",
        "kind": QuestionKind.CHOICE,
        "prompt": five(
            en="Which track do you choose?",
            hy="Ո՞ր ուղղությունն եք ընտրում։",
            az="Hansı istiqaməti seçirsiniz?",
            ka="რომელ მიმართულებას ირჩევთ?",
            ru="Какое направление вы выбираете?",
        ),
        "choices": [
            {
                "key": "economy",
                "label": five(
                    en="Economy",
                    hy="Տնտեսություն",
                    az="İqtisadiyyat",
                    ka="ეკონომიკა",
                    ru="Экономика",
                ),
            },
            {
                "key": "culture",
                "label": five(
                    en="Culture and media",
                    hy="Մշակույթ և մեդիա",
                    az="Mədəniyyət və media",
                    ka="კულტურა და მედია",
                    ru="Культура и медиа",
                ),
            },
        ],
    },
    {
        "key": "visa",
        "kind": QuestionKind.YES_NO,
        "prompt": five(
            en="Do you need a visa support letter?",
            hy="Ձեզ անհրաժե՞շտ է վիզայի աջակցության նամակ։",
            az="Viza dəstək məktubuna ehtiyacınız var?",
            ka="გჭირდებათ სავიზო მხარდაჭერის წერილი?",
            ru="Нужно ли вам письмо поддержки для визы?",
        ),
    },
    {
        "key": "experience",
        "kind": QuestionKind.NUMBER,
        "min_value": EXPERIENCE_RANGE[0],
        "max_value": EXPERIENCE_RANGE[1],
        "prompt": five(
            en="How many years have you volunteered?",
            hy="Քանի՞ տարի եք կամավոր աշխատել։",
            az="Neçə il könüllü olmusunuz?",
            ka="რამდენი წელი იყავით მოხალისე?",
            ru="Сколько лет вы занимаетесь волонтёрством?",
        ),
    },
    {
        "key": "note",
        "kind": QuestionKind.TEXT,
        "required": False,
        "prompt": five(
            en="Anything else the organisers should know?",
            hy="Ուրիշ ի՞նչ պետք է իմանան կազմակերպիչները։",
            az="Təşkilatçıların bilməli olduğu başqa nə var?",
            ka="კიდევ რა უნდა იცოდნენ ორგანიზატორებმა?",
            ru="Что ещё стоит знать организаторам?",
        ),
    },
]


# Good answers to :data:`QUESTIONS`, as stored.
ANSWERS: dict[str, object] = {
    "motivation": "To meet my neighbours.",
    "track": "culture",
    "visa": False,
    "experience": 4,
    "note": "I am vegetarian.",
}


def prompt(question_key: str, language: str) -> str:
    question = next(q for q in QUESTIONS if q["key"] == question_key)
    text: str = question["prompt"][language]
    return text


def choice_label(question_key: str, choice_key: str, language: str) -> str:
    question = next(q for q in QUESTIONS if q["key"] == question_key)
    choice = next(c for c in question["choices"] if c["key"] == choice_key)
    text: str = choice["label"][language]
    return text


async def make_programme(
    sessionmaker: async_sessionmaker[AsyncSession], slug: str | None = None
) -> str:
    """A published programme with five-language texts; returns its slug."""
    slug = slug or unique_slug("programme")
    async with sessionmaker() as session:
        await create_programme(
            session,
            datetime.now(UTC),
            slug,
            kind="exchange_visit",
            title=PROGRAMME_TITLE,
            description=PROGRAMME_DESCRIPTION,
        )
    return slug


async def make_organiser(
    sessionmaker: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    *programme_slugs: str,
    role: Role = Role.ORGANISER,
) -> int:
    """Link a Telegram account to an organiser role (or another) for these programmes;
    returns the token's id."""
    async with sessionmaker() as session:
        token, _secret = await create_token(
            session,
            datetime.now(UTC),
            role=role,
            name=f"{role.value} {telegram_user_id}",
            programme_slugs=list(programme_slugs),
            telegram_user_id=telegram_user_id,
        )
    return token.id


async def signed_up(
    sessionmaker: async_sessionmaker[AsyncSession],
    event: Event,
    name: str,
    answers: dict[str, object] | None = None,
    participation: str | None = None,
    **details: object,
) -> Registration:
    """Someone registered through the use case itself (not the chat), for setting scenes;
    ``participation`` is the part of a hybrid event they chose."""
    fields: dict[str, object] = {
        "name": name,
        "country": "GE",
        "telegram_user_id": next_user_id(),
        **details,
    }
    async with sessionmaker() as session:
        return await sign_up(
            session,
            datetime.now(UTC),
            ParticipantDetails.model_validate(fields),
            event.id,
            answers,
            participation,
        )


# Where the test events take place, in the five languages.
VENUE = {
    "en": "Youth Centre",
    "hy": "Երիտասարդական կենտրոն",
    "az": "Gənclər mərkəzi",
    "ka": "ახალგაზრდული ცენტრი",
    "ru": "Молодёжный центр",
}
CITY = {"en": "Alaverdi", "hy": "Ալավերդի", "az": "Alaverdi", "ka": "ალავერდი", "ru": "Алаверди"}


def evening_start(days_ahead: int = 40) -> datetime:
    """14:00 UTC some weeks ahead: 18:00 in Yerevan, whatever the date of the run."""
    today = datetime.now(UTC).replace(hour=14, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days_ahead)


async def make_event(
    sessionmaker: async_sessionmaker[AsyncSession],
    programme_slug: str = PROGRAMME_SLUG,
    **overrides: Any,
) -> Event:
    """A published event of the programme, in Yerevan, with five-language texts.

    By default: open mode, 30 seats, no questions, 18:00 Yerevan time on a day no other
    event of the session has, some weeks ahead; any ``EventDraft`` field can be overridden.
    """
    starts_at = overrides.pop("starts_at", None) or evening_start(next(_event_days))
    fields: dict[str, Any] = {
        "slug": unique_slug("debate"),
        "title": EVENT_TITLE,
        "description": EVENT_DESCRIPTION,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "timezone": "Asia/Yerevan",
        "venue": VENUE,
        "city": CITY,
        "country": "AM",
        "capacity": 30,
    }
    fields |= overrides
    async with sessionmaker() as session:
        return await create_event(session, datetime.now(UTC), programme_slug, **fields)


async def make_application_event(
    sessionmaker: async_sessionmaker[AsyncSession], **overrides: Any
) -> Event:
    """An application-mode event asking :data:`QUESTIONS`."""
    fields: dict[str, Any] = {"mode": RegistrationMode.APPLICATION, "questions": QUESTIONS}
    return await make_event(sessionmaker, **(fields | overrides))


# --- Reading what is stored ---------------------------------------------------------


async def participant_of(
    sessionmaker: async_sessionmaker[AsyncSession], telegram_user_id: int
) -> Participant | None:
    async with sessionmaker() as session:
        found: Participant | None = await session.scalar(
            select(Participant).where(Participant.telegram_user_id == telegram_user_id)
        )
        return found


async def registrations_of(
    sessionmaker: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    event_id: int | None = None,
) -> list[Registration]:
    """The registrations of the participant with this Telegram id (of one event)."""
    async with sessionmaker() as session:
        query = (
            select(Registration)
            .join(Participant, Participant.id == Registration.participant_id)
            .where(Participant.telegram_user_id == telegram_user_id)
            .order_by(Registration.id)
        )
        if event_id is not None:
            query = query.where(Registration.event_id == event_id)
        return list(await session.scalars(query))


async def registration_by_id(
    sessionmaker: async_sessionmaker[AsyncSession], registration_id: int
) -> Registration:
    async with sessionmaker() as session:
        found = await session.get(Registration, registration_id)
        assert found is not None, f"registration {registration_id} is gone"
        return found


async def conversation_of(
    sessionmaker: async_sessionmaker[AsyncSession], telegram_user_id: int
) -> ConversationState | None:
    """The bot's stored conversation with this person in their private chat."""
    async with sessionmaker() as session:
        found: ConversationState | None = await session.scalar(
            select(ConversationState).where(
                ConversationState.user_id == telegram_user_id,
                ConversationState.key.endswith(f":{telegram_user_id}:{telegram_user_id}:default"),
            )
        )
        return found


# --- Steps that whole dialogues share -----------------------------------------------


def when_line(t: Translator, event: Event) -> str:
    """The event card's date line, as the reader's locale writes it in the event's zone."""
    return t.gettext("When: {when}").format(
        when=t.when(event.starts_at, event.ends_at, event.timezone)
    )


NAME_QUESTION = "What name should the organisers see?"
COUNTRY_QUESTION = "Which country do you live in?"
GENDER_QUESTION = "Telling us your gender helps organisers keep groups balanced. This is optional."
BIRTH_YEAR_QUESTION = "In which year were you born? Please write it as a number, e.g. 2001."
GREETING = (
    "Welcome to Redbridge! Here you can find programmes that bring young people and civil "
    "society of the South Caucasus together, register or apply, and get reminders."
)
REGISTERED = "You are registered. See you there!"
RECEIVED = "Your application has been received. The organisers will let you know their decision."
NOT_ACTIVE = "This button is no longer active."


def summary_heading(person: Person, event: Event) -> str:
    return person._("Please check your registration for {title}:").format(
        title=person.t.pick(event.title)
    )


async def walk_open_event(person: Person, event: Event) -> ChatMessage:
    """``/start e-<slug>``: the event card, title in the person's language."""
    return await person.say(
        f"/start e-{event.slug}", person.t.pick(event.title), when_line(person.t, event)
    )


async def walk_profile(
    person: Person,
    name: str = "Ani",
    country: str = "AM",
    gender: str = "Female",
    birth_year: int | None = 2001,
) -> ChatMessage:
    """Answer the profile questions a first-time participant is asked (``gender`` is the
    English label of the button); returns the bot's message after the birth year."""
    _ = person._
    await person.expect(_(NAME_QUESTION))
    await person.say(name, _(COUNTRY_QUESTION))
    await person.tap_for(person.t.country(country), _(GENDER_QUESTION))
    await person.tap(_(gender))
    await person.expect(_(BIRTH_YEAR_QUESTION))
    if birth_year is None:
        return await person.tap_for(_("Skip"))
    return await person.say(str(birth_year))


async def walk_begin(person: Person, event: Event) -> None:
    """Open the event's card and press Register (or Apply): the heading of the sign-up."""
    _ = person._
    await walk_open_event(person, event)
    if event.mode == RegistrationMode.APPLICATION:
        label, heading = _("Apply"), _("Application for: {title}")
    else:
        label, heading = _("Register"), _("Registration for: {title}")
    await person.tap_for(label, heading.format(title=person.t.pick(event.title)))


async def walk_register(
    person: Person,
    event: Event,
    name: str = "Ani",
    country: str = "AM",
    gender: str = "Female",
    birth_year: int | None = 2001,
) -> ChatMessage:
    """A first-timer opens the card, presses Register, answers the profile and agrees:
    the bot's last message."""
    await walk_begin(person, event)
    summary = await walk_profile(person, name, country, gender, birth_year)
    assert summary_heading(person, event) in shown(summary)
    await person.tap(person._("Agree and send"))
    return await person.next()


async def walk_register_again(person: Person, event: Event) -> ChatMessage:
    """A participant with a profile registers for an open event without questions."""
    await walk_begin(person, event)
    await person.expect(summary_heading(person, event))
    await person.tap(person._("Agree and send"))
    return await person.next()


async def walk_questions(person: Person, event: Event) -> ChatMessage:
    """Give :data:`ANSWERS` to :data:`QUESTIONS`, from the first question, which has just
    been asked; returns the summary."""
    language = person.language
    await person.say(str(ANSWERS["motivation"]), prompt("track", language))
    await person.tap_for(choice_label("track", "culture", language), prompt("visa", language))
    await person.tap_for(person._("No"), prompt("experience", language))
    await person.say(str(ANSWERS["experience"]), prompt("note", language))
    return await person.say(str(ANSWERS["note"]), summary_heading(person, event))
