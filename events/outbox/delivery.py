"""The dispatcher's side of the outbox: the lease, claiming due rows, recording outcomes.

One dispatcher per bot holds a lease row and claims due rows in priority order; a row
becomes ``sent`` only after Telegram confirmed it. Rows ``sending`` when a dispatcher
died go back to ``pending`` when the next one takes over (those few may arrive twice).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.dialects import dialect_of, insert_for
from events.models import DispatcherLease, OutboxMessage, Participant
from events.outbox.queue import OPEN_STATES, Kind, State


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

    Whoever takes it over resets rows left ``sending`` by a dead holder (see the module docstring).
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
    session: AsyncSession, now: datetime, limit: int, busy_chats: Iterable[int] = ()
) -> list[Claimed]:
    """Take up to ``limit`` due rows, most urgent first, and mark them ``sending``.

    People whose chat is in ``busy_chats`` (just written to, or a reply is waiting for
    them) are passed over this time, so one person's many messages do not hold up
    everyone else's.
    """
    query = _due(now).limit(limit)
    busy = list(busy_chats)
    if busy:
        # People without a chat are claimed too: examine() settles their rows.
        query = query.where(
            or_(
                Participant.telegram_user_id.is_(None),
                Participant.telegram_user_id.not_in(busy),
            )
        )
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
