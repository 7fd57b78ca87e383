"""What the outbox tests share: a clock to move by hand, a record of every delivery the
emulator made (in global order, with real arrival times), bulk recipients and broadcast
rows, reading the outbox as stored, and running a dispatcher for the length of a block.
"""

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notices import notice_renderer
from emulator import ChatMessage, TelegramEmulator
from emulator.errors import ApiError
from events.enums import RegistrationStatus
from events.models import Broadcast, OutboxMessage, Participant, Registration
from events.outbox.queue import Kind, Message, enqueue
from locales.translator import Catalogues
from scheduler.dispatcher import DispatchSettings, OutboxDispatcher

TOKEN = "123456:DISPATCH-test"
BOT_USERNAME = "redbridge_test_bot"
# Telegram ids of bulk recipients start here (the factories use 100_000 and up).
FIRST_BULK_ID = 50_000_000
POLL_S = 0.02


class ManualClock:
    """The dispatcher's ``clock``: stands still unless moved, or follows real time from
    ``start`` (for the few tests where Telegram's real seconds are the subject)."""

    def __init__(self, start: datetime, *, real_time: bool = False) -> None:
        self._start = start
        self._offset = timedelta()
        self._began = time.monotonic() if real_time else None

    def __call__(self) -> datetime:
        moment = self._start + self._offset
        if self._began is not None:
            moment += timedelta(seconds=time.monotonic() - self._began)
        return moment

    def advance(self, **delta: float) -> datetime:
        self._offset += timedelta(**delta)
        return self()

    def set(self, moment: datetime) -> datetime:
        self._offset += moment - self()
        return self()


@dataclass(frozen=True)
class Delivery:
    chat_id: int
    message: ChatMessage
    at: float  # time.monotonic() when the emulator stored it


@dataclass(frozen=True)
class Attempt:
    """A send that reached the emulator's flood limiter, admitted or answered 429."""

    chat_id: int
    at: float
    retry_after: int | None


@dataclass
class Deliveries:
    """Every message the bot delivered, in the order the emulator stored them, and every
    send the flood limiter saw. Installed by wrapping the emulator's own methods."""

    tg: TelegramEmulator
    log: list[Delivery] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)

    def __post_init__(self) -> None:
        state = self.tg.state
        store, admit = state.store, state.limiter.admit

        def logged_store(chat: Any, message: ChatMessage) -> None:
            store(chat, message)
            if message.from_bot:
                self.log.append(Delivery(message.chat_id, message, time.monotonic()))

        def logged_admit(chat_id: int) -> None:
            try:
                admit(chat_id)
            except ApiError as error:
                self.attempts.append(Attempt(chat_id, time.monotonic(), error.retry_after))
                raise
            self.attempts.append(Attempt(chat_id, time.monotonic(), None))

        setattr(state, "store", logged_store)  # noqa: B010 - wrapping on purpose
        setattr(state.limiter, "admit", logged_admit)  # noqa: B010

    def __len__(self) -> int:
        return len(self.log)

    def to(self, chat_id: int) -> list[ChatMessage]:
        return [one.message for one in self.log if one.chat_id == chat_id]

    def per_chat(self) -> Counter[int]:
        return Counter(one.chat_id for one in self.log)

    def rate(self, window: int) -> float:
        """Messages a second in the steady state of a long send at a ``window`` a second.

        The first ``window`` messages may arrive at once (a sliding window lets them), so
        the rate is measured over the rest: how long the last ``n - window`` took after
        the first window was full. It cannot exceed the limit unless a window was.
        """
        if len(self.log) <= window:
            return 0.0
        arrivals = [one.at for one in self.log]
        return (len(arrivals) - window) / (arrivals[-1] - arrivals[window - 1])


