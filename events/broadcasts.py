"""Organisers' broadcasts: write to part of an event's participants, now or later.

A broadcast is stored ``scheduled``; at ``send_at`` it is released: its audience is
resolved at that moment (people who registered in between are included) and becomes
one outbox row per recipient, and its state becomes ``sending``. The dispatcher sends
the rows like any other message, at broadcast priority, so waitlist offers and
confirmations overtake it. Cancelling withdraws the rows not sent yet. Delivery is read
back from the outbox: a released broadcast with nothing left queued is reported
``done``.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.audit import record
from events.broadcast_inputs import BROADCAST_TEXT_LIMIT, BroadcastAudience, BroadcastDraft
from events.editions import get_event, list_events
from events.enums import PublicationStatus, RegistrationStatus
from events.errors import InvalidInput, InvalidTransition, NotFound
from events.models import Broadcast, Event, OutboxMessage, Participant, Registration
from events.outbox.queue import OPEN_STATES, Kind, Message, State, enqueue, withdraw
from events.principals import Principal
from events.telegram_html import check_html

# A form filled in a minute ago still means "now"; further back is a mistake.
SEND_AT_GRACE = timedelta(minutes=1)
SEND_AT_HORIZON = timedelta(days=365)
# Events that ended this long ago can still be written about: organisers write to alumni.
RECENT = timedelta(days=60)
_WRITABLE = (PublicationStatus.PUBLISHED, PublicationStatus.COMPLETED)


class BroadcastState(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    CANCELLED = "cancelled"
    # Reported, never stored: released and nothing left queued.
    DONE = "done"


@dataclass(frozen=True)
class BroadcastReport:
    """A broadcast and what became of its messages (counts of outbox rows by state)."""

    id: int
    event_id: int
    state: BroadcastState
    send_at: datetime
    created_at: datetime
    recipients: int  # rows queued at release
    queued: int  # pending or being sent
    sent: int
    failed: int
    blocked: int
    skipped: int
    cancelled: int
    texts: dict[str, str]
    audience: dict[str, Any]
    created_by: str
    released_at: datetime | None
    cancelled_at: datetime | None


async def count_recipients(
    session: AsyncSession, actor: Principal, event_id: int, audience: BroadcastAudience
) -> int:
    """How many people a broadcast with this audience would reach if released now.

    Raises ``NotFound`` for an unknown event, ``Forbidden`` for another's programme.
    """
    event = await get_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    found = _recipients(event.id, audience).subquery()
    count = await session.scalar(select(func.count(func.distinct(found.c.participant_id))))
    return int(count or 0)


async def create_broadcast(
    session: AsyncSession, now: datetime, actor: Principal, event_id: int, draft: BroadcastDraft
) -> Broadcast:
    """Store a broadcast; when it is due already, release it in the same transaction.

    Raises ``InvalidInput`` for a text Telegram would refuse (field ``texts.<language>``)
    or a ``send_at`` in the past or over a year ahead, ``NotFound`` for an unknown event,
    ``Forbidden`` for another's programme, ``InvalidTransition`` for a draft event.
    Nothing is stored when it raises.
    """
    event = await get_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    if event.status == PublicationStatus.DRAFT:
        raise InvalidTransition("a draft event has nobody to write to; publish it first")
    for language, text in draft.texts.items():
        check_html(text, f"texts.{language}", limit=BROADCAST_TEXT_LIMIT)
    send_at = draft.send_at or now
    if send_at < now - SEND_AT_GRACE:
        raise InvalidInput("send_at", "send_at is in the past")
    if send_at > now + SEND_AT_HORIZON:
        raise InvalidInput("send_at", "send_at is more than a year ahead")
    broadcast = Broadcast(
        event_id=event.id,
        texts={str(language): text for language, text in draft.texts.items()},
        audience=draft.audience.model_dump(mode="json"),
        send_at=send_at,
        state=BroadcastState.SCHEDULED,
        created_by=actor.actor,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    await record(
        session,
        now,
        actor,
        "broadcast.create",
        "broadcast",
        broadcast.id,
        programme_id=event.programme_id,
        details={"languages": sorted(broadcast.texts), "send_at": send_at.isoformat()},
    )
    if send_at <= now:
        await _release(session, now, event, broadcast, actor)
    await session.commit()
    return broadcast


async def release_due_broadcasts(session: AsyncSession, now: datetime) -> int:
    """Queue the messages of every scheduled broadcast whose time has come.

    One transaction per broadcast. Safe to run twice or in two processes at once: a
    broadcast is released only while ``scheduled`` (re-read under a row lock), and each
    recipient's row has a dedupe key. Returns how many broadcasts were released.
    """
    due = (
        await session.scalars(
            select(Broadcast.id)
            .where(Broadcast.state == BroadcastState.SCHEDULED, Broadcast.send_at <= now)
            .order_by(Broadcast.send_at, Broadcast.id)
        )
    ).all()
    await session.rollback()
    released = 0
    for broadcast_id in due:
        broadcast = await _locked(session, broadcast_id)
        if broadcast is not None and broadcast.state == BroadcastState.SCHEDULED:
            event = await get_event(session, broadcast.event_id)
            await _release(session, now, event, broadcast, SYSTEM)
            released += 1
        await session.commit()
    return released


async def cancel_broadcast(
    session: AsyncSession, now: datetime, actor: Principal, broadcast_id: int
) -> Broadcast:
    """Stop a broadcast: messages not sent yet are withdrawn, those sent stay sent.

    Cancelling again, or cancelling a broadcast that has finished (nothing left to stop;
    it stays ``done``), changes nothing. Raises ``NotFound`` for an unknown id or one of
    another programme.
    """
    broadcast = await _locked(session, broadcast_id)
    if broadcast is None:
        raise NotFound("broadcast", broadcast_id)
    event = await _managed_event(session, actor, broadcast)
    finished = (
        broadcast.state == BroadcastState.SENDING and await _open_rows(session, broadcast.id) == 0
    )
    if broadcast.state != BroadcastState.CANCELLED and not finished:
        broadcast.state = BroadcastState.CANCELLED
        broadcast.cancelled_at = now
        withdrawn = await withdraw(session, broadcast_id=broadcast.id)
        await record(
            session,
            now,
            actor,
            "broadcast.cancel",
            "broadcast",
            broadcast.id,
            programme_id=event.programme_id,
            details={"withdrawn": withdrawn},
        )
    await session.commit()
    return broadcast


async def broadcast_report(
    session: AsyncSession, actor: Principal, broadcast_id: int
) -> BroadcastReport:
    """A broadcast and its delivery counts. ``NotFound`` for an unknown id or one of
    another programme (ids of other programmes cannot be probed)."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound("broadcast", broadcast_id)
    await _managed_event(session, actor, broadcast)
    return await report_of(session, broadcast)


