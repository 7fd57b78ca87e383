"""Participants: profiles, look-up and erasure on request."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import TELEGRAM_TOKEN_ID, principal_of_token
from events.alumni.connections import forget_alumnus
from events.audit import record
from events.enums import ACTIVE, SEAT_HOLDING, RegistrationStatus
from events.errors import MustRegisterInBot, NotFound, ParticipantErased
from events.feedback.privacy import forget_answers
from events.inputs import ParticipantDetails
from events.models import Event, Participant, Registration
from events.outbox.queue import withdraw
from events.principals import Principal
from events.proposal_privacy import forget_in_proposals
from events.store import lock_event
from events.waitlist import fill_vacancies


async def upsert_participant(
    session: AsyncSession, now: datetime, details: ParticipantDetails
) -> Participant:
    """Create a participant, or update the one with this Telegram id. Does not commit."""
    participant = None
    if details.telegram_user_id is not None:
        participant = await session.scalar(
            select(Participant).where(Participant.telegram_user_id == details.telegram_user_id)
        )
    if participant is None:
        participant, _created = await _create(session, now, details.telegram_user_id)
    _describe(participant, now, details)
    await session.flush()
    return participant


async def participant_for_organiser(
    session: AsyncSession, now: datetime, actor: Principal, details: ParticipantDetails
) -> Participant:
    """The person an organiser registers (a phone or paper sign-up). Does not commit.

    Without a Telegram id, or with one nobody has yet, a new profile is made from
    ``details``. A Telegram user who already has a profile is linked as they are, never
    changed (what people say about themselves is theirs), and only when ``actor``
    already sees them (an admin, or someone registered in ``actor``'s programmes):
    anyone else raises ``MustRegisterInBot``, so that a registration can neither
    overwrite a profile nor show it to an organiser it was never given to.
    """
    if details.telegram_user_id is not None:
        existing = await find_by_telegram_id(session, details.telegram_user_id)
        if existing is not None:
            return await _linked(session, actor, existing)
    participant, created = await _create(session, now, details.telegram_user_id)
    if not created:  # a concurrent request made them a moment ago
        return await _linked(session, actor, participant)
    _describe(participant, now, details)
    await session.flush()
    return participant


async def _linked(session: AsyncSession, actor: Principal, person: Participant) -> Participant:
    if not await _sees(session, actor, person.id):
        raise MustRegisterInBot(
            "this Telegram user already has a profile that is theirs to give: ask them "
            "to register in the bot (send them the event's link)"
        )
    return person


def _describe(participant: Participant, now: datetime, details: ParticipantDetails) -> None:
    participant.name = details.name
    participant.language = details.language
    participant.country = details.country
    participant.gender = details.gender
    participant.birth_year = details.birth_year
    participant.consented_at = participant.consented_at or now
    participant.updated_at = now


async def _create(
    session: AsyncSession, now: datetime, telegram_user_id: int | None
) -> tuple[Participant, bool]:
    """A new participant, or the one a concurrent request made a moment ago (then False)."""
    participant = Participant(telegram_user_id=telegram_user_id, created_at=now, updated_at=now)
    try:
        async with session.begin_nested():
            session.add(participant)
    except IntegrityError:
        # The same Telegram user was created a moment ago by a concurrent request.
        existing = await find_by_telegram_id(session, telegram_user_id or 0)
        if existing is None:
            raise
        return existing, False
    return participant, True


async def save_participant(
    session: AsyncSession, now: datetime, details: ParticipantDetails
) -> Participant:
    """Create or update a profile and commit it."""
    participant = await upsert_participant(session, now, details)
    await session.commit()
    return participant


async def get_participant(session: AsyncSession, participant_id: int) -> Participant:
    participant = await session.get(Participant, participant_id)
    if participant is None:
        raise NotFound("participant", participant_id)
    return participant


# Read on every bot update; building the statement cost more than running it.
_BY_TELEGRAM_USER = select(Participant).where(
    Participant.telegram_user_id == bindparam("telegram_user_id")
)


async def find_by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Participant | None:
    return await session.scalar(_BY_TELEGRAM_USER, {"telegram_user_id": telegram_user_id})


@dataclass(frozen=True)
class TelegramPerson:
    """Who wrote to the bot: their participant record and their organiser role, if any."""

    participant: Participant | None
    organiser: Principal | None


# One row whatever exists: the Telegram id, the participant with it (or nulls) and the
# id of the account's organiser token (or null).
_ME = select(bindparam("telegram_user_id", type_=BigInteger).label("id")).subquery("me")
_PERSON = (
    select(Participant, TELEGRAM_TOKEN_ID.label("token_id"))
    .select_from(_ME)
    .outerjoin(Participant, Participant.telegram_user_id == _ME.c.id)
)


async def find_telegram_person(session: AsyncSession, telegram_user_id: int) -> TelegramPerson:
    """The participant and organiser role of a Telegram account, in one statement for
    both: the bot reads them for every update."""
    row = (await session.execute(_PERSON, {"telegram_user_id": telegram_user_id})).one()
    participant, token_id = row
    organiser = None if token_id is None else await principal_of_token(session, token_id)
    return TelegramPerson(participant, organiser)


async def visible_participant(
    session: AsyncSession, viewer: Principal, participant_id: int
) -> Participant:
    """A participant as an organiser may see them: only people registered for their
    programmes (else ``NotFound``, so ids cannot be probed)."""
    participant = await get_participant(session, participant_id)
    if not await _sees(session, viewer, participant_id):
        raise NotFound("participant", participant_id)
    return participant


async def _sees(session: AsyncSession, viewer: Principal, participant_id: int) -> bool:
    """Is the person registered (in any state) in a programme the viewer manages?"""
    if viewer.is_admin:
        return True
    programme_ids = await session.scalars(
        select(Event.programme_id)
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.participant_id == participant_id)
    )
    return any(viewer.can_manage(programme_id) for programme_id in programme_ids)


async def find_visible_by_telegram_id(
    session: AsyncSession, viewer: Principal, telegram_user_id: int
) -> list[Participant]:
    participant = await find_by_telegram_id(session, telegram_user_id)
    if participant is None:
        return []
    try:
        return [await visible_participant(session, viewer, participant.id)]
    except NotFound:
        return []


async def visible_registrations_of(
    session: AsyncSession, viewer: Principal, participant_id: int
) -> list[Registration]:
    """A person's registrations in the programmes the viewer manages."""
    rows = await session.execute(
        select(Registration, Event.programme_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.participant_id == participant_id)
        .order_by(Registration.created_at, Registration.id)
    )
    return [registration for registration, programme_id in rows if viewer.can_manage(programme_id)]


async def registrations_of(session: AsyncSession, participant_id: int) -> Sequence[Registration]:
    rows = await session.scalars(
        select(Registration)
        .where(Registration.participant_id == participant_id)
        .order_by(Registration.created_at)
    )
    return rows.all()


def _by_event(registration: Registration) -> tuple[int, int]:
    return registration.event_id, registration.id


async def erase_participant(
    session: AsyncSession, now: datetime, actor: Principal | None, participant_id: int
) -> Participant:
    """Forget a person: personal data and answers go, counts stay.

    Active registrations for events that have not started are cancelled (their seats
    are offered on); the registration rows stay, keeping only status, country and
    gender for the statistics. ``actor`` is None when the person asks from the bot;
    otherwise it must be an admin. Raises ``ParticipantErased`` if already erased.
    """
    if actor is not None:
        actor.ensure_admin()
    participant = await get_participant(session, participant_id)
    if participant.erased_at is not None:
        raise ParticipantErased("this participant's data was already erased")
    # Lock events in id order, as every multi-event transaction must, so two erasures
    # cannot deadlock on PostgreSQL.
    registrations = sorted(await registrations_of(session, participant_id), key=_by_event)
    for registration in registrations:
        event = await lock_event(session, registration.event_id)
        await session.refresh(registration)
        status = RegistrationStatus(registration.status)
        registration.answers = {}
        registration.ticket_code = None
        registration.join_token = None
        # Organisers' notes and scores are about the person: they go too.
        registration.review_note = ""
        registration.review_score = None
        registration.updated_at = now
        if status in ACTIVE and now < event.starts_at:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration.cancel_reason = "erased"
            registration.offer_expires_at = None
            if status in SEAT_HOLDING:
                await session.flush()
                await fill_vacancies(session, event, now)
    await forget_in_proposals(
        session, {r.event_id for r in registrations}, [r.id for r in registrations]
    )
    await withdraw(session, participant_id=participant_id)
    await forget_alumnus(session, participant_id, participant.telegram_user_id)
    await forget_answers(session, participant_id)
    participant.telegram_user_id = None
    participant.name = ""
    participant.country = None
    participant.gender = None
    participant.birth_year = None
    participant.consented_at = None
    participant.is_reachable = False
    participant.calendar_token = None
    participant.erased_at = now
    participant.updated_at = now
    if actor is not None:
        await record(session, now, actor, "participant.erase", "participant", participant_id)
    await session.commit()
    return participant
