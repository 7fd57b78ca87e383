"""Telegram updates handled per second by one bot process, Redbridge beside an echo bot.

    python bench/bot_updates.py [--users N] [--postgres-url URL] [--skip-sqlite]
                                [--skip-postgres] [--burst N [--flood-limits]]

The project's Telegram emulator runs in this process; the bot runs in a second process,
as deployed: ``bot.runtime.create_bot`` pointed at the emulator and
``dispatcher.start_polling`` (long polling, aiogram handling each update of a batch as
its own task). Updates are created by simulated users in the emulator and reach the bot
through ``getUpdates``, exactly as from Telegram; every reply goes back over HTTP.

``--users`` people (default 200), all at once, each walk twelve steps and wait for the
bot's answer to each before the next, as a person would:

- Redbridge (the real ``create_dispatcher``, on the demo data plus one open event with
  two questions): ``/start``, Programmes, a programme, the event (four browse steps,
  each answering the press and editing the message), then registering: Register, a
  name, country, gender, skip the birth year, a text answer, a choice, consent (eight
  steps; the last one stores the registration). Languages rotate through the five.
- The echo bot: a bare aiogram ``Dispatcher`` with one handler answering every message
  with its text; each person sends twelve messages.
- Two floor bots, bare aiogram ``Dispatcher``s that answer Redbridge's twelve steps with
  the very requests Redbridge makes (messages, answers to presses, edits; every message
  with the walk's buttons) and do nothing else: "floor, no database" stores nothing;
  "floor, SQLite" also reads each person's conversation and writes it back, one
  transaction each, through ``bot.storage`` into the same SQLite file. They show
  what the Bot API traffic and a persistent conversation cost by themselves, beside what
  Redbridge's own work adds.

The rate is updates / seconds from the first update queued to the last reply received.
The bot process's CPU time per update is printed too: the emulator and the simulated
people share this process's CPU, not the bot's. Redbridge runs on SQLite (a fresh
temporary file) and on PostgreSQL (``--postgres-url``, ``REDBRIDGE_TEST_POSTGRES_URL``,
or a throwaway PostgreSQL 15 started here); the echo bot is measured once, in the same
run against the same emulator. The goal: Redbridge on SQLite at least half the echo
bot's rate. Figures only; the exit status is 0 unless something failed.

``--burst N`` measures something else: N people (say 500, a QR code on a concert
screen) each send ``/start`` once, spread evenly over one second, and the time from each
``/start`` to that person's first reply is printed as p50, p95 and maximum, with how many
got no reply within a minute (the goal: p95 under 2 s on SQLite). The emulator answers
at once by default, so this is Redbridge's own speed; ``--flood-limits`` makes it
enforce Telegram's limits (30 messages a second per bot, 1 a second per chat), under
which 500 greetings alone need at least 17 s.
"""

import argparse
import asyncio
import itertools
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Browse, Signup
from bot.runtime import ErrorLedger, create_bot, create_dispatcher
from bot.services import BotServices
from bot.storage import DatabaseStorage
from emulator import SimulatedUser, TelegramEmulator
from events.access import SYSTEM
from events.editions import create_event, publish_event
from events.enums import ProgrammeKind
from events.feeds.cache import FeedCache
from events.inputs import EventDraft, ProgrammeDraft
from events.languages import LANGUAGES
from events.programmes import create_programme, publish_programme
from events.store import create_engine, create_sessionmaker
from locales.translator import Catalogues
from redbridge.demo import load_demo
from redbridge.settings import Settings
from tests.support.ports import free_port

TOKEN = "123456:BENCH"
BOT_USERNAME = "redbridge_bench_bot"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
STEPS = 12
STEP_TIMEOUT_S = 120.0
BURST_WAIT_S = 60.0
Kind = Literal["redbridge", "echo", "floor", "floor-stateless"]


@dataclass(frozen=True)
class Target:
    """What the Redbridge people browse to and register for."""

    programme_id: int
    event_id: int


@dataclass(frozen=True)
class Result:
    name: str
    users: int
    updates: int
    seconds: float
    bot_cpu_seconds: float
    errors: int

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def line(self) -> str:
        return (
            f"{self.name:<22}{self.updates:>6} updates in {self.seconds:6.2f} s  "
            f"{self.rate:8.1f} updates/s   bot process CPU "
            f"{self.bot_cpu_seconds / self.updates * 1000:5.2f} ms/update"
            + (f"   {self.errors} UNHANDLED ERRORS" if self.errors else "")
        )


