"""Property-based: thousands of random updates through the real dispatcher, zero unhandled
exceptions, and the database keeps its rules.

Each Hypothesis example is a script of 8–20 steps by four people: three new users with
random ``language_code`` (missing, ``ru-RU``, ``az-Latn``, ``xx``, …) and the lab
programme's organiser. A step is one to three actions queued in the emulator and then
fed to ``dispatcher.feed_update`` (in order, or all at once as a polling bot handles a
batch):

- pressing a real button of a message the bot sent (the newest one, or any older one:
  stale buttons), or pressing it twice at once (a double tap);
- text: known and unknown commands, ``/start`` with valid, unknown, malformed and
  overlong payloads, plausible answers, and wild text (emoji, right-to-left and
  zero-width characters, ``<b>x</b> & co``, NUL, 5,000 characters, blank);
- forged presses: packed callback data of every ``CallbackData`` class in
  ``bot/callbacks.py`` with ids of the user's own, other users' and nonexistent
  registrations, events and programmes (including ids beyond 64 bits), and garbage up to
  64 bytes; on a message the bot sent, on one that does not exist, or on one too old
  for Telegram to show (``InaccessibleMessage``);
- the organiser opening a participant's ticket link (check-in);
- blocking the bot (replies then fail with 403 until the user writes again).

After every example: the ``ErrorLedger`` counted nothing (no exception reached the
dispatcher's error handler: every send passed the emulator's HTML, length and
callback-data checks, nothing failed on a blocked user), every press of a user who has
not blocked the bot was answered, and the database holds at most one registration per
person and event, no more seats held than capacity (and the lab's female quota), no
registration for a closed, past or draft event, and no profile stored half-way.

The runs are derandomised so CI is repeatable, and a failing script is reported as it
was found (shrinking it takes minutes). To hunt for bugs, set ``REDBRIDGE_FUZZ_RANDOM=1``
(fresh random examples each run), ``REDBRIDGE_FUZZ_SCALE=10`` (ten times as many
examples) and ``REDBRIDGE_FUZZ_SHRINK=1`` (the smallest failing script).
"""

import asyncio
import logging
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.callbacks import Browse, Forget, LanguageChoice, Mine, Signup, Survey
from emulator import ChatMessage, SimulatedUser
from events.models import Event, Programme, Registration
from tests.bot.inprocess import LAB, ORGANISER_ID, InProcessBot, running_bot

log = logging.getLogger(__name__)

# About 24 updates an example: some 2,400 on SQLite and 1,200 on PostgreSQL, in about
# 50 + 20 s on a busy two-core machine.
EXAMPLES = {"sqlite": 100, "postgresql": 50}
SCALE = float(os.environ.get("REDBRIDGE_FUZZ_SCALE", "1"))
RANDOM = bool(os.environ.get("REDBRIDGE_FUZZ_RANDOM"))
# Shrinking a failing script takes minutes: REDBRIDGE_FUZZ_SHRINK=1 asks for it.
SHRINK = bool(os.environ.get("REDBRIDGE_FUZZ_SHRINK"))
# REDBRIDGE_FUZZ_BLOCKING=0 leaves blocking the bot out (to look past a blocked-user bug).
BLOCKING = os.environ.get("REDBRIDGE_FUZZ_BLOCKING", "1") != "0"
# A step that takes longer than this hangs (e.g. a session waiting for the pool).
STEP_TIMEOUT_S = 60

LANGUAGE_CODES = [None, "en", "ru-RU", "az-Latn", "xx", "hy", "ka", "ru", "pt-br", "AZ", ""]
Target = Literal["newest", "old", "unknown", "inaccessible"]