async def list_broadcasts(
    session: AsyncSession, actor: Principal, event_id: int
) -> list[BroadcastReport]:
    """The event's broadcasts with their delivery counts, newest first.

    Raises ``NotFound`` for an unknown event, ``Forbidden`` for another's programme.
    """
    event = await get_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    broadcasts = (
        await session.scalars(
            select(Broadcast)
            .where(Broadcast.event_id == event.id)
            .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
        )
    ).all()
    counts = await _counts(session, [broadcast.id for broadcast in broadcasts])
    return [_report(broadcast, counts[broadcast.id]) for broadcast in broadcasts]


async def report_of(session: AsyncSession, broadcast: Broadcast) -> BroadcastReport:
    """The report of a broadcast the caller already may see (for presenters)."""
    counts = await _counts(session, [broadcast.id])
    return _report(broadcast, counts[broadcast.id])


# --- Internals ----------------------------------------------------------------------------


def _recipients(event_id: int, audience: BroadcastAudience) -> Select[int, int]:
    """(registration id, participant id) of everyone the audience reaches, one per person
    (a person has one registration per event)."""
    query = (
        select(Registration.id, Registration.participant_id)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(
            Registration.event_id == event_id,
            Registration.status.in_([status.value for status in audience.statuses]),
            Participant.erased_at.is_(None),
            Participant.telegram_user_id.is_not(None),
            Participant.is_reachable.is_(True),
        )
    )
    if audience.countries:
        # As registered: the same country the roster and the statistics show.
        query = query.where(Registration.country.in_(audience.countries))
    if audience.languages:
        query = query.where(Participant.language.in_(audience.languages))
    if audience.checked_in is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif audience.checked_in is False:
        query = query.where(Registration.checked_in_at.is_(None))
    if audience.alumni:
        query = query.where(
            or_(
                Registration.checked_in_at.is_not(None),
                Registration.status == RegistrationStatus.ATTENDED,
            )
        )
    return query


