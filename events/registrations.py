"""Registering, applying, deciding, cancelling and checking in."""

import secrets
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import telegram_principal
from events.audit import record
from events.eligibility import ensure_eligible
from events.enums import (
    ACTIVE,
    SEAT_HOLDING,
    Decision,
    Participation,
    PublicationStatus,
    RegistrationMode,
    RegistrationStatus,
)
from events.errors import (
    AlreadyCheckedIn,
    AlreadyRegistered,
    EventCancelled,
    EventNotOpen,
    InvalidTransition,
    NoSeatAvailable,
    NotFound,
    ParticipantErased,
    RegistrationClosed,
    TicketNotValid,
)
from events.inputs import ParticipantDetails
from events.models import Event, Participant, Registration
from events.online.links import new_join_token
from events.outbox.notices import queue_confirmation, queue_decision, withdraw_for_registration
from events.participants import participant_for_organiser, upsert_participant
from events.principals import Principal
from events.questions import questions_of, validate_answers
from events.seats import blocking_limit, choose_part, held_in_part
from events.store import lock_event
from events.waitlist import fill_vacancies, waiting_ahead


def ensure_open(event: Event, now: datetime) -> None:
    """Raise unless the event takes registrations at ``now``."""
    if event.status == PublicationStatus.CANCELLED:
        raise EventCancelled("the event was cancelled")
    if event.status != PublicationStatus.PUBLISHED:
        raise EventNotOpen("the event is not open for registration")
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise RegistrationClosed("registration has not opened yet")
    closes_at = event.registration_closes_at or event.starts_at
    if now >= closes_at or now >= event.starts_at:
        raise RegistrationClosed("registration has closed")


def new_ticket_code() -> str:
    """Twelve URL-safe random characters (72 bits) starting with a letter or a digit.

    One code in 64 would otherwise start with "-", which spreadsheets read as a formula
    when an organiser opens the CSV export (and the export keeps codes exact).
    """
    while True:
        code = secrets.token_urlsafe(9)
        if code[0].isalnum():
            return code


async def register(
    session: AsyncSession,
    now: datetime,
    event_id: int,
    participant_id: int,
    answers: Mapping[str, object] | None = None,
    participation: str | None = None,
) -> Registration:
    """Register a participant (open mode) or record their application (application mode).

    Open mode confirms while the capacity and quotas allow and waitlists otherwise; at a
    hybrid event that is for the part chosen (``participation``, which it needs).
    Raises ``EventCancelled``, ``EventNotOpen``, ``RegistrationClosed``,
    ``NotEligible``, ``AlreadyRegistered``, ``InvalidAnswers``, ``ParticipantErased``
    or ``InvalidInput`` (``participation``); nothing is stored when it raises.
    """
    registration = await _register(session, now, event_id, participant_id, answers, participation)
    await session.commit()
    return registration


async def _register(
    session: AsyncSession,
    now: datetime,
    event_id: int,
    participant_id: int,
    answers: Mapping[str, object] | None,
    participation: str | None = None,
) -> Registration:
    event = await lock_event(session, event_id)
    participant = await session.get(Participant, participant_id, populate_existing=True)
    if participant is None:
        raise NotFound("participant", participant_id)
    if participant.erased_at is not None:
        raise ParticipantErased("this participant's data was erased")
    ensure_open(event, now)
    existing = await session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.participant_id == participant.id
        )
    )
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegistered(existing.id, existing.status)
    ensure_eligible(event, participant)
    part = choose_part(event, participation)
    cleaned = validate_answers(questions_of(event.questions), answers or {})

    registration = existing or Registration(
        event_id=event.id, participant_id=participant.id, created_at=now
    )
    registration.answers = cleaned
    registration.country = participant.country
    registration.gender = participant.gender
    registration.ticket_code = registration.ticket_code or new_ticket_code()
    registration.updated_at = now
    registration.cancelled_at = None
    registration.cancel_reason = None
    registration.confirmed_at = None
    registration.waitlisted_at = None
    registration.participation = part
    # A new secret each time: a link from an earlier, cancelled registration stays dead.
    registration.join_token = new_join_token() if part == Participation.ONLINE else None
    if event.mode == RegistrationMode.APPLICATION:
        registration.status = RegistrationStatus.APPLIED
    else:
        counts = await held_in_part(session, event, part)
        limit = blocking_limit(event, counts, participant.country, participant.gender, part)
        if limit is None:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
        else:
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlisted_at = now
    session.add(registration)
    await session.flush()
    return registration


