"""An event's registrations as the dashboard pages through them, and one person's card.

Filters (status, country, gender, language, a name fragment, an answer to one of the
event's questions) and paging are done by the database: the event page lists thousands
of registrations a page at a time. Every query is bounded by the event, which
``ix_registrations_event_status`` and ``ix_registrations_event_country`` serve; a name
or answer search scans only that event's rows.
"""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.dialects import dialect_of
from events.editions import get_event
from events.enums import SEAT_HOLDING, QuestionKind, RegistrationStatus
from events.errors import InvalidInput, NotFound
from events.inputs import MAX_ID
from events.models import AuditEntry, Event, Participant, Registration
from events.principals import Principal
from events.questions import questions_of
from events.seats import SeatLimits, limits_of, parts_of

PAGE_SIZE = 50
# Beyond this a page number is refused at the edge: 2,000 pages of 50 is 100,000 people.
MAX_PAGE = 2_000
MAX_SEARCH_LENGTH = 100
MAX_ANSWER_LENGTH = 100
# Beyond what a number question's answer can be (events.inputs bounds them far lower).
_NUMBER_DIGITS = 12


@dataclass(frozen=True, slots=True)
class AnswerFilter:
    """Registrations whose answer to ``question`` (its key) is ``value``: a choice's key,
    "yes" or "no", a whole number, or for a text question a fragment it contains.
    ``field`` is the caller's name for it, which a refusal names."""

    question: str
    value: str
    field: str = "answer"


@dataclass(frozen=True, slots=True)
class RegistrationFilter:
    status: RegistrationStatus | None = None
    country: str | None = None
    gender: str | None = None
    language: str | None = None
    name: str = ""
    answers: tuple[AnswerFilter, ...] = ()  # all of them


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    registration: Registration
    participant: Participant


@dataclass
class RegistrationPage:
    event: Event
    rows: list[RegistrationRow]
    total: int  # matching the filter
    page: int
    pages: int
    # Values present at this event, for the filters' choices.
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def _answered(event: Event, answer: AnswerFilter) -> ColumnElement[bool]:
    """The condition on the stored answers; ``InvalidInput`` on the filter's field for a
    question the event does not ask or a value its question cannot have."""
    questions = {question.key: question for question in questions_of(event.questions)}
    question = questions.get(answer.question)
    value = answer.value
    if question is None:
        raise InvalidInput(answer.field, "not a question of this event")
    if not value or len(value) > MAX_ANSWER_LENGTH:
        raise InvalidInput(answer.field, f"1 to {MAX_ANSWER_LENGTH} characters")
    stored = Registration.answers[question.key]
    match question.kind:
        case QuestionKind.CHOICE:
            if value not in {choice.key for choice in question.choices}:
                raise InvalidInput(answer.field, "not one of the question's choices")
            matches: ColumnElement[bool] = stored.as_string() == value
        case QuestionKind.YES_NO:
            if value not in ("yes", "no"):
                raise InvalidInput(answer.field, "yes or no")
            matches = stored.as_boolean() == (value == "yes")
        case QuestionKind.NUMBER:
            digits = value.removeprefix("-")
            if not (digits.isascii() and digits.isdigit()) or len(digits) > _NUMBER_DIGITS:
                raise InvalidInput(answer.field, "a whole number")
            matches = stored.as_integer() == int(value)
        case _:
            matches = stored.as_string().contains(value, autoescape=True)
    return matches


def _filtered(
    event: Event, where: RegistrationFilter, dialect: str
) -> Select[Registration, Participant]:
    query = (
        select(Registration, Participant)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.event_id == event.id)
    )
    for answer in where.answers:
        query = query.where(_answered(event, answer))
    if where.status is not None:
        query = query.where(Registration.status == where.status)
    if where.country:
        query = query.where(Registration.country == where.country)
    if where.gender:
        query = query.where(Registration.gender == where.gender)
    if where.language:
        query = query.where(Participant.language == where.language)
    fragment = where.name.strip()
    if fragment:
        # Case-blind in every script: SQLite's lower() folds ASCII only, and PostgreSQL's
        # follows the database's ctype (ASCII only under "C"), so there ICU's root
        # collation decides (PostgreSQL is built with ICU on Debian and in its images).
        # LIKE with the fragment escaped: "%" or "_" typed by the organiser match themselves.
        if dialect == "sqlite":
            name, fragment = func.redbridge_casefold(Participant.name), fragment.casefold()
        else:
            name = func.lower(Participant.name.collate("und-x-icu"))
            fragment = fragment.lower()
        query = query.where(name.contains(fragment, autoescape=True))
    return query


