"""The queue itself: what a row says and how urgent it is, queueing and withdrawing.

A use case queues a row in the same transaction as the change it announces, so the
change and its message are stored together or not at all.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from events.dialects import insert_for
from events.models import OutboxMessage
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
    JOIN_LINK_CHANGED = "join_link_changed"
    REMINDER = "reminder"
    BROADCAST = "broadcast"
    CONTACT_REQUEST = "contact_request"
    CONTACT_ACCEPTED = "contact_accepted"
    FEEDBACK = "feedback"
    FEEDBACK_REMINDER = "feedback_reminder"


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
    Kind.JOIN_LINK_CHANGED: Priority.NOTICE,
    Kind.CONTACT_REQUEST: Priority.NOTICE,
    Kind.CONTACT_ACCEPTED: Priority.NOTICE,
    Kind.FEEDBACK: Priority.NOTICE,
    Kind.FEEDBACK_REMINDER: Priority.REMINDER,
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