def record_sends(bot: Any) -> list[int]:
    """From now on, the chat id of each ``send_message`` call of ``bot``, in the order the
    dispatcher makes them (its claim order: arrivals may overtake one another)."""
    calls: list[int] = []
    send = bot.send_message

    async def recorded(chat_id: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(chat_id)
        return await send(chat_id, *args, **kwargs)

    setattr(bot, "send_message", recorded)  # noqa: B010 - wrapping on purpose
    return calls


async def until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Wait (boundedly) until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(POLL_S)


async def until_stored(
    sessionmaker: async_sessionmaker[AsyncSession],
    condition: Callable[[list[OutboxMessage]], bool],
    what: str,
    timeout: float = 15.0,
) -> list[OutboxMessage]:
    """Wait (boundedly) until the outbox as stored satisfies ``condition``; return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = await outbox(sessionmaker)
        if condition(rows):
            return rows
        if loop.time() > deadline:
            states = Counter(row.state for row in rows)
            raise AssertionError(f"timed out after {timeout} s waiting for {what}: {states}")
        await asyncio.sleep(POLL_S * 5)


async def quiet(seconds: float = 0.4) -> None:
    """Give a running dispatcher time to do what it should not (a bounded, short wait)."""
    await asyncio.sleep(seconds)


# --- Data ---------------------------------------------------------------------------------


async def add_people(
    session: AsyncSession,
    now: datetime,
    count: int,
    *,
    first_id: int = FIRST_BULK_ID,
    languages: Sequence[str] = ("en",),
) -> list[Participant]:
    """``count`` participants at once (committed), Telegram ids from ``first_id``."""
    people = [
        Participant(
            telegram_user_id=first_id + number,
            name=f"Recipient {number}",
            language=languages[number % len(languages)],
            country="AM",
            consented_at=now,
            is_reachable=True,
            created_at=now,
            updated_at=now,
        )
        for number in range(count)
    ]
    session.add_all(people)
    await session.commit()
    return people


async def add_registrations(
    session: AsyncSession, now: datetime, event_id: int, people: Iterable[Participant]
) -> None:
    """Confirmed registrations in bulk (committed): registering hundreds one by one
    through the use case is not the subject of these tests."""
    await session.execute(
        insert(Registration),
        [
            {
                "event_id": event_id,
                "participant_id": person.id,
                "status": RegistrationStatus.CONFIRMED.value,
                "answers": {},
                "country": person.country,
                "created_at": now,
                "updated_at": now,
                "confirmed_at": now,
            }
            for person in people
        ],
    )
    await session.commit()


def open_chats(tg: TelegramEmulator, people: Iterable[Participant]) -> None:
    """Each person has started the bot, so it may write to them."""
    for person in people:
        assert person.telegram_user_id is not None
        tg.user(person.telegram_user_id, person.name, language_code=person.language, started=True)


async def add_broadcast(
    session: AsyncSession, now: datetime, event_id: int, texts: dict[str, str]
) -> Broadcast:
    """A broadcast already released (``sending``), stored directly: the texts are not
    checked, so a test can store what Telegram refuses."""
    broadcast = Broadcast(
        event_id=event_id,
        texts=texts,
        audience={},
        send_at=now,
        state="sending",
        created_by="test",
        created_at=now,
        released_at=now,
    )
    session.add(broadcast)
    await session.commit()
    return broadcast


async def queue_broadcast(
    session: AsyncSession,
    now: datetime,
    broadcast: Broadcast,
    people: Iterable[Participant],
    chunk: int = 500,
) -> int:
    """One outbox row per person for the broadcast (committed); returns how many."""
    messages = [
        Message(
            participant_id=person.id,
            kind=Kind.BROADCAST,
            dedupe_key=f"broadcast:{broadcast.id}:{person.id}",
            params={},
            broadcast_id=broadcast.id,
        )
        for person in people
    ]
    queued = 0
    for start in range(0, len(messages), chunk):
        queued += await enqueue(session, now, messages[start : start + chunk])
    await session.commit()
    return queued


async def outbox(
    sessionmaker: async_sessionmaker[AsyncSession], kind: Kind | None = None
) -> list[OutboxMessage]:
    """The outbox rows as stored now, oldest first."""
    async with sessionmaker() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind.value)
        return list(await session.scalars(query))


async def participant(
    sessionmaker: async_sessionmaker[AsyncSession], participant_id: int
) -> Participant:
    async with sessionmaker() as session:
        found = await session.get(Participant, participant_id)
        assert found is not None
        return found


# --- Dispatchers ----------------------------------------------------------------------------


class Severable:
    """A session factory that can be cut off, as a process's database connections are
    when it dies: after ``sever()`` every new session fails."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self.severed = False

    def __call__(self) -> AsyncSession:
        if self.severed:
            raise ConnectionResetError("the process is gone")
        return self._sessionmaker()

    def sever(self) -> None:
        self.severed = True

    @property
    def factory(self) -> async_sessionmaker[AsyncSession]:
        """This, typed as what the dispatcher takes (it only ever calls it)."""
        return cast(async_sessionmaker[AsyncSession], self)


async def crash(task: "asyncio.Task[None]", severable: Severable, bot: Any) -> None:
    """Kill an in-process dispatcher as ``kill -9`` would: it can no longer reach the
    database (so it records nothing and releases no lease), its requests to Telegram are
    cut, and its task ends without any shutdown work being able to complete."""
    severable.sever()
    await bot.session.close()
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)


def make_dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession],
    bot: Any,
    catalogues: Catalogues,
    clock: Callable[[], datetime],
    *,
    holder: str | None = None,
    **settings: Any,
) -> OutboxDispatcher:
    """A dispatcher that looks for work often (tests wait for it, not minutes)."""
    settings.setdefault("idle_poll_seconds", 0.05)
    return OutboxDispatcher(
        sessionmaker,
        bot,
        notice_renderer(catalogues),
        clock,
        DispatchSettings(**settings),
        holder=holder,
    )


@contextlib.asynccontextmanager
async def dispatching(dispatcher: OutboxDispatcher) -> AsyncIterator[asyncio.Task[None]]:
    """Run the dispatcher for the block; stop it cleanly after (or let the block end it)."""
    task = asyncio.create_task(dispatcher.run())
    try:
        yield task
    finally:
        if not task.done():
            await dispatcher.stop()
        (outcome,) = await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 30)
        if isinstance(outcome, Exception):
            raise outcome


def texts_of(messages: Sequence[ChatMessage]) -> list[str]:
    return [message.text or "" for message in messages]


def labels(message: ChatMessage) -> list[str]:
    return [button.text for row in message.buttons for button in row]


def callback_data(message: ChatMessage) -> list[str | None]:
    return [button.callback_data for row in message.buttons for button in row]