# --- The data ------------------------------------------------------------------------------


async def prepare_database(url: str, now: datetime) -> Target:
    """Migrate, load the demo programmes and add the benchmark's open event (not timed)."""
    await load_demo(Settings(database_url=url), now)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            slug = f"bench-{int(time.time() * 1000) % 10**9}"
            programme = await create_programme(
                session,
                now,
                SYSTEM,
                ProgrammeDraft(slug=slug, kind=ProgrammeKind.OTHER, title={"en": "Bot benchmark"}),
            )
            await publish_programme(session, now, SYSTEM, slug)
            event = await create_event(
                session,
                now,
                SYSTEM,
                slug,
                EventDraft.model_validate(
                    {
                        "slug": f"{slug}-event",
                        "title": {"en": "Bot benchmark open day", "ru": "Бенчмарк"},
                        "description": {"en": "Where everyone gets a seat."},
                        "starts_at": now + timedelta(days=30),
                        "ends_at": now + timedelta(days=30, hours=3),
                        "timezone": "Asia/Tbilisi",
                        "city": "Tbilisi",
                        "country": "GE",
                        "capacity": 100_000,
                        "questions": [
                            {
                                "key": "hope",
                                "kind": "text",
                                "prompt": {"en": "What do you hope to learn?"},
                            },
                            {
                                "key": "track",
                                "kind": "choice",
                                "prompt": {"en": "Which track?"},
                                "choices": [
                                    {"key": "economy", "label": {"en": "Economy"}},
                                    {"key": "culture", "label": {"en": "Culture"}},
                                ],
                            },
                        ],
                    }
                ),
            )
            await publish_event(session, now, SYSTEM, event.id)
            return Target(programme.id, event.id)
    finally:
        await engine.dispose()


def presses(target: Target) -> dict[str, str]:
    """The callback data of every button the Redbridge walk presses, by step."""
    event = target.event_id
    return {
        "programmes": Browse(what="all").pack(),
        "programme": Browse(what="programme", id=target.programme_id).pack(),
        "event": Browse(what="event", id=event).pack(),
        "register": Signup(action="start", event_id=event).pack(),
        "country": Signup(action="country", event_id=event, value="GE").pack(),
        "gender": Signup(action="gender", event_id=event, value="-").pack(),
        "birth year": Signup(action="skip", event_id=event).pack(),
        "track": Signup(action="choice", event_id=event, value="culture").pack(),
        "consent": Signup(action="consent", event_id=event).pack(),
    }


# --- The bot process ----------------------------------------------------------------------


def echo_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    return dispatcher


def floor_dispatcher(
    target: Target, sessionmaker: async_sessionmaker[AsyncSession] | None
) -> Dispatcher:
    """Redbridge's requests to Telegram for each step, and at most a conversation read
    and written back (see the module's text)."""
    storage = None if sessionmaker is None else DatabaseStorage(sessionmaker)
    buttons = presses(target)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=name, callback_data=data)] for name, data in buttons.items()
        ]
    )
    dispatcher = Dispatcher()

    async def remember(bot: Bot, chat_id: int, user_id: int) -> None:
        """One transaction reads the conversation, one writes it back (as in Redbridge)."""
        if storage is not None:
            key = StorageKey(bot_id=bot.id, chat_id=chat_id, user_id=user_id)
            async with storage.update_scope():
                data = await storage.get_data(key)
                await storage.set_data(key, {**data, "steps": int(data.get("steps", 0)) + 1})

    @dispatcher.message()
    async def said(message: Message, bot: Bot) -> None:
        person = message.from_user.id if message.from_user else message.chat.id
        await remember(bot, message.chat.id, person)
        for _ in range(2 if message.text == "/start" else 1):
            await message.answer("Noted.", reply_markup=keyboard)

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery, bot: Bot) -> None:
        # A private chat's id is its person's id.
        await remember(bot, query.from_user.id, query.from_user.id)
        await query.answer()
        if (query.data or "").startswith(f"{Browse.__prefix__}:"):
            if query.message is not None:
                await bot.edit_message_text(
                    text=f"Step {query.id}",
                    chat_id=query.from_user.id,
                    message_id=query.message.message_id,
                    reply_markup=keyboard,
                )
            return
        for _ in range(2 if query.data == buttons["register"] else 1):
            await bot.send_message(query.from_user.id, "Noted.", reply_markup=keyboard)

    return dispatcher


