"""Whether a queued message still holds when its turn comes, at send time.

A message is queued when something happens and sent later, after more may have
happened: the offer was taken, the event was cancelled or moved, a nearer reminder is
due. The dispatcher asks ``examine`` for each claimed row and sends only a ``Ready``
one; the rules mirror what ``notices`` and ``reminders`` queue.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.notices import ConnectionNotice, connection_notice
from events.enums import ACTIVE, PublicationStatus, RegistrationStatus
from events.feedback.notices import SurveyNotice, survey_notice
from events.models import Broadcast, Event, Registration
from events.online.links import holds_online_seat
from events.outbox.delivery import Claimed
from events.outbox.queue import Kind
from events.outbox.reminders import due_offset


@dataclass(frozen=True)
class Ready:
    """Send it; what the template needs."""

    message: Claimed
    event: Event | None
    registration: Registration | None
    broadcast: Broadcast | None
    # For contact requests between alumni (``events.alumni.notices``).
    connection: ConnectionNotice | None = None
    # For a feedback survey or its reminder (``events.feedback.notices``).
    survey: SurveyNotice | None = None


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
    if message.kind in (Kind.CONTACT_REQUEST, Kind.CONTACT_ACCEPTED):
        notice = await connection_notice(
            session, message.kind, message.params.get("connection_id")
        )
        if isinstance(notice, str):
            return Obsolete(notice)
        return Ready(message, None, None, None, notice)
    if message.kind in (Kind.FEEDBACK, Kind.FEEDBACK_REMINDER):
        survey = await survey_notice(
            session,
            now,
            message.params.get("invitation_id"),
            reminder=message.kind == Kind.FEEDBACK_REMINDER,
        )
        if isinstance(survey, str):
            return Obsolete(survey)
        if event is None:
            return Obsolete("the event is gone")
        return Ready(message, event, registration, None, survey=survey)
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
    if kind == Kind.JOIN_LINK_CHANGED:
        # A new link matters while the event runs too (a stream that broke and restarted).
        if now >= event.ends_at:
            return "the event is over"
        if not holds_online_seat(registration, event) or not event.join_url:
            return "the person no longer holds an online seat"
        return None
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