async def _release(
    session: AsyncSession, now: datetime, event: Event, broadcast: Broadcast, actor: Principal
) -> None:
    """Turn the audience, as it is now, into outbox rows (not committed). ``actor`` is the
    organiser sending at once, or the system at the scheduled time."""
    audience = BroadcastAudience.model_validate(broadcast.audience)
    rows = (await session.execute(_recipients(event.id, audience).order_by(Registration.id))).all()
    messages = (
        Message(
            participant_id=participant_id,
            kind=Kind.BROADCAST,
            dedupe_key=f"broadcast:{broadcast.id}:{participant_id}",
            params={},
            event_id=event.id,
            registration_id=registration_id,
            broadcast_id=broadcast.id,
            due_at=broadcast.send_at,
        )
        for registration_id, participant_id in rows
    )
    await enqueue(session, now, messages)
    broadcast.state = BroadcastState.SENDING
    broadcast.released_at = now
    await record(
        session,
        now,
        actor,
        "broadcast.release",
        "broadcast",
        broadcast.id,
        programme_id=event.programme_id,
        details={"recipients": len(rows)},
    )


async def _locked(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    """The broadcast re-read and row-locked until commit (release and cancel take turns;
    SQLite's writer lock does the same there)."""
    found: Broadcast | None = await session.scalar(
        select(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found


async def _managed_event(session: AsyncSession, actor: Principal, broadcast: Broadcast) -> Event:
    event = await session.get(Event, broadcast.event_id)
    if event is None or not actor.can_manage(event.programme_id):
        raise NotFound("broadcast", broadcast.id)
    return event


async def _open_rows(session: AsyncSession, broadcast_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.state.in_(OPEN_STATES))
    )
    return int(count or 0)


async def _counts(session: AsyncSession, broadcast_ids: Sequence[int]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {broadcast_id: Counter() for broadcast_id in broadcast_ids}
    if not broadcast_ids:
        return counts
    rows = await session.execute(
        select(OutboxMessage.broadcast_id, OutboxMessage.state, func.count())
        .where(OutboxMessage.broadcast_id.in_(broadcast_ids))
        .group_by(OutboxMessage.broadcast_id, OutboxMessage.state)
    )
    for broadcast_id, state, number in rows:
        if broadcast_id is not None:
            counts[broadcast_id][state] += number
    return counts


def _report(broadcast: Broadcast, counts: Counter[str]) -> BroadcastReport:
    queued = sum(counts[state] for state in OPEN_STATES)
    state = BroadcastState(broadcast.state)
    if state is BroadcastState.SENDING and queued == 0:
        state = BroadcastState.DONE
    return BroadcastReport(
        id=broadcast.id,
        event_id=broadcast.event_id,
        state=state,
        send_at=broadcast.send_at,
        created_at=broadcast.created_at,
        recipients=counts.total(),
        queued=queued,
        sent=counts[State.SENT],
        failed=counts[State.FAILED],
        blocked=counts[State.BLOCKED],
        skipped=counts[State.SKIPPED],
        cancelled=counts[State.CANCELLED],
        texts=dict(broadcast.texts),
        audience=dict(broadcast.audience),
        created_by=broadcast.created_by,
        released_at=broadcast.released_at,
        cancelled_at=broadcast.cancelled_at,
    )


async def broadcastable_events(
    session: AsyncSession, actor: Principal, now: datetime, limit: int
) -> list[Event]:
    """The published events ``actor`` manages that have not ended, or ended recently:
    what an organiser is offered to write about (at most ``limit``)."""
    events = await list_events(session, viewer=actor, upcoming_after=now - RECENT)
    managed = [
        event
        for event in events
        if actor.can_manage(event.programme_id) and event.status in _WRITABLE
    ]
    return managed[:limit]
