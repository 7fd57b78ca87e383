"""A participant's own view: what they can book, what they hold, their preferences.

Every function that takes a registration id from a participant checks it is theirs,
so a forged button cannot touch another person's registration.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import PublicationStatus
from events.errors import NotFound
from events.languages import Language
from events.models import Event, Participant, Programme, Registration
from events.outbox import mark_blocked


async def open_programmes(session: AsyncSession) -> Sequence[Programme]:
    """Published programmes, in the order they were created."""
    rows = await session.scalars(
        select(Programme)
        .where(Programme.status == PublicationStatus.PUBLISHED)
        .order_by(Programme.id)
    )
    return rows.all()


async def upcoming_events(
    session: AsyncSession, now: datetime, programme_id: int | None = None
) -> Sequence[Event]:
    """Published events that have not started, soonest first."""
    query = (
        select(Event)
        .where(Event.status == PublicationStatus.PUBLISHED, Event.starts_at > now)
        .order_by(Event.starts_at, Event.id)
    )
    if programme_id is not None:
        query = query.where(Event.programme_id == programme_id)
    return (await session.scalars(query)).all()


async def public_event(session: AsyncSession, event_id: int) -> Event:
    """An event anyone may see: not a draft (``NotFound`` otherwise)."""
    event = await session.get(Event, event_id)
    if event is None or event.status == PublicationStatus.DRAFT:
        raise NotFound("event", event_id)
    return event


async def public_programme(session: AsyncSession, programme_id: int) -> Programme:
    programme = await session.get(Programme, programme_id)
    if programme is None or programme.status == PublicationStatus.DRAFT:
        raise NotFound("programme", programme_id)
    return programme


async def own_registration(
    session: AsyncSession, participant_id: int, registration_id: int
) -> Registration:
    """One of this participant's registrations (``NotFound`` for anyone else's)."""
    registration = await session.get(Registration, registration_id)
    if registration is None or registration.participant_id != participant_id:
        raise NotFound("registration", registration_id)
    return registration


async def own_registrations(
    session: AsyncSession, participant_id: int
) -> Sequence[tuple[Registration, Event]]:
    """This participant's registrations with their events, soonest event first."""
    rows = await session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.participant_id == participant_id)
        .order_by(Event.starts_at, Registration.id)
    )
    return [(registration, event) for registration, event in rows]


async def registration_for(
    session: AsyncSession, participant_id: int, event_id: int
) -> Registration | None:
    return await session.scalar(
        select(Registration).where(
            Registration.participant_id == participant_id, Registration.event_id == event_id
        )
    )


async def set_language(
    session: AsyncSession, now: datetime, participant: Participant, language: Language
) -> None:
    """Remember the language a participant reads; reminders follow it."""
    participant.language = language
    participant.updated_at = now
    await session.commit()


async def set_reachable(
    session: AsyncSession, now: datetime, telegram_user_id: int, reachable: bool
) -> None:
    """Record that a person blocked the bot (Telegram answers 403 or says so) or wrote to
    it again. Blocked, their pending messages are dropped: nothing could deliver them."""
    participant = await session.scalar(
        select(Participant).where(Participant.telegram_user_id == telegram_user_id)
    )
    if participant is not None and not reachable:
        await mark_blocked(session, now, participant.id)
    elif participant is not None and not participant.is_reachable:
        participant.is_reachable = True
        participant.updated_at = now
    await session.commit()
