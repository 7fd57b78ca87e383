"""The real bot in the test process: ``create_dispatcher`` fed one update at a time.

Simulated users act in the project's Telegram emulator, which turns what they do into
updates exactly as Telegram would shape them; :class:`InProcessBot` takes those updates
from the emulator's queue and hands them to ``dispatcher.feed_update``. Whatever the bot
sends goes back over real HTTP to the emulator, which validates it (HTML entities,
lengths, callback data) like Telegram. Nothing polls: each test decides when updates are
handled, so a test can, for instance, queue a message and block the bot before the bot
answers it.

The database holds a small "lab" programme (:func:`seed_lab`) with events built to reach
every branch of registering: two seats, custom questions of every kind, an application
event with an age limit, a closed, a past, a cancelled and a draft event, and an
organiser's Telegram account; and, unless ``demo=False``, the demo programmes
(``redbridge.demo``).

Use :func:`running_bot` (an async context manager) or the ``inprocess`` fixture, which
tests import from here explicitly.
"""

import asyncio
import html
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.runtime import ErrorLedger, create_bot, create_dispatcher
from bot.services import BotServices
from emulator import ChatMessage, SimulatedUser, TelegramEmulator
from emulator.state import CallbackQuery
from emulator.text import bot_command_entities
from events.access import SYSTEM, create_token
from events.editions import cancel_event, create_event, publish_event
from events.enums import SEAT_HOLDING, ProgrammeKind, Role
from events.feeds.cache import FeedCache
from events.inputs import EventDraft, ProgrammeDraft
from events.models import (
    AlumniBlock,
    AlumniConnection,
    AlumniProfile,
    AlumniReport,
    Alumnus,
    ConversationState,
    Event,
    FeedbackAnswer,
    FeedbackInvitation,
    Participant,
    Registration,
)
from events.programmes import create_programme, publish_programme
from events.store import create_engine, create_sessionmaker
from locales.translator import Catalogues, Translator
from redbridge.demo import load_demo
from redbridge.settings import Settings
from sending.budget import SendBudget
from sending.pacing import Pacer

TOKEN = "123456:INPROCESS-test"
BOT_USERNAME = "redbridge_test_bot"
PUBLIC_URL = "http://127.0.0.1:8000"
# The organiser of the lab programme (an organiser token linked to this Telegram id).
ORGANISER_ID = 990_001
LAB = "lab"
# Organiser-written text that looks like HTML: it must come out escaped everywhere.
LAB_OPEN_TITLE = "<b>Lab</b> & co: open day"
_TEXT_LIMIT = 4096  # what a Telegram app lets a person send


@dataclass(frozen=True)
class LabEvents:
    """Ids and slugs of the lab programme's events."""

    programme_id: int
    open_id: int  # open mode, 2 seats, four questions (text, number, choice, yes/no)
    open_slug: str
    application_id: int  # application mode, 3 seats, 18+ and AM/AZ/GE only, two questions
    application_slug: str
    closed_id: int  # registration closed yesterday
    past_id: int  # took place last week
    cancelled_id: int
    draft_id: int  # never published: invisible to participants


