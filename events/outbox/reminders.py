"""Reminders before an event starts: queued when their time has come, not in advance.

The ``queue_due_reminders`` job queues them, so moving an event moves its reminders
without rewriting rows, and reminders whose time passed while Redbridge was down go
out on start, as long as the event is still ahead. Only the reminder nearest to the
start of those already due is sent (``due_offset``), when queued and again when sent.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import PublicationStatus, RegistrationStatus
from events.inputs import MAX_REMINDER_OFFSET
from events.models import Event, OutboxMessage, Registration
from events.outbox.notices import about
from events.outbox.queue import Kind, State, enqueue


async def reschedule_reminders(session: AsyncSession, now: datetime, event: Event) -> None:
    """The event moved: reminders already queued (not sent) move with it."""
    pending = await session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.event_id == event.id,
            OutboxMessage.kind == Kind.REMINDER,
            OutboxMessage.state == State.PENDING,
        )
    )
    for row in pending:
        offset = timedelta(minutes=int(row.params["offset"]))
        row.due_at = max(now, event.starts_at - offset)


def due_offset(event: Event, now: datetime) -> int | None:
    """The reminder (minutes before the start) whose time has come: the nearest to the
    start of those already due, or None. Earlier ones missed (Redbridge was down, or
    the event moved closer) are not sent as well: the nearest says it all."""
    if event.status != PublicationStatus.PUBLISHED or now >= event.starts_at:
        return None
    due = [
        int(offset)
        for offset in event.reminder_offsets
        if event.starts_at - timedelta(minutes=int(offset)) <= now
    ]
    return min(due) if due else None


async def queue_due_reminders(session: AsyncSession, now: datetime) -> int:
    """Queue each confirmed participant's reminder whose time has come, and commit, as the
    other housekeeping use cases do.

    A reminder goes only to people confirmed before its time (someone registering an
    hour before the start has their confirmation and needs no "starts soon"), and the
    dedupe key makes each one a once-only message however often this runs.
    """
    events = (
        await session.scalars(
            select(Event).where(
                Event.status == PublicationStatus.PUBLISHED,
                Event.starts_at > now,
                Event.starts_at <= now + timedelta(minutes=MAX_REMINDER_OFFSET),
            )
        )
    ).all()
    queued = 0
    for event in events:
        offset = due_offset(event, now)
        if offset is None:
            continue
        reminder_time = event.starts_at - timedelta(minutes=offset)
        registrations = await session.scalars(
            select(Registration).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.confirmed_at <= reminder_time,
            )
        )
        existing = set(
            await session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.event_id == event.id, OutboxMessage.kind == Kind.REMINDER
                )
            )
        )
        messages = [
            about(registration, Kind.REMINDER, key, {"offset": offset})
            for registration in registrations
            if (key := f"reminder:{registration.id}:{offset}") not in existing
        ]
        queued += await enqueue(session, now, messages)
    await session.commit()
    return queued
