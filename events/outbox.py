"""The outbox: every message Redbridge sends on its own is a row here first.

A use case queues a row in the same transaction as the change it announces, so the
change and its message are stored together or not at all. The dispatcher
(``scheduler.dispatcher``) claims due rows in priority order, renders them in the
recipient's language of that moment, sends them, and records what Telegram said. A row
becomes ``sent`` only after Telegram confirmed it; rows ``sending`` when a dispatcher
died go back to ``pending`` when the next one takes over (those few may arrive twice).
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.dialects import dialect_of, insert_for
from events.models import DispatcherLease, OutboxMessage, Participant
from events.store import note_queued


class Kind(StrEnum):
    """What a message says; ``bot.notices`` has a template for each."""

    CONFIRMATION = "confirmation"
    OFFER = "offer"
    OFFER_EXPIRING = "offer_expiring"
    OFFER_EXPIRED = "offer_expired"
    DECISION = "decision"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    REMINDER = "reminder"
    BROADCAST = "broadcast"


class Priority(IntEnum):
    """Lower goes first: what a person waits for, then news, reminders, broadcasts."""

    URGENT = 0
    NOTICE = 1
    REMINDER = 2
    BROADCAST = 3


PRIORITY: dict[Kind, Priority] = {
    Kind.CONFIRMATION: Priority.URGENT,
    Kind.OFFER: Priority.URGENT,
    Kind.DECISION: Priority.URGENT,
    Kind.OFFER_EXPIRING: Priority.NOTICE,
    Kind.OFFER_EXPIRED: Priority.NOTICE,
    Kind.EVENT_CHANGED: Priority.NOTICE,
    Kind.EVENT_CANCELLED: Priority.NOTICE,
    Kind.REMINDER: Priority.REMINDER,
    Kind.BROADCAST: Priority.BROADCAST,
}


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    # Telegram refused it for good (a 4xx other than 403), or retries ran out.
    FAILED = "failed"
    # The person blocked the bot, or was erased: nothing more is sent to them.
    BLOCKED = "blocked"
    # No longer true when its turn came (the offer was taken, the event began, …).
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


OPEN_STATES = (State.PENDING, State.SENDING)


@dataclass(frozen=True)
class Message:
    """A row to queue."""

    participant_id: int
    kind: Kind
    dedupe_key: str
    params: dict[str, Any]
    event_id: int | None = None
    registration_id: int | None = None
    broadcast_id: int | None = None
    due_at: datetime | None = None


# Rows a statement: bounded, so a 10,000-person broadcast is a few round trips.
ENQUEUE_CHUNK = 1000


async def enqueue(session: AsyncSession, now: datetime, messages: Iterable[Message]) -> int:
    """Queue messages (not committed: the caller's change and its messages commit
    together). A dedupe key already present is skipped. Returns how many were new (or,
    where the driver does not count, how many were offered)."""
    # One statement compiled once and executed for many rows: a multi-row VALUES is
    # compiled afresh for each size, which for 10,000 rows took seconds.
    statement = insert_for(session, OutboxMessage).on_conflict_do_nothing(
        index_elements=["dedupe_key"]
    )
    connection = await session.connection()
    queued = 0
    for chunk in _chunks(messages, ENQUEUE_CHUNK):
        rows = [
            {
                "participant_id": message.participant_id,
                "event_id": message.event_id,
                "registration_id": message.registration_id,
                "broadcast_id": message.broadcast_id,
                "kind": message.kind.value,
                "params": message.params,
                "priority": int(PRIORITY[message.kind]),
                "due_at": message.due_at or now,
                "state": State.PENDING.value,
                "attempts": 0,
                "dedupe_key": message.dedupe_key,
                "created_at": now,
            }
            for message in chunk
        ]
        result = await connection.execute(statement, rows)
        count: int = getattr(result, "rowcount", -1)
        queued += count if count >= 0 else len(rows)
    note_queued(session)
    return queued


def _chunks(messages: Iterable[Message], size: int) -> Iterator[list[Message]]:
    chunk: list[Message] = []
    for message in messages:
        chunk.append(message)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def withdraw(
    session: AsyncSession,
    *,
    registration_id: int | None = None,
    event_id: int | None = None,
    participant_id: int | None = None,
    broadcast_id: int | None = None,
    kinds: Sequence[Kind] | None = None,
) -> int:
    """Cancel pending messages (not committed) that no longer apply."""
    conditions = [OutboxMessage.state == State.PENDING]
    if registration_id is not None:
        conditions.append(OutboxMessage.registration_id == registration_id)
    if event_id is not None:
        conditions.append(OutboxMessage.event_id == event_id)
    if participant_id is not None:
        conditions.append(OutboxMessage.participant_id == participant_id)
    if broadcast_id is not None:
        conditions.append(OutboxMessage.broadcast_id == broadcast_id)
    if kinds is not None:
        conditions.append(OutboxMessage.kind.in_([kind.value for kind in kinds]))
    result = await session.execute(
        update(OutboxMessage).where(*conditions).values(state=State.CANCELLED)
    )
    count: int = getattr(result, "rowcount", 0)
    return count


# --- The dispatcher's side ----------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A row the dispatcher took, with what it needs to address and render it."""

    id: int
    kind: Kind
    params: dict[str, Any]
    participant_id: int
    chat_id: int | None
    reachable: bool
    language: str
    event_id: int | None
    registration_id: int | None
    broadcast_id: int | None
    due_at: datetime
    attempts: int