def bot_process(
    kind: Kind, api_url: str, database_url: str, target: Target, control: Connection
) -> None:
    """The bot: long polling until told to stop. Answers "cpu" with its CPU time so far
    and reports unhandled errors at the end."""

    async def run() -> None:
        bot = create_bot(TOKEN, api_url)
        ledger = ErrorLedger()
        engine = None
        if kind == "redbridge":
            engine = create_engine(database_url)
            dispatcher = create_dispatcher(
                create_sessionmaker(engine),
                Catalogues(),
                lambda: datetime.now(UTC),
                BotServices("http://127.0.0.1:8000", FeedCache()),
                ledger,
            )
        elif kind == "floor":
            engine = create_engine(database_url)
            dispatcher = floor_dispatcher(target, create_sessionmaker(engine))
        elif kind == "floor-stateless":
            dispatcher = floor_dispatcher(target, None)
        else:
            dispatcher = echo_dispatcher()
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
        )
        try:
            while True:
                command = await asyncio.to_thread(control.recv)
                if command == "stop":
                    break
                control.send(time.process_time())
        finally:
            await dispatcher.stop_polling()
            await polling
            await bot.session.close()
            if engine is not None:
                await engine.dispose()
        control.send((time.process_time(), ledger.count))

    asyncio.run(run())