async def register_person(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    event_id: int,
    details: ParticipantDetails,
    answers: Mapping[str, object] | None = None,
    participation: str | None = None,
) -> Registration:
    """An organiser registers someone (a phone or paper sign-up) under the same rules.

    A Telegram user who already has a profile is registered as they are, whatever
    ``details`` say; ``MustRegisterInBot`` when the actor does not already see them
    (see ``participant_for_organiser``).
    """
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    actor.ensure_manages(event.programme_id)
    participant = await participant_for_organiser(session, now, actor, details)
    registration = await _register(session, now, event_id, participant.id, answers, participation)
    await queue_confirmation(session, now, registration)
    await record(
        session,
        now,
        actor,
        "registration.create",
        "registration",
        registration.id,
        programme_id=event.programme_id,
    )
    await session.commit()
    return registration


async def get_registration(session: AsyncSession, registration_id: int) -> Registration:
    registration = await session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("registration", registration_id)
    return registration


async def visible_registration(
    session: AsyncSession, viewer: Principal, registration_id: int
) -> Registration:
    """A registration of a programme the viewer manages (``NotFound`` otherwise, so ids
    of other programmes cannot be probed)."""
    registration = await get_registration(session, registration_id)
    event = await session.get(Event, registration.event_id)
    if event is None or not viewer.can_manage(event.programme_id):
        raise NotFound("registration", registration_id)
    return registration


async def decide(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    registration_id: int,
    decision: Decision,
) -> Registration:
    """Confirm, waitlist or reject an application (or confirm/reject someone waitlisted).

    Confirming raises ``NoSeatAvailable`` when the capacity or a quota is reached.
    """
    registration = await get_registration(session, registration_id)
    event = await lock_event(session, registration.event_id)
    await session.refresh(registration)
    actor.ensure_manages(event.programme_id)
    if event.status == PublicationStatus.CANCELLED:
        raise EventCancelled("the event was cancelled")
    status = RegistrationStatus(registration.status)
    allowed = {
        RegistrationStatus.APPLIED: set(Decision),
        RegistrationStatus.WAITLISTED: {Decision.CONFIRM, Decision.REJECT},
    }
    if decision not in allowed.get(status, set()):
        raise InvalidTransition(f"cannot {decision.value} a registration that is {status.value}")
    if decision is Decision.CONFIRM:
        part = registration.participation
        counts = await held_in_part(session, event, part)
        limit = blocking_limit(event, counts, registration.country, registration.gender, part)
        if limit is not None:
            raise NoSeatAvailable(f"confirming would exceed the {limit.value.replace('_', ' ')}")
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    elif decision is Decision.WAITLIST:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    else:
        registration.status = RegistrationStatus.REJECTED
    registration.updated_at = now
    position = None
    if registration.status == RegistrationStatus.WAITLISTED:
        position = await waiting_ahead(session, event, registration) + 1
    await queue_decision(session, now, registration, position)
    await record(
        session,
        now,
        actor,
        f"registration.{decision.value}",
        "registration",
        registration.id,
        programme_id=event.programme_id,
        details={"from": status.value},
    )
    await session.commit()
    return registration


