"""Which messages a change to registrations or events puts in the outbox, and whether a
queued message still holds when its turn comes.

Use cases call the ``queue_*`` functions inside their own transaction. Reminders are
queued by the ``queue_due_reminders`` job when their time has come, so moving an event
moves its reminders without rewriting rows, and reminders whose time passed while
Redbridge was down go out on start, as long as the event is still ahead.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import ACTIVE, PublicationStatus, RegistrationStatus
from events.inputs import MAX_REMINDER_OFFSET
from events.models import Broadcast, Event, OutboxMessage, Registration
from events.outbox import Claimed, Kind, Message, State, enqueue, withdraw

# An offer's expiry warning goes out this long before the end, or at a quarter of the
# offer's time for short offers.
OFFER_WARNING = timedelta(hours=6)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def about(
    registration: Registration,
    kind: Kind,
    key: str,
    params: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> Message:
    """A message to a registration's participant, about that registration."""
    return Message(
        participant_id=registration.participant_id,
        kind=kind,
        dedupe_key=key,
        params=params or {},
        event_id=registration.event_id,
        registration_id=registration.id,
        due_at=due_at,
    )


async def queue_offers(
    session: AsyncSession, now: datetime, offers: Iterable[Registration]
) -> None:
    """A seat was offered: the offer at once, a warning before it expires."""
    messages = []
    made = _stamp(now)
    for registration in offers:
        expires_at = registration.offer_expires_at
        if expires_at is None:
            continue
        lead = min(OFFER_WARNING, (expires_at - now) / 4)
        for kind, due_at in ((Kind.OFFER, now), (Kind.OFFER_EXPIRING, expires_at - lead)):
            key = f"{kind.value}:{registration.id}:{made}"
            messages.append(about(registration, kind, key, {"offered_at": made}, due_at))
    await enqueue(session, now, messages)


async def queue_offer_expired(
    session: AsyncSession, now: datetime, registrations: Iterable[Registration]
) -> None:
    messages = [
        about(registration, Kind.OFFER_EXPIRED, f"offer-expired:{registration.id}")
        for registration in registrations
    ]
    await enqueue(session, now, messages)


async def queue_decision(session: AsyncSession, now: datetime, registration: Registration) -> None:
    """An organiser decided on an application (or confirmed someone waitlisted)."""
    key = f"decision:{registration.id}:{registration.status}:{_stamp(now)}"
    params = {"status": registration.status}
    await enqueue(session, now, [about(registration, Kind.DECISION, key, params)])


async def queue_confirmation(
    session: AsyncSession, now: datetime, registration: Registration
) -> None:
    """Someone was registered by an organiser (not in a chat, where the bot answers)."""
    key = f"confirmation:{registration.id}"
    params = {"status": registration.status}
    await enqueue(session, now, [about(registration, Kind.CONFIRMATION, key, params)])


async def _active_registrations(session: AsyncSession, event_id: int) -> Sequence[Registration]:
    rows = await session.scalars(
        select(Registration).where(
            Registration.event_id == event_id, Registration.status.in_(list(ACTIVE))
        )
    )
    return rows.all()


async def queue_event_changed(session: AsyncSession, now: datetime, event: Event) -> None:
    """The date, time or place changed: everyone still registered hears of it."""
    messages = [
        about(
            registration,
            Kind.EVENT_CHANGED,
            f"event-changed:{event.id}:{event.sequence}:{registration.id}",
            {"sequence": event.sequence},
        )
        for registration in await _active_registrations(session, event.id)
    ]
    await enqueue(session, now, messages)


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


async def queue_event_cancelled(session: AsyncSession, now: datetime, event: Event) -> None:
    """Tell everyone registered, and drop the event's pending reminders and offers."""
    await withdraw(session, event_id=event.id)
    messages = [
        about(registration, Kind.EVENT_CANCELLED, f"event-cancelled:{event.id}:{registration.id}")
        for registration in await _active_registrations(session, event.id)
    ]
    await enqueue(session, now, messages)


async def withdraw_for_registration(session: AsyncSession, registration_id: int) -> None:
    """A registration ended: its pending reminders, offers and warnings no longer apply."""
    await withdraw(session, registration_id=registration_id)


# --- Reminders ----------------------------------------------------------------------------


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
    """Queue each confirmed participant's reminder whose time has come (not committed).

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
    return queued


# --- When a queued message's turn comes -----------------------------------------------------


@dataclass(frozen=True)
class Ready:
    """Send it; what the template needs."""

    message: Claimed
    event: Event | None
    registration: Registration | None
    broadcast: Broadcast | None


@dataclass(frozen=True)
class Obsolete:
    """Do not send it: it is no longer true."""

    reason: str


@dataclass(frozen=True)
class Later:
    """Not yet: the event moved, so the reminder's time moved with it."""

    due_at: datetime


Verdict = Ready | Obsolete | Later


async def examine(session: AsyncSession, now: datetime, message: Claimed) -> Verdict:
    """Whether a claimed message still holds, and the records its template needs."""
    event = await session.get(Event, message.event_id) if message.event_id else None
    registration = (
        await session.get(Registration, message.registration_id)
        if message.registration_id
        else None
    )
    broadcast = (
        await session.get(Broadcast, message.broadcast_id) if message.broadcast_id else None
    )
    if message.chat_id is None:
        return Obsolete("the person has no Telegram chat (erased or added by an organiser)")
    reason = _obsolete(now, message, event, registration, broadcast)
    if reason is Later:
        assert event is not None
        offset = int(message.params["offset"])
        return Later(event.starts_at - timedelta(minutes=offset))
    if isinstance(reason, str):
        return Obsolete(reason)
    return Ready(message, event, registration, broadcast)


def _obsolete(
    now: datetime,
    message: Claimed,
    event: Event | None,
    registration: Registration | None,
    broadcast: Broadcast | None,
) -> str | type[Later] | None:
    kind = message.kind
    if kind == Kind.BROADCAST:
        if broadcast is None or broadcast.state == "cancelled":
            return "the broadcast was cancelled"
        return None
    if event is None or registration is None:
        return "the event or registration is gone"
    status = registration.status
    if kind == Kind.EVENT_CANCELLED:
        return None
    if event.status == PublicationStatus.CANCELLED:
        return "the event was cancelled"
    if now >= event.starts_at:
        return "the event has begun"
    if kind == Kind.REMINDER:
        if status != RegistrationStatus.CONFIRMED:
            return f"the registration is {status}"
        offset = int(message.params["offset"])
        if event.starts_at - timedelta(minutes=offset) > now:
            return Later
        nearest = due_offset(event, now)
        if nearest is not None and nearest < offset:
            return "a nearer reminder replaces it"
        return None
    if kind in (Kind.OFFER, Kind.OFFER_EXPIRING):
        expires = registration.offer_expires_at
        if status != RegistrationStatus.OFFERED or expires is None or expires <= now:
            return "the offer is no longer open"
        return None
    if kind in (Kind.DECISION, Kind.CONFIRMATION):
        if status != message.params.get("status"):
            return f"the registration is {status} now"
        return None
    if kind == Kind.EVENT_CHANGED:
        if status not in ACTIVE:
            return f"the registration is {status}"
        if event.sequence != message.params.get("sequence"):
            return "a newer change notice follows"
        return None
    return None  # OFFER_EXPIRED: a fact that stays true