async def registration_page(
    session: AsyncSession, viewer: Principal, event_id: int, where: RegistrationFilter, page: int
) -> RegistrationPage:
    """One page (``PAGE_SIZE``, oldest first) of an event's registrations that match.

    Raises ``NotFound`` for an unknown event, ``Forbidden`` unless the viewer manages its
    programme, ``InvalidInput`` (naming its field) for an answer filter the event's
    questions cannot match. A page past the last one gives the last one.
    """
    event = await get_event(session, event_id) if 0 < event_id <= MAX_ID else None
    if event is None:
        raise NotFound("event", event_id)
    viewer.ensure_manages(event.programme_id)
    query = _filtered(event, where, dialect_of(session))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = await session.execute(
        query.order_by(Registration.created_at, Registration.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    countries = await session.scalars(
        select(Registration.country)
        .where(Registration.event_id == event.id, Registration.country.is_not(None))
        .distinct()
        .order_by(Registration.country)
    )
    languages = await session.scalars(
        select(Participant.language)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.event_id == event.id)
        .distinct()
        .order_by(Participant.language)
    )
    return RegistrationPage(
        event,
        [RegistrationRow(registration, person) for registration, person in rows],
        total,
        page,
        pages,
        [code for code in countries if code],
        list(languages),
    )


@dataclass
class PartSeats:
    """One part of an event (the room, or the stream): its limits and who holds them."""

    part: str
    limits: SeatLimits
    taken: int = 0
    waitlisted: int = 0
    offered: int = 0
    by_country: Counter[str] = field(default_factory=Counter)
    by_gender: Counter[str] = field(default_factory=Counter)


@dataclass
class SeatSummary:
    parts: list[PartSeats]
    by_status: Counter[str]
    open_offers: list[RegistrationRow]


async def seat_summary(session: AsyncSession, viewer: Principal, event_id: int) -> SeatSummary:
    """Seats, quotas (held per country and gender), waiting lines and open offers of an
    event the viewer manages. Raises ``NotFound``, ``Forbidden``."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    parts = {str(part): PartSeats(str(part), limits_of(event, part)) for part in parts_of(event)}
    only = next(iter(parts.values()))
    by_status: Counter[str] = Counter()
    rows = await session.execute(
        select(
            Registration.participation,
            Registration.status,
            Registration.country,
            Registration.gender,
            func.count(),
        )
        .where(Registration.event_id == event.id)
        .group_by(
            Registration.participation,
            Registration.status,
            Registration.country,
            Registration.gender,
        )
    )
    for participation, status, country, gender, number in rows:
        by_status[status] += number
        seats = parts.get(participation, only)
        if status in SEAT_HOLDING:
            seats.taken += number
            seats.by_country[country or ""] += number
            seats.by_gender[gender or ""] += number
        if status == RegistrationStatus.WAITLISTED:
            seats.waitlisted += number
        if status == RegistrationStatus.OFFERED:
            seats.offered += number
    offers = await session.execute(
        select(Registration, Participant)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.OFFERED,
        )
        .order_by(Registration.offer_expires_at, Registration.id)
        .limit(PAGE_SIZE)
    )
    return SeatSummary(
        list(parts.values()),
        by_status,
        [RegistrationRow(registration, person) for registration, person in offers],
    )


@dataclass
class PersonCard:
    event: Event
    registration: Registration
    participant: Participant
    history: list[AuditEntry]


async def person_card(
    session: AsyncSession, viewer: Principal, event_id: int, registration_id: int
) -> PersonCard:
    """One registration of an event the viewer manages, with its person, answers and what
    was done to it (the audit log). ``NotFound`` for a registration of another event."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    registration = (
        await session.get(Registration, registration_id) if 0 < registration_id <= MAX_ID else None
    )
    if registration is None or registration.event_id != event.id:
        raise NotFound("registration", registration_id)
    participant = await session.get(Participant, registration.participant_id)
    assert participant is not None  # a foreign key
    history = list(
        await session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.subject_type == "registration",
                AuditEntry.subject_id == registration.id,
            )
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )
    return PersonCard(event, registration, participant, history)