async def hold_lease(
    session: AsyncSession, now: datetime, name: str, holder: str, seconds: float
) -> bool:
    """Take or renew the right to dispatch for ``name``; False while another holds it.

    Whoever takes it over resets rows left ``sending`` by a dead holder (see module doc).
    """
    until = now + timedelta(seconds=seconds)
    statement = insert_for(session, DispatcherLease)
    await session.execute(
        statement.values(name=name, holder=holder, expires_at=until).on_conflict_do_nothing(
            index_elements=["name"]
        )
    )
    current = await session.scalar(
        select(DispatcherLease).where(DispatcherLease.name == name).with_for_update()
    )
    if current is None:  # pragma: no cover - inserted just above
        return False
    if current.holder != holder and current.expires_at > now:
        await session.rollback()
        return False
    taking_over = current.holder != holder
    current.holder = holder
    current.expires_at = until
    if taking_over:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.state == State.SENDING)
            .values(state=State.PENDING)
        )
    await session.commit()
    return True


async def release_lease(session: AsyncSession, name: str, holder: str) -> None:
    """Let another process take over at once (on a clean shutdown)."""
    lease = await session.get(DispatcherLease, name, with_for_update=True)
    if lease is not None and lease.holder == holder:
        await session.delete(lease)
    await session.commit()


def _due(now: datetime) -> Select[OutboxMessage, Participant]:
    return (
        select(OutboxMessage, Participant)
        .join(Participant, Participant.id == OutboxMessage.participant_id)
        .where(OutboxMessage.state == State.PENDING, OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.priority, OutboxMessage.due_at, OutboxMessage.id)
    )


async def claim_due(
    session: AsyncSession, now: datetime, limit: int, busy_participants: Iterable[int] = ()
) -> list[Claimed]:
    """Take up to ``limit`` due rows, most urgent first, and mark them ``sending``.

    ``busy_participants`` (people just written to) are passed over this time, so one
    person's many messages do not hold up everyone else's.
    """
    query = _due(now).limit(limit)
    busy = list(busy_participants)
    if busy:
        query = query.where(OutboxMessage.participant_id.not_in(busy))
    if dialect_of(session) == "postgresql":
        query = query.with_for_update(of=OutboxMessage, skip_locked=True)
    rows = (await session.execute(query)).all()
    claimed = [
        Claimed(
            id=message.id,
            kind=Kind(message.kind),
            params=dict(message.params),
            participant_id=message.participant_id,
            chat_id=None if person.erased_at is not None else person.telegram_user_id,
            reachable=person.is_reachable,
            language=person.language,
            event_id=message.event_id,
            registration_id=message.registration_id,
            broadcast_id=message.broadcast_id,
            due_at=message.due_at,
            attempts=message.attempts,
        )
        for message, person in rows
    ]
    if claimed:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([c.id for c in claimed]))
            .values(state=State.SENDING)
        )
    await session.commit()
    return claimed


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row."""

    id: int
    state: State
    error: str | None = None
    telegram_message_id: int | None = None
    # For a retry or a postponed row: when to try again (state PENDING).
    due_at: datetime | None = None
    # Whether it went to Telegram (a postponed or passed-over row did not).
    attempted: bool = True


async def record(
    session: AsyncSession,
    now: datetime,
    lease: tuple[str, str],
    outcomes: Sequence[Outcome],
    blocked: Iterable[int] = (),
) -> bool:
    """Store a dispatcher's outcomes, and drop the queues of people who blocked the bot
    (``blocked``), in one transaction — unless the dispatcher (``lease``: name, holder)
    lost its lease: its rows were handed to the new holder, whose claims must not be
    overwritten. Returns whether it stored anything.

    A row is only ever changed while ``sending``, so an outcome arriving after the row
    was cancelled leaves it cancelled.
    """
    name, holder = lease
    current = await session.scalar(
        select(DispatcherLease.holder).where(DispatcherLease.name == name).with_for_update()
    )
    if current != holder:
        await session.rollback()
        return False
    for outcome in outcomes:
        values: dict[str, Any] = {"state": outcome.state.value}
        if outcome.error is not None:
            values["last_error"] = outcome.error[:300]
        if outcome.state == State.SENT:
            values["sent_at"] = now
            values["telegram_message_id"] = outcome.telegram_message_id
        if outcome.due_at is not None:
            values["due_at"] = outcome.due_at
        if outcome.attempted:
            values["attempts"] = OutboxMessage.attempts + 1
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outcome.id, OutboxMessage.state == State.SENDING)
            .values(**values)
        )
    for participant_id in blocked:
        await mark_blocked(session, now, participant_id)
    await session.commit()
    return True


async def mark_blocked(session: AsyncSession, now: datetime, participant_id: int) -> int:
    """Telegram answered 403: the person is unreachable and their pending messages are
    dropped (not committed). They become reachable again when they next write."""
    person = await session.get(Participant, participant_id)
    if person is not None and person.is_reachable:
        person.is_reachable = False
        person.updated_at = now
    # Rows being put back from ``sending`` (passed over in a batch) are dropped as well.
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.participant_id == participant_id,
            OutboxMessage.state.in_(OPEN_STATES),
        )
        .values(state=State.BLOCKED, last_error="blocked by the user")
    )
    count: int = getattr(result, "rowcount", 0)
    return count