class BotProcess:
    def __init__(
        self, kind: Kind, tg: TelegramEmulator, database_url: str, target: Target
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._control, child = context.Pipe()
        polls = tg.stats.calls["getUpdates"]
        self._process = context.Process(
            target=bot_process,
            args=(kind, tg.base_url, database_url, target, child),
            daemon=True,
        )
        self._process.start()
        self._tg = tg
        self._polls = polls

    async def ready(self) -> None:
        """Until the bot has asked for updates."""
        for _ in range(1200):
            if self._tg.stats.calls["getUpdates"] > self._polls:
                return
            if not self._process.is_alive():
                raise RuntimeError("the bot process died while starting")
            await asyncio.sleep(0.05)
        raise RuntimeError("the bot did not start polling within a minute")

    async def cpu(self) -> float:
        self._control.send("cpu")
        cpu: float = await asyncio.to_thread(self._control.recv)
        return cpu

    async def stop(self) -> tuple[float, int]:
        self._control.send("stop")
        cpu, errors = await asyncio.to_thread(self._control.recv)
        await asyncio.to_thread(self._process.join, 30)
        return float(cpu), int(errors)


# --- The people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    messages: int = 0
    edits: int = 0
    answers: int = 0


async def step(
    user: SimulatedUser, action: Callable[[], Awaitable[object]], expect: Expect
) -> None:
    """Do something and wait until the bot has answered it completely."""
    messages = len(user.messages)
    edits = sum(message.edits for message in user.messages)
    answers = len(user.callback_answers)
    await action()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT_S
    while not (
        len(user.messages) >= messages + expect.messages
        and sum(message.edits for message in user.messages) >= edits + expect.edits
        and len(user.callback_answers) >= answers + expect.answers
    ):
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError(f"{user!r} waited {STEP_TIMEOUT_S} s for {expect}")
        await user.wait_for_change(remaining)


async def register(user: SimulatedUser, target: Target, number: int) -> None:
    """The twelve Redbridge steps: browse to the event, then register."""
    buttons = presses(target)

    def press(step: str) -> Callable[[], Awaitable[object]]:
        return lambda: user.press(data=buttons[step])

    def say(text: str) -> Callable[[], Awaitable[object]]:
        return lambda: user.send(text)

    edit = Expect(edits=1, answers=1)
    await step(user, say("/start"), Expect(messages=2))  # greeting and language picker
    await step(user, press("programmes"), edit)
    await step(user, press("programme"), edit)
    await step(user, press("event"), edit)
    await step(user, press("register"), Expect(2, 0, 1))
    await step(user, say(f"Bench person {number}"), Expect(messages=1))
    reply = Expect(messages=1, answers=1)
    await step(user, press("country"), reply)
    await step(user, press("gender"), reply)
    await step(user, press("birth year"), reply)
    await step(user, say("To listen and to be heard."), Expect(messages=1))
    await step(user, press("track"), reply)
    await step(user, press("consent"), reply)


async def echo(user: SimulatedUser, target: Target, number: int) -> None:
    def say(text: str) -> Callable[[], Awaitable[object]]:
        return lambda: user.send(text)

    for line in range(STEPS):
        await step(user, say(f"{number}: line {line}"), Expect(messages=1))


_ids = itertools.count(5_000_001)


async def measure(
    name: str,
    kind: Kind,
    tg: TelegramEmulator,
    database_url: str,
    target: Target,
    users: int,
) -> Result:
    walk = echo if kind == "echo" else register
    process = BotProcess(kind, tg, database_url, target)
    try:
        await process.ready()
        # Warm-up, not timed: first-use costs (imports, caches) of every step.
        warm = tg.user(next(_ids), "Warm-up", language_code="en")
        await walk(warm, target, 0)
        people = [
            tg.user(
                next(_ids),
                f"Person {number}",
                language_code=LANGUAGES[number % len(LANGUAGES)],
            )
            for number in range(users)
        ]
        cpu_before = await process.cpu()
        started = time.perf_counter()
        await asyncio.gather(
            *(walk(person, target, number) for number, person in enumerate(people))
        )
        seconds = time.perf_counter() - started
    finally:
        cpu_after, errors = await process.stop()
    return Result(name, users, users * STEPS, seconds, cpu_after - cpu_before, errors)


@dataclass(frozen=True)
class Burst:
    name: str
    latencies: list[float]  # seconds from /start to the first reply, of those answered
    unanswered: int

    def line(self) -> str:
        if not self.latencies:
            return f"{self.name:<22}no reply at all ({self.unanswered} people)"
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

        return (
            f"{self.name:<22}first reply p50 {percentile(0.5):6.2f} s   "
            f"p95 {percentile(0.95):6.2f} s   max {ordered[-1]:6.2f} s   "
            f"{len(ordered)} answered, {self.unanswered} not within {BURST_WAIT_S:.0f} s"
        )


async def measure_burst(
    name: str, tg: TelegramEmulator, database_url: str, target: Target, people: int
) -> Burst:
    """``people`` send /start once each, spread evenly over one second."""
    process = BotProcess("redbridge", tg, database_url, target)
    try:
        await process.ready()
        warm = tg.user(next(_ids), "Warm-up", language_code="en")
        # The first reply only: under the flood limits the second may be refused (429).
        await step(warm, lambda: warm.send("/start"), Expect(messages=1))
        users = [
            tg.user(next(_ids), f"Person {n}", language_code=LANGUAGES[n % len(LANGUAGES)])
            for n in range(people)
        ]
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def one(number: int, user: SimulatedUser) -> float:
            await asyncio.sleep(max(0.0, started + number / people - loop.time()))
            sent = loop.time()
            await user.send("/start")
            await user.next_message(timeout=BURST_WAIT_S)
            return loop.time() - sent

        outcomes = await asyncio.gather(
            *(one(number, user) for number, user in enumerate(users)), return_exceptions=True
        )
    finally:
        await process.stop()
    latencies = [outcome for outcome in outcomes if isinstance(outcome, float)]
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, TimeoutError):
            raise outcome
    return Burst(name, latencies, len(outcomes) - len(latencies))


async def run_bursts(
    people: int, flood_limits: bool, sqlite_url: str | None, postgres_url: str | None
) -> None:
    now = datetime.now(UTC)
    async with TelegramEmulator(TOKEN, BOT_USERNAME) as tg:
        tg.flood_limits(enabled=flood_limits)
        for name, url in (
            ("Redbridge, SQLite", sqlite_url),
            ("Redbridge, PostgreSQL", postgres_url),
        ):
            if url is None:
                continue
            target = await prepare_database(url, now)
            print((await measure_burst(name, tg, url, target, people)).line(), flush=True)
        print(f"(emulator: {tg.stats.too_many_requests} answers 429)")