# --- What people do --------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An id chosen when the action runs: the ``index``-th existing row of ``kind``
    (modulo their number), so scripts name registrations that exist by then."""

    kind: Literal["registration", "event", "programme"]
    index: int


Id = Ref | int


@dataclass(frozen=True)
class Say:
    user: int
    text: str


@dataclass(frozen=True)
class Press:
    """Press a real button: on the newest message with buttons, or on any message."""

    user: int
    pick: int
    newest: bool
    twice: bool = False


@dataclass(frozen=True)
class Forge:
    """A press with forged data: a packed ``CallbackData`` with chosen ids, or garbage."""

    user: int
    data: tuple[str, str, str | Id, str | Id] | str
    target: Target
    pick: int = 0


@dataclass(frozen=True)
class OpenTicket:
    """Open the ticket link of an existing registration (the QR code at the entrance)."""

    user: int
    registration: Ref


@dataclass(frozen=True)
class Block:
    user: int


Action = Say | Press | Forge | OpenTicket | Block


@dataclass(frozen=True)
class Step:
    actions: tuple[Action, ...]
    concurrently: bool


@dataclass(frozen=True)
class Script:
    languages: tuple[str | None, ...]
    steps: tuple[Step, ...]


USERS = 4  # three new people and the organiser (the last one)

# --- Strategies ------------------------------------------------------------------------

COMMANDS = [
    "/start",
    "/help",
    "/cancel",
    "/my",
    "/profile",
    "/language",
    "/mydata",
    "/forget",
    "/stats",
    "/unknown",
    "/START",
    "/start@redbridge_test_bot",
    "/help me please",
    "/",
    "/cancel@other_bot",
]
PAYLOADS = [
    f"e-{LAB}-open",
    f"e-{LAB}-apply",
    f"e-{LAB}-past",
    f"e-{LAB}-draft",
    f"e-{LAB}-cancelled",
    f"e-{LAB}-closed",
    "e-youth-summer-school-2027",
    f"p-{LAB}",
    "p-youth-summer-school",
    "p-nope",
    "e-nope",
    "t-NOTATICKET",
    "t-",
    "x-foo",
    "e-" + "a" * 62,
    "e-" + "a" * 70,
    "e-<b>",
    "e-лаб",
    "p-" + "-" * 10,
]
# Answers that move a registration forward (names, countries, years, question answers).
PLAUSIBLE = [
    "Ani",
    "Nino Beridze",
    "AM",
    "az",
    "Georgia",
    "Грузия",
    "Вірменія",
    "2001",
    "1999",
    "2015",
    "1899",
    "3",
    "7",
    "yes",
    "No",
    "vegan",
    "I would like to learn & share",
    "Tbilisi",
]
WILD = [
    "<b>Ani</b> & co",
    "<i>unclosed",
    "a < b > c & d",
    "&lt;b&gt;",
    "Ани 🌸👩🏽‍🎓",
    "אני מירושלים",
    "مرحبا بالعالم\u200f",
    "A\u200bn\u200di",
    "\u202eina\u202c",
    "\u2066Nino\u2069",
    "\u200b",
    "\ufeff",
    "   ",
    "\t\n",
    "",
    "a\x00b",
    "line one\nline two",
    "x" * 5000,
    "🙂" * 2100,
    "٢٠٠١",
    "99999999999999999999",
    "-5",
    "e\u0301",
]
SIGNUP_ACTIONS = [
    "start",
    "gender",
    "country",
    "skip",
    "choice",
    "yes_no",
    "consent",
    "abort",
    "evil",
]
MINE_ACTIONS = [
    "list",
    "show",
    "ticket",
    "ics",
    "rotate",
    "cancel",
    "cancel_yes",
    "accept",
    "decline",
    "evil",
]
VALUES = ["", "AM", "AZ", "GE", "US", "female", "male", "other", "-", "vegan", "any", "yes", "x"]
HUGE = 2**70


def ids(*kinds: Literal["registration", "event", "programme"]) -> st.SearchStrategy[Id]:
    refs = st.builds(Ref, st.sampled_from(kinds), st.integers(0, 50))
    raw = st.one_of(
        st.integers(-3, 3),
        st.integers(10**6, 10**7),
        st.sampled_from([2**31, 2**63, -(2**63) - 1, HUGE]),
    )
    return st.one_of(refs, refs, raw)


def typed_data() -> st.SearchStrategy[tuple[str, str, str | Id, str | Id]]:
    """(class, first field, second, third) of a ``CallbackData``; packed when it runs."""
    return st.one_of(
        st.tuples(
            st.just("lang"),
            st.sampled_from(["", "en", "hy", "az", "ka", "ru", "xx", "EN"]),
            st.just(""),
            st.just(""),
        ),
        st.tuples(
            st.just("b"),
            st.sampled_from(["all", "programme", "event", "poster", "zzz", ""]),
            ids("programme", "event"),
            st.just(""),
        ),
        st.tuples(
            st.just("s"),
            st.sampled_from(SIGNUP_ACTIONS),
            ids("event"),
            st.sampled_from(VALUES),
        ),
        st.tuples(st.just("m"), st.sampled_from(MINE_ACTIONS), ids("registration"), st.just("")),
        st.tuples(st.just("f"), st.sampled_from(["0", "1", "yes", ""]), st.just(""), st.just("")),
        # A feedback survey's buttons, naming invitations that are nobody's here.
        st.tuples(
            st.just("fb"),
            st.sampled_from(["rate", "choice", "skipq", "send", "decline", "zzz"]),
            ids("registration"),
            st.sampled_from(["", "1", "5", "9", "yes", "economy"]),
        ),
    )


def garbage() -> st.SearchStrategy[str]:
    near_miss = st.sampled_from(
        [
            "m:cancel_yes:abc",
            "m:cancel_yes",
            "b:event:-1",
            "b:event:1e3",
            "b:event:99999999999999999999999",
            "s:start:0:",
            "s:consent:1:x:y",
            "lang:",
            "lang:en:extra",
            "f:maybe",
            "f:1",
            ":",
            "m::",
        ]
    )
    random_text = st.text(max_size=64).filter(lambda text: len(text.encode()) <= 64)
    bytes_ish = st.binary(min_size=1, max_size=64).map(lambda raw: raw.decode("latin-1"))
    return st.one_of(
        near_miss,
        random_text,
        bytes_ish.filter(lambda text: len(text.encode()) <= 64),
    )


def texts() -> st.SearchStrategy[str]:
    start = st.builds(lambda payload: f"/start {payload}", st.sampled_from(PAYLOADS))
    return st.one_of(
        st.sampled_from(PLAUSIBLE),
        st.sampled_from(PLAUSIBLE),
        st.sampled_from(COMMANDS),
        start,
        st.sampled_from(WILD),
        st.text(max_size=40),
    )


def actions(user: st.SearchStrategy[int]) -> st.SearchStrategy[Action]:
    targets: st.SearchStrategy[Target] = st.sampled_from(
        ["newest", "old", "unknown", "inaccessible"]
    )
    pick = st.integers(0, 30)
    newest_press = st.builds(Press, user, pick, st.just(True))
    return st.one_of(
        newest_press,
        newest_press,
        newest_press,
        newest_press,
        st.builds(Say, user, texts()),
        st.builds(Say, user, texts()),
        st.builds(Press, user, pick, st.booleans()),
        st.builds(Press, user, pick, st.just(True), st.just(True)),
        st.builds(Forge, user, typed_data(), targets, pick),
        st.builds(Forge, user, garbage(), targets, pick),
        st.builds(OpenTicket, st.just(USERS - 1), st.builds(Ref, st.just("registration"), pick)),
        *([st.builds(Block, user)] if BLOCKING else []),
    )


def steps() -> st.SearchStrategy[Step]:
    user = st.integers(0, USERS - 1)
    single = st.builds(lambda action: Step((action,), False), actions(user))
    several = st.builds(
        lambda batch, together: Step(tuple(batch), together),
        st.lists(actions(user), min_size=2, max_size=3),
        st.booleans(),
    )
    return st.one_of(single, single, single, several)


def scripts() -> st.SearchStrategy[Script]:
    return st.builds(
        Script,
        st.tuples(*(st.sampled_from(LANGUAGE_CODES) for _ in range(USERS - 1))),
        st.lists(steps(), min_size=8, max_size=20).map(tuple),
    )


# --- Running a script ------------------------------------------------------------------


@dataclass
class Totals:
    examples: int = 0
    updates: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


class Run:
    """One example: its users and what has been queued for them."""

    def __init__(self, harness: InProcessBot, script: Script) -> None:
        self.harness = harness
        self.users: list[SimulatedUser] = [
            harness.user(first_name=f"Fuzz{number}", language_code=code)
            for number, code in enumerate(script.languages)
        ]
        organiser = harness.user(ORGANISER_ID, "Organiser", language_code="en")
        self.users.append(organiser)
        # Only messages of this example count (the organiser chats in every example).
        self.baseline = {user.id: len(user.messages) for user in self.users}

    def messages(self, user: SimulatedUser) -> list[ChatMessage]:
        return [m for m in user.messages[self.baseline[user.id] :] if not m.deleted]

    async def resolve(self, value: str | Id) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int):
            return str(value)
        column = {
            "registration": Registration.id,
            "event": Event.id,
            "programme": Programme.id,
        }[value.kind]
        async with self.harness.sessionmaker() as session:
            existing = list(await session.scalars(select(column).order_by(column)))
        return str(existing[value.index % len(existing)] if existing else 10**6)

    async def pack(self, data: tuple[str, str, str | Id, str | Id] | str) -> str | None:
        """The callback data: packed by its class, or by hand where the class refuses the
        values (an id out of range is exactly what a forger would try)."""
        if isinstance(data, str):
            return data
        prefix, first, second, third = data
        fields = [first, await self.resolve(second), await self.resolve(third)]
        try:
            match prefix:
                case "lang":
                    return LanguageChoice(code=first).pack()
                case "b":
                    return Browse(what=first, id=int(fields[1])).pack()
                case "s":
                    return Signup(action=first, event_id=int(fields[1]), value=fields[2]).pack()
                case "m":
                    return Mine(action=first, id=int(fields[1])).pack()
                case "fb":
                    return Survey(action=first, id=int(fields[1]), value=fields[2]).pack()
                case "f" if first in ("0", "1"):
                    return Forget(confirm=first == "1").pack()
        except ValueError:
            pass
        count = {"lang": 1, "f": 1, "b": 2, "m": 2}.get(prefix, 3)
        packed = ":".join([prefix, *fields[:count]])
        return packed if len(packed.encode()) <= 64 else None

    def target(self, user: SimulatedUser, target: Target, pick: int) -> ChatMessage | str:
        messages = self.messages(user)
        if target == "newest" and messages:
            with_buttons = [m for m in messages if m.buttons]
            return (with_buttons or messages)[-1]
        if target == "old" and messages:
            return messages[pick % len(messages)]
        return "inaccessible" if target == "inaccessible" else "unknown"

    async def queue(self, action: Action, kinds: Counter[str]) -> None:
        harness = self.harness
        user = self.users[action.user]
        match action:
            case Say(text=text):
                kinds["text"] += 1
                await harness.queue_text(user, text)
            case Press(pick=pick, newest=newest, twice=twice):
                messages = self.messages(user)
                if newest:
                    messages = [m for m in messages if m.buttons][-1:]
                buttons = [
                    (message, button)
                    for message in messages
                    for row in message.buttons
                    for button in row
                    if button.callback_data is not None
                ]
                if not buttons:
                    kinds["text"] += 1
                    await harness.queue_text(user, "/start")
                    return
                message, button = buttons[pick % len(buttons)]
                assert button.callback_data is not None
                kinds["double tap" if twice else "press"] += 1
                for _ in range(2 if twice else 1):
                    await user.send_callback(button.callback_data, message)
            case Forge(data=data, target=target, pick=pick):
                packed = await self.pack(data)
                if packed is None:
                    return
                kinds["forged press"] += 1
                on = self.target(user, target, pick)
                await harness.queue_callback(
                    user, packed, on if isinstance(on, ChatMessage) else _target(on)
                )
            case OpenTicket(registration=ref):
                async with harness.sessionmaker() as session:
                    codes = list(
                        await session.scalars(
                            select(Registration.ticket_code)
                            .where(Registration.ticket_code.is_not(None))
                            .order_by(Registration.id)
                        )
                    )
                kinds["ticket link"] += 1
                code = codes[ref.index % len(codes)] if codes else "NOTATICKET"
                await harness.queue_text(user, f"/start t-{code}")
            case Block():
                kinds["block"] += 1
                user.block()

    async def play(self, script: Script, totals: Totals) -> None:
        for step in script.steps:
            for action in step.actions:
                await self.queue(action, totals.kinds)
            async with asyncio.timeout(STEP_TIMEOUT_S):
                totals.updates += await self.harness.process(concurrently=step.concurrently)


def _target(name: str) -> Literal["unknown", "inaccessible"]:
    return "inaccessible" if name == "inaccessible" else "unknown"


async def run_example(harness: InProcessBot, script: Script, totals: Totals) -> None:
    await harness.forget_people()
    harness.tg.state.updates.clear()
    harness.tg.state.callback_queries.clear()
    organiser = harness.user(ORGANISER_ID, "Organiser", language_code="en")
    organiser.unblock()
    harness.tg.state.updates.clear()
    ledger = harness.fresh_ledger()
    run = Run(harness, script)
    await run.play(script, totals)
    totals.examples += 1
    assert ledger.count == 0, f"{ledger.count} unhandled exceptions, the last: {ledger.last}"
    assert harness.unanswered_queries() == [], "presses left without an answer"
    await harness.check_invariants()


@pytest.mark.slow  # left out of `make quick`
def test_random_updates_never_raise_and_keep_the_rules(
    backend: str, database_url: str, now: datetime
) -> None:
    totals = Totals()
    examples = max(1, round(EXAMPLES[backend] * SCALE))
    with asyncio.Runner() as runner:
        context = running_bot(database_url, now)
        harness = runner.run(context.__aenter__())
        try:
            run_examples(runner.run, harness, totals, examples)
        finally:
            runner.run(context.__aexit__(None, None, None))
    # Shown with ``-o log_cli=true --log-cli-level=INFO``.
    log.info("%s: %s", backend, totals)
    # "Thousands of random updates": at least ~15 per example reached the dispatcher.
    assert totals.updates >= 15 * examples, totals


def run_examples(
    run: Callable[..., object], harness: InProcessBot, totals: Totals, examples: int
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
        phases=list(Phase) if SHRINK else [phase for phase in Phase if phase != Phase.shrink],
    )
    @given(script=scripts())
    def example(script: Script) -> None:
        run(run_example(harness, script, totals))

    example()