class FixedClock:
    """The bot's clock: the tests' fixed present."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _text_question(key: str, prompt: str, max_length: int, required: bool = True) -> Any:
    return {
        "key": key,
        "kind": "text",
        "prompt": {"en": prompt, "ru": f"{prompt} (ru)"},
        "max_length": max_length,
        "required": required,
    }


async def seed_lab(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> LabEvents:
    """The lab programme and its events, and the organiser account that manages it."""
    week = timedelta(days=7)

    def draft(slug: str, **fields: Any) -> EventDraft:
        base: dict[str, Any] = {
            "slug": slug,
            "title": {"en": f"Lab {slug}", "hy": f"Լաբ {slug}", "ru": f"Лаб {slug}"},
            "description": {"en": "A <small> event for tests & checks."},
            "starts_at": now + 4 * week,
            "ends_at": now + 4 * week + timedelta(hours=3),
            "timezone": "Asia/Yerevan",
            "venue": "Hall <A> & B",
            "city": "Dilijan",
            "country": "AM",
            "capacity": 5,
        }
        return EventDraft.model_validate(base | fields)

    async with sessionmaker() as session:
        await create_programme(
            session,
            now,
            SYSTEM,
            ProgrammeDraft(
                slug=LAB,
                kind=ProgrammeKind.OTHER,
                title={"en": "Lab <programme> & friends", "ka": "ლაბორატორია"},
                description={"en": "Events made for the bot's tests: <i>not</i> real."},
            ),
        )
        await publish_programme(session, now, SYSTEM, LAB)
        open_event = await create_event(
            session,
            now,
            SYSTEM,
            LAB,
            draft(
                "lab-open",
                title={"en": LAB_OPEN_TITLE, "az": "<b>Laboratoriya</b> & co"},
                capacity=2,
                gender_quotas={"female": 1},
                questions=[
                    _text_question("nickname", "Your <nickname> & initials?", 12),
                    {
                        "key": "nights",
                        "kind": "number",
                        "prompt": {"en": "How many nights (1–5)?"},
                        "min_value": 1,
                        "max_value": 5,
                        "required": False,
                    },
                    {
                        "key": "diet",
                        "kind": "choice",
                        "prompt": {"en": "Food <preference>?"},
                        "choices": [
                            {"key": "vegan", "label": {"en": "Vegan <3", "ru": "Веган"}},
                            {"key": "any", "label": {"en": "Anything & everything"}},
                        ],
                    },
                    {
                        "key": "bus",
                        "kind": "yes_no",
                        "prompt": {"en": "Do you need the bus?"},
                        "required": False,
                    },
                ],
            ),
        )
        application = await create_event(
            session,
            now,
            SYSTEM,
            LAB,
            draft(
                "lab-apply",
                mode="application",
                capacity=3,
                min_age=18,
                eligible_countries=["AM", "AZ", "GE"],
                registration_closes_at=now + 2 * week,
                questions=[
                    _text_question("why", "Why <you>?", 300),
                    {"key": "visa", "kind": "yes_no", "prompt": {"en": "Do you need a visa?"}},
                ],
            ),
        )
        closed = await create_event(
            session, now, SYSTEM, LAB, draft("lab-closed", registration_closes_at=now - week / 7)
        )
        past = await create_event(
            session,
            now,
            SYSTEM,
            LAB,
            draft("lab-past", starts_at=now - week, ends_at=now - week + timedelta(hours=2)),
        )
        cancelled = await create_event(session, now, SYSTEM, LAB, draft("lab-cancelled"))
        hidden = await create_event(session, now, SYSTEM, LAB, draft("lab-draft"))
        for event in (open_event, application, closed, past, cancelled):
            await publish_event(session, now, SYSTEM, event.id)
        await cancel_event(session, now, SYSTEM, cancelled.id)
        await create_token(
            session,
            now,
            role=Role.ORGANISER,
            name="lab organiser",
            programme_slugs=[LAB],
            telegram_user_id=ORGANISER_ID,
        )
        return LabEvents(
            programme_id=open_event.programme_id,
            open_id=open_event.id,
            open_slug=open_event.slug,
            application_id=application.id,
            application_slug=application.slug,
            closed_id=closed.id,
            past_id=past.id,
            cancelled_id=cancelled.id,
            draft_id=hidden.id,
        )


class InProcessBot:
    """The bot, its dispatcher and the emulator, with helpers to act as users."""

    def __init__(
        self,
        tg: TelegramEmulator,
        bot: Bot,
        dispatcher: Dispatcher,
        sessionmaker: async_sessionmaker[AsyncSession],
        now: datetime,
        lab: LabEvents,
        catalogues: Catalogues,
    ) -> None:
        self.tg = tg
        self.bot = bot
        self.dispatcher = dispatcher
        self.sessionmaker = sessionmaker
        self.now = now
        self.lab = lab
        self.catalogues = catalogues
        self._ids = itertools.count(100_001)

    @property
    def ledger(self) -> ErrorLedger:
        """Failures no handler expected, counted by the dispatcher's error handler."""
        ledger: ErrorLedger = self.dispatcher["ledger"]
        return ledger

    def fresh_ledger(self) -> ErrorLedger:
        ledger = ErrorLedger()
        self.dispatcher["ledger"] = ledger
        return ledger

    def t(self, language: str) -> Translator:
        return self.catalogues.translator(language)

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Ani",
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """A simulated user (a new id unless one is given)."""
        return self.tg.user(
            next(self._ids) if user_id is None else user_id,
            first_name,
            language_code=language_code,
        )

    # --- Queueing what users do -------------------------------------------------------

    async def queue_text(self, user: SimulatedUser, text: str) -> None:
        """``user`` sends ``text``. Text a Telegram app would not send (empty, blank,
        over 4096 characters) is queued as is, bypassing the emulator's checks."""
        stripped = text.strip()
        if stripped == text and 0 < len(text) <= _TEXT_LIMIT:
            await user.send(text)
            return
        state = self.tg.state
        chat = state.chats[user.id]
        chat.started = True
        message = ChatMessage(
            chat_id=user.id,
            message_id=chat.next_message_id(),
            date=state.now(),
            from_bot=False,
            text=text,
            entities=bot_command_entities(text),
        )
        state.store(chat, message)
        state.updates.push("message", state.message_api(message))

    async def queue_callback(
        self,
        user: SimulatedUser,
        data: str,
        on: ChatMessage | Literal["unknown", "inaccessible"],
    ) -> str:
        """A press with ``data`` on a message the bot sent, on a message that does not
        exist (deleted, or never sent), or on one too old to be shown to the bot.

        Whoever presses a button has a chat with the bot, so the bot may write to them.
        """
        state = self.tg.state
        chat = state.chats[user.id]
        chat.started = True
        if isinstance(on, ChatMessage):
            return await user.send_callback(data, on)
        message_id = 1_000_000 + state.serial()
        message: dict[str, Any]
        if on == "unknown":
            message = {
                "message_id": message_id,
                "date": state.now() - 3600,
                "chat": chat.user.chat_api(),
                "from": state.identity.user_api(),
                "text": "An old message",
            }
        else:
            message = {"message_id": message_id, "date": 0, "chat": chat.user.chat_api()}
        query_id = f"{user.id}{state.serial():08d}"
        state.callback_queries[query_id] = CallbackQuery(query_id, user.id, message_id, data)
        state.updates.push(
            "callback_query",
            {
                "id": query_id,
                "from": user.profile,
                "message": message,
                "chat_instance": str(user.id),
                "data": data,
            },
        )
        return query_id

    # --- Handling ---------------------------------------------------------------------

    async def process(self, *, concurrently: bool = False) -> int:
        """Feed every queued update to the dispatcher (in order, or all at once, as a
        polling bot handles a batch); the number fed."""
        queue = self.tg.state.updates
        raw = list(queue.first(100))
        if not raw:
            return 0
        queue.confirm(raw[-1]["update_id"] + 1)
        updates = [Update.model_validate(item, context={"bot": self.bot}) for item in raw]
        if concurrently:
            await asyncio.gather(
                *(self.dispatcher.feed_update(self.bot, update) for update in updates)
            )
        else:
            for update in updates:
                await self.dispatcher.feed_update(self.bot, update)
        return len(updates) + await self.process(concurrently=concurrently)

    async def send(self, user: SimulatedUser, text: str) -> list[ChatMessage]:
        """``user`` sends ``text``; the bot's new messages to them (unread ones before too)."""
        await self.queue_text(user, text)
        await self.process()
        return user.drain()

    async def press(
        self,
        user: SimulatedUser,
        label: str | None = None,
        *,
        data: str | None = None,
        message: ChatMessage | None = None,
    ) -> list[ChatMessage]:
        """``user`` presses a button (by label or data, newest message first)."""
        await user.press(label, data=data, message=message)
        await self.process()
        return user.drain()

    async def callback(
        self,
        user: SimulatedUser,
        data: str,
        on: ChatMessage | Literal["unknown", "inaccessible"],
    ) -> str:
        """A (possibly forged) press, handled; the query id."""
        query_id = await self.queue_callback(user, data, on)
        await self.process()
        return query_id

    # --- Looking at the outcome --------------------------------------------------------

    def answer_to(self, user: SimulatedUser, query_id: str) -> str | None:
        """The text the bot answered a press with ("" for a silent answer)."""
        for answer in user.callback_answers:
            if answer.callback_query_id == query_id:
                return answer.text or ""
        raise AssertionError(f"the press {query_id} of {user!r} was not answered")

    def unanswered_queries(self) -> list[str]:
        """Presses of users who have not blocked the bot that got no answer."""
        state = self.tg.state
        return [
            query.id
            for query in state.callback_queries.values()
            if not query.answered and not state.chats[query.chat_id].blocked
        ]

    async def participant(self, user: SimulatedUser) -> Participant | None:
        async with self.sessionmaker() as session:
            return await session.scalar(
                select(Participant).where(Participant.telegram_user_id == user.id)
            )

    async def registrations_of(self, user: SimulatedUser) -> list[Registration]:
        async with self.sessionmaker() as session:
            rows = await session.scalars(
                select(Registration)
                .join(Participant, Participant.id == Registration.participant_id)
                .where(Participant.telegram_user_id == user.id)
                .order_by(Registration.id)
            )
            return list(rows)

    async def check_invariants(self) -> None:
        """What must hold in the database whatever people did in chat."""
        async with self.sessionmaker() as session:
            duplicates = (
                await session.execute(
                    select(Registration.event_id, Registration.participant_id, func.count())
                    .group_by(Registration.event_id, Registration.participant_id)
                    .having(func.count() > 1)
                )
            ).all()
            assert duplicates == [], f"more than one registration per person: {duplicates}"
            held = (
                await session.execute(
                    select(Event.id, Event.capacity, func.count(Registration.id))
                    .join(Registration, Registration.event_id == Event.id)
                    .where(Registration.status.in_([str(s) for s in SEAT_HOLDING]))
                    .group_by(Event.id, Event.capacity)
                )
            ).all()
            for event_id, capacity, count in held:
                assert count <= capacity, f"event {event_id}: {count} seats held of {capacity}"
            by_gender = (
                await session.execute(
                    select(Registration.gender, func.count())
                    .where(
                        Registration.event_id == self.lab.open_id,
                        Registration.status.in_([str(s) for s in SEAT_HOLDING]),
                    )
                    .group_by(Registration.gender)
                )
            ).all()
            for gender, count in by_gender:
                assert gender != "female" or count <= 1, "the lab's female quota is exceeded"
            # Nothing half-way: a person exists only once they agreed, with a name.
            half_done = (
                await session.scalars(
                    select(Participant.id).where(
                        Participant.telegram_user_id.is_not(None),
                        Participant.erased_at.is_(None),
                        (Participant.name == "") | Participant.consented_at.is_(None),
                    )
                )
            ).all()
            assert half_done == [], f"participants stored half-way: {half_done}"
            for event_id in (self.lab.closed_id, self.lab.past_id, self.lab.draft_id):
                taken = await session.scalar(
                    select(func.count())
                    .select_from(Registration)
                    .where(Registration.event_id == event_id)
                )
                assert taken == 0, f"event {event_id} takes no registrations, has {taken}"

    async def forget_people(self) -> None:
        """Remove everything people did (registrations, profiles, conversations, the
        alumni network's rows), keep the programmes, events and the organiser's account."""
        async with self.sessionmaker() as session:
            await session.execute(delete(Registration))
            for table in (*ALUMNI_TABLES, *FEEDBACK_TABLES):
                await session.execute(delete(table))
            await session.execute(delete(Participant))
            await session.execute(delete(ConversationState))
            await session.commit()