# --- A throwaway PostgreSQL server -----------------------------------------------------------


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL's binaries refuse to run as root: run them as ``postgres`` then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def _run(*command: str) -> None:
    done = subprocess.run(_as_postgres(*command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        name = Path(command[0]).name
        raise RuntimeError(f"{name} failed ({done.returncode}): {done.stderr.strip()}")


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """PostgreSQL 15 in a temporary directory on a free loopback port (default settings)."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed in {PG_BIN}; pass --postgres-url")
    root = Path(tempfile.mkdtemp(prefix="redbridge-bench-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    pg_ctl = str(PG_BIN / "pg_ctl")
    try:
        _run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust")
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root}"
        _run(pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start")
        try:
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- Command line --------------------------------------------------------------------------


async def run_all(users: int, sqlite_url: str | None, postgres_url: str | None) -> bool:
    now = datetime.now(UTC)
    results: list[Result] = []
    async with TelegramEmulator(TOKEN, BOT_USERNAME) as tg:
        echo_result = await measure("echo bot", "echo", tg, "", Target(0, 0), users)
        print(echo_result.line(), flush=True)
        for name, url in (
            ("Redbridge, SQLite", sqlite_url),
            ("Redbridge, PostgreSQL", postgres_url),
        ):
            if url is None:
                continue
            target = await prepare_database(url, now)
            if url == sqlite_url:
                floors: tuple[tuple[str, Kind], ...] = (
                    ("floor, no database", "floor-stateless"),
                    ("floor, SQLite", "floor"),
                )
                for floor_name, kind in floors:
                    floor = await measure(floor_name, kind, tg, url, target, users)
                    print(floor.line(), flush=True)
                    results.append(floor)
            result = await measure(name, "redbridge", tg, url, target, users)
            print(result.line(), flush=True)
            results.append(result)
        print(f"(emulator: {tg.stats.calls.total()} Bot API calls, {tg.stats.server_errors} 5xx)")
    for result in results:
        print(
            f"{result.name}: {result.rate / echo_result.rate:.2f} × the echo bot's rate, "
            f"{result.bot_cpu_seconds / echo_result.bot_cpu_seconds:.1f} × its CPU per update"
        )
    sqlite = next((r for r in results if r.name == "Redbridge, SQLite"), None)
    if sqlite is not None:
        met = sqlite.rate >= echo_result.rate / 2
        print(
            f"goal {'met' if met else 'MISSED'}: Redbridge on SQLite at least half the echo rate"
        )
    return not any(result.errors for result in [echo_result, *results])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=200, help="simulated people (default 200)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("REDBRIDGE_TEST_POSTGRES_URL"),
        help="an existing PostgreSQL database (default: $REDBRIDGE_TEST_POSTGRES_URL, "
        "else a throwaway PostgreSQL 15 server); it must have no Redbridge demo data yet "
        "or the demo data of today",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--burst", type=int, metavar="N", help="N people send /start within one second"
    )
    parser.add_argument(
        "--flood-limits", action="store_true", help="with --burst: Telegram's limits enforced"
    )
    args = parser.parse_args()
    users: int = args.users
    if args.burst:
        limits = "Telegram's flood limits" if args.flood_limits else "no flood limits"
        print(f"{args.burst} people send /start within one second ({limits}).")
    else:
        print(
            f"{users} people at once, {STEPS} steps each ({users * STEPS} updates per bot), "
            "long polling, the bot in its own process, the emulator in this one."
        )

    def run(sqlite_url: str | None, postgres_url: str | None) -> bool:
        if args.burst:
            asyncio.run(run_bursts(args.burst, args.flood_limits, sqlite_url, postgres_url))
            return True
        return asyncio.run(run_all(users, sqlite_url, postgres_url))

    with tempfile.TemporaryDirectory(prefix="redbridge-bench-bot-") as directory:
        sqlite_url = None if args.skip_sqlite else f"sqlite+aiosqlite:///{directory}/bench.db"
        if args.skip_postgres:
            return 0 if run(sqlite_url, None) else 1
        if args.postgres_url:
            return 0 if run(sqlite_url, args.postgres_url) else 1
        with throwaway_postgres() as postgres_url:
            return 0 if run(sqlite_url, postgres_url) else 1


if __name__ == "__main__":
    sys.exit(main())