async def cancel_registration(
    session: AsyncSession,
    now: datetime,
    registration_id: int,
    *,
    actor: Principal | None = None,
    reason: str = "participant",
) -> list[Registration]:
    """Cancel a registration before the event starts; returns the offers the freed seat made.

    ``actor`` is the organiser when they cancel on someone's behalf (checked and
    audited); None when the participant cancels themselves.
    """
    registration = await get_registration(session, registration_id)
    event = await lock_event(session, registration.event_id)
    await session.refresh(registration)
    if actor is not None:
        actor.ensure_manages(event.programme_id)
    status = RegistrationStatus(registration.status)
    if status not in ACTIVE:
        raise InvalidTransition(f"a registration that is {status.value} cannot be cancelled")
    if now >= event.starts_at:
        raise InvalidTransition("the event has already started")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancel_reason = reason
    registration.offer_expires_at = None
    registration.join_token = None  # the join redirect dies with the registration
    registration.updated_at = now
    await withdraw_for_registration(session, registration.id)
    offers = await fill_vacancies(session, event, now) if status in SEAT_HOLDING else []
    if actor is not None:
        await record(
            session,
            now,
            actor,
            "registration.cancel",
            "registration",
            registration.id,
            programme_id=event.programme_id,
        )
    await session.commit()
    return offers


async def check_in(
    session: AsyncSession, now: datetime, actor: Principal, event_id: int, ticket_code: str
) -> Registration:
    """Mark a confirmed ticket of this event as attended.

    Raises ``TicketNotValid`` for an unknown code, another event's ticket or one that
    is not confirmed, ``AlreadyCheckedIn`` for a second scan.
    """
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    actor.ensure_checks_in(event.programme_id)
    registration = await _ticket(session, ticket_code)
    if registration.event_id != event.id:
        raise TicketNotValid("this ticket is not valid for this event")
    return await _check_in(session, now, actor, event, registration)


async def check_in_ticket(
    session: AsyncSession, now: datetime, actor: Principal, ticket_code: str
) -> tuple[Registration, Event, str]:
    """Check in whatever event a scanned ticket is for; returns it with the person's name.

    Same refusals as ``check_in``; ``Forbidden`` if the event is not the actor's.
    """
    registration = await _ticket(session, ticket_code)
    event = await session.get(Event, registration.event_id)
    participant = await session.get(Participant, registration.participant_id)
    if event is None or participant is None:
        raise TicketNotValid("this ticket is not valid")
    actor.ensure_checks_in(event.programme_id)
    return await _check_in(session, now, actor, event, registration), event, participant.name


async def check_in_from_chat(
    session: AsyncSession, now: datetime, telegram_user_id: int, ticket_code: str
) -> tuple[Registration, Event, str] | None:
    """A ticket's QR link opened in the bot: None if the person is no organiser or
    checker (to them it is only a ticket), else ``check_in_ticket`` as that person."""
    actor = await telegram_principal(session, telegram_user_id)
    if actor is None:
        return None
    return await check_in_ticket(session, now, actor, ticket_code)


async def _ticket(session: AsyncSession, ticket_code: str) -> Registration:
    registration = await session.scalar(
        select(Registration).where(Registration.ticket_code == ticket_code.strip())
    )
    if registration is None:
        raise TicketNotValid("this ticket is not valid")
    return registration


async def _check_in(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    event: Event,
    registration: Registration,
) -> Registration:
    if event.status == PublicationStatus.CANCELLED:
        raise EventCancelled("the event was cancelled")
    if registration.status == RegistrationStatus.ATTENDED:
        raise AlreadyCheckedIn("this ticket was already checked in")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise TicketNotValid(f"this ticket is {registration.status}, not confirmed")
    registration.status = RegistrationStatus.ATTENDED
    registration.checked_in_at = now
    registration.updated_at = now
    await record(
        session,
        now,
        actor,
        "registration.check_in",
        "registration",
        registration.id,
        programme_id=event.programme_id,
    )
    await session.commit()
    return registration


async def sign_up(
    session: AsyncSession,
    now: datetime,
    details: ParticipantDetails,
    event_id: int,
    answers: Mapping[str, object] | None = None,
    participation: str | None = None,
) -> Registration:
    """A person registers themselves from the bot: their profile is saved with the
    registration, in one transaction, under the rules of ``register``."""
    participant = await upsert_participant(session, now, details)
    registration = await _register(session, now, event_id, participant.id, answers, participation)
    await session.commit()
    return registration
