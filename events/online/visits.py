"""Opening one's join redirect: attendance is recorded, then the person is forwarded."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import RegistrationStatus
from events.models import Event, Participant, Registration
from events.online.links import holds_online_seat
from events.store import lock_event

# People join a stream a little early; from then on opening the link counts as being there.
WINDOW_OPENS_BEFORE = timedelta(minutes=30)
# What a token can look like (``secrets.token_urlsafe``); anything else is not looked up.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class JoinRefusal(StrEnum):
    """Why a redirect does not forward; each has its own page."""

    UNKNOWN = "unknown"  # no such token (never was, erased, or replaced)
    PREVIEW = "preview"  # a link-preview robot, not the person: nothing counted or forwarded
    NO_SEAT = "no_seat"  # cancelled, not confirmed, moved to the room, or event cancelled
    NOT_YET = "not_yet"  # the window has not opened
    ENDED = "ended"  # the event is over
    NO_LINK = "no_link"  # the organisers have not set a link yet


@dataclass(frozen=True)
class JoinVisit:
    """Where to send the visitor (``url``), or why not (``refusal``), and the language of
    the ticket's holder for the page (None for an unknown token)."""

    url: str | None
    refusal: JoinRefusal | None
    language: str | None
    recorded: bool = False


async def open_join_link(
    session: AsyncSession, now: datetime, token: str, *, by_robot: bool = False
) -> JoinVisit:
    """Check a join token and, within the event's time window (from 30 minutes before
    the start to its end), record the holder's attendance like a check-in. Forwards only
    a confirmed online seat of an event that is on; commits when it records.

    ``by_robot``: the request comes from a link-preview robot (Telegram and chat apps
    fetch links shown in a message): it is neither counted nor forwarded."""
    registration = (
        await session.scalar(select(Registration).where(Registration.join_token == token))
        if TOKEN_SHAPE.match(token)
        else None
    )
    if registration is None:
        return JoinVisit(None, JoinRefusal.UNKNOWN, None)
    participant = await session.get(Participant, registration.participant_id)
    language = participant.language if participant is not None else None
    if by_robot:
        return JoinVisit(None, JoinRefusal.PREVIEW, language)
    event = await session.get(Event, registration.event_id)
    if event is not None and now >= event.ends_at:
        return JoinVisit(None, JoinRefusal.ENDED, language)
    if event is None or not holds_online_seat(registration, event):
        return JoinVisit(None, JoinRefusal.NO_SEAT, language)
    if not event.join_url:
        return JoinVisit(None, JoinRefusal.NO_LINK, language)
    if now < event.starts_at - WINDOW_OPENS_BEFORE:
        return JoinVisit(None, JoinRefusal.NOT_YET, language)
    recorded = False
    if registration.status == RegistrationStatus.CONFIRMED:
        event = await lock_event(session, event.id)
        await session.refresh(registration)
        if not holds_online_seat(registration, event) or not event.join_url:
            await session.rollback()
            return JoinVisit(None, JoinRefusal.NO_SEAT, language)
        if registration.status == RegistrationStatus.CONFIRMED:
            registration.status = RegistrationStatus.ATTENDED
            registration.checked_in_at = now
            registration.updated_at = now
            recorded = True
        url = event.join_url
        await session.commit()
        return JoinVisit(url, None, language, recorded)
    return JoinVisit(event.join_url, None, language)