# Children first: reports point at connections, everything at people.
ALUMNI_TABLES = (AlumniReport, AlumniBlock, AlumniConnection, AlumniProfile, Alumnus)
# Who was asked about an event, and named answers, point at people too.
FEEDBACK_TABLES = (FeedbackAnswer, FeedbackInvitation)


def escaped(text: str) -> str:
    """``text`` as it must appear inside the bot's HTML."""
    return html.escape(text, quote=False)


@asynccontextmanager
async def running_bot(
    database_url: str, now: datetime, *, demo: bool = True, public_url: str = PUBLIC_URL
) -> AsyncIterator[InProcessBot]:
    """The lab (and unless ``demo=False`` the demo) data in the migrated, empty database,
    the emulator, a real ``Bot`` pointed at it and the dispatcher from
    ``create_dispatcher``."""
    if demo:
        await load_demo(Settings(database_url=database_url), now)
    engine = create_engine(database_url)
    try:
        sessionmaker = create_sessionmaker(engine)
        lab = await seed_lab(sessionmaker, now)
        catalogues = Catalogues()
        async with TelegramEmulator(TOKEN, BOT_USERNAME) as tg:
            # The emulator counts no flood limits here: no pacing per chat either, so the
            # fuzz test's thousands of updates to four people do not wait a second each.
            bot = create_bot(TOKEN, tg.base_url, SendBudget(Pacer(1000, 1000)))
            dispatcher = create_dispatcher(
                sessionmaker,
                catalogues,
                FixedClock(now),
                BotServices(public_url, FeedCache()),
                ErrorLedger(),
            )
            try:
                yield InProcessBot(tg, bot, dispatcher, sessionmaker, now, lab, catalogues)
            finally:
                await bot.session.close()
    finally:
        await engine.dispose()


@pytest.fixture
async def inprocess(database_url: str, now: datetime) -> AsyncIterator[InProcessBot]:
    """The in-process bot on the test's database (SQLite and PostgreSQL), with the lab
    programme only (no demo data: faster)."""
    async with running_bot(database_url, now, demo=False) as harness:
        yield harness
