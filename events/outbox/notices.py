"""Which messages a change to registrations or events puts in the outbox.

Use cases call the ``queue_*`` functions inside their own transaction (nothing here
commits). Whether each message still holds when its turn comes is decided in
``events.outbox.verdicts``, by the rules that match what is queued here.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import ACTIVE, Participation, RegistrationStatus
from events.models import Event, Registration
from events.outbox.queue import Kind, Message, enqueue, withdraw

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


async def queue_decision(
    session: AsyncSession, now: datetime, registration: Registration, position: int | None = None
) -> None:
    """An organiser decided on an application (or confirmed someone waitlisted); a
    waitlisted person is told their ``position`` in line."""
    key = f"decision:{registration.id}:{registration.status}:{_stamp(now)}"
    params: dict[str, Any] = {"status": registration.status}
    if position is not None:
        params["position"] = position
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


async def queue_event_cancelled(session: AsyncSession, now: datetime, event: Event) -> None:
    """Tell everyone registered, and drop the event's pending reminders and offers."""
    await withdraw(session, event_id=event.id)
    messages = [
        about(registration, Kind.EVENT_CANCELLED, f"event-cancelled:{event.id}:{registration.id}")
        for registration in await _active_registrations(session, event.id)
    ]
    await enqueue(session, now, messages)


async def queue_join_link_changed(session: AsyncSession, now: datetime, event: Event) -> None:
    """The organisers set, changed or removed the join link: everyone with a confirmed
    online seat hears of a new one (their own redirect stays the same and now leads to
    it), and their registrations count as changed, so personal feeds are rebuilt."""
    rows = await session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.participation == Participation.ONLINE,
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED]),
            Registration.join_token.is_not(None),
        )
    )
    changed = _stamp(now)
    seated = list(rows)
    for registration in seated:
        registration.updated_at = now
    if not event.join_url:
        return
    messages = [
        about(
            registration,
            Kind.JOIN_LINK_CHANGED,
            f"join-link:{event.id}:{changed}:{registration.id}",
            {"changed_at": changed},
        )
        for registration in seated
    ]
    await enqueue(session, now, messages)


async def withdraw_for_registration(session: AsyncSession, registration_id: int) -> None:
    """A registration ended: its pending reminders, offers and warnings no longer apply."""
    await withdraw(session, registration_id=registration_id)
