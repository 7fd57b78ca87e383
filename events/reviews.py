"""Reviewing an application-mode event: its targets, its applications with a private
score and note, and the balance so far (confirmed and proposed) against the targets.

Scores and notes are the organisers' own: nothing here is reachable from a participant's
side (``events.own_registrations`` never reads them).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.applicants import Application, load_applications
from events.audit import record
from events.editions import get_event
from events.enums import SEAT_HOLDING, RegistrationMode, RegistrationStatus
from events.errors import InvalidInput, InvalidTransition
from events.models import Event, Registration, SelectionProposal
from events.principals import Principal
from events.registrations import get_registration
from events.seats import choose_part, limits_of, part_filter
from events.selection import TargetResult, evaluate
from events.store import lock_event
from events.targets import PartSeats, SelectionTargets, ensure_fits, store_targets, targets_of

OPEN = "open"
# The longest private note an organiser may keep on an application (checked at the edges).
MAX_NOTE_LENGTH = 2000


def ensure_application_mode(event: Event) -> None:
    if event.mode != RegistrationMode.APPLICATION:
        raise InvalidTransition("only an application-mode event selects its participants")


async def get_targets(
    session: AsyncSession, viewer: Principal, event_id: int, participation: str | None = None
) -> SelectionTargets:
    """The targets of the event's part (which a hybrid event's caller must name)."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    return targets_of(event, choose_part(event, participation))


async def set_targets(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    event_id: int,
    targets: SelectionTargets,
    participation: str | None = None,
) -> SelectionTargets:
    """Store the targets of an application-mode event's part (replacing any before); a
    hybrid event's room and stream each have their own, so its caller names the part.

    Raises ``InvalidTransition`` for an open-mode event and ``InvalidInput`` (naming the
    field) for a target that cannot fit the part's capacity, quotas or the countries, or
    for a missing or impossible ``participation``.
    """
    event = await lock_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    ensure_application_mode(event)
    part = choose_part(event, participation)
    ensure_fits(targets, PartSeats.of(event, part))
    store_targets(event, part, targets)
    event.updated_at = now
    await record(
        session,
        now,
        actor,
        "event.selection_targets",
        "event",
        event.id,
        programme_id=event.programme_id,
        details={"participation": part.value, "targets": targets.model_dump(mode="json")},
    )
    await session.commit()
    return targets


# --- the applications ---------------------------------------------------------------


class SortBy(StrEnum):
    APPLIED = "applied"  # oldest first
    SCORE = "score"  # highest first, unscored last
    AGE = "age"  # youngest first, unknown last
    NAME = "name"


@dataclass(frozen=True)
class ApplicationFilter:
    status: RegistrationStatus | None = None
    country: str | None = None
    # A gender, or "undisclosed" for people who did not state one.
    gender: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    min_score: int | None = None
    max_score: int | None = None
    # Only unscored applications (``min_score``/``max_score`` are then ignored).
    unscored: bool = False
    # An answer's key and the value it must have (compared as text).
    answer: tuple[str, str] | None = None


def _matches(application: Application, where: ApplicationFilter) -> bool:
    registration = application.registration
    if where.status is not None and registration.status != where.status:
        return False
    if where.country is not None and registration.country != where.country:
        return False
    if where.gender is not None:
        stated = registration.gender or "undisclosed"
        if stated != where.gender:
            return False
    age = application.age
    if where.min_age is not None and (age is None or age < where.min_age):
        return False
    if where.max_age is not None and (age is None or age > where.max_age):
        return False
    score = registration.review_score
    if where.unscored:
        if score is not None:
            return False
    else:
        if where.min_score is not None and (score is None or score < where.min_score):
            return False
        if where.max_score is not None and (score is None or score > where.max_score):
            return False
    if where.answer is not None:
        key, value = where.answer
        given = registration.answers.get(key)
        if given is None or _as_text(given) != value:
            return False
    return True


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _sort_key(sort: SortBy) -> Any:
    def key(application: Application) -> tuple[Any, ...]:
        registration = application.registration
        if sort is SortBy.SCORE:
            score = registration.review_score
            return (score is None, -(score or 0), registration.created_at, registration.id)
        if sort is SortBy.AGE:
            age = application.age
            return (age is None, age or 0, registration.created_at, registration.id)
        if sort is SortBy.NAME:
            return (application.participant.name.casefold(), registration.id)
        return (registration.created_at, registration.id)

    return key


async def list_applications(
    session: AsyncSession,
    viewer: Principal,
    event_id: int,
    where: ApplicationFilter,
    sort: SortBy = SortBy.APPLIED,
) -> list[Application]:
    """An event's registrations with profile, answers, score and note, filtered and sorted."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    found = [a for a in await load_applications(session, event) if _matches(a, where)]
    return sorted(found, key=_sort_key(sort))


async def review(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    registration_id: int,
    score: int | None,
    note: str,
) -> Registration:
    """Set an application's private score (1-5, or None to clear it) and note."""
    registration = await get_registration(session, registration_id)
    event = await get_event(session, registration.event_id)
    actor.ensure_manages(event.programme_id)
    registration.review_score = score
    registration.review_note = note
    await record(
        session,
        now,
        actor,
        "registration.review",
        "registration",
        registration.id,
        programme_id=event.programme_id,
        # The score is the organisers' own; the note may name people, so it stays out.
        details={"score": score},
    )
    await session.commit()
    return registration


async def set_score(
    session: AsyncSession, now: datetime, actor: Principal, registration_id: int, score: int
) -> Registration:
    """Set an application's private score (1-5), leaving its note as it is.

    Raises ``InvalidInput`` for a score outside 1-5, ``Forbidden``, ``NotFound``.
    """
    if not 1 <= score <= 5:
        raise InvalidInput("score", "a score is 1 to 5")
    registration = await get_registration(session, registration_id)
    event = await get_event(session, registration.event_id)
    actor.ensure_manages(event.programme_id)
    registration.review_score = score
    await record(
        session,
        now,
        actor,
        "registration.review",
        "registration",
        registration.id,
        programme_id=event.programme_id,
        details={"score": score},
    )
    await session.commit()
    return registration


# --- balance ------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    event_id: int
    participation: str
    capacity: int
    confirmed: int
    proposed: int
    proposal_id: int | None
    targets: SelectionTargets
    results: list[TargetResult]


async def open_proposal(
    session: AsyncSession, event_id: int, participation: str
) -> SelectionProposal | None:
    """The part's open proposal, if there is one."""
    found: SelectionProposal | None = await session.scalar(
        select(SelectionProposal)
        .where(
            SelectionProposal.event_id == event_id,
            SelectionProposal.participation == participation,
            SelectionProposal.state == OPEN,
        )
        .order_by(SelectionProposal.id.desc())
        .limit(1)
    )
    return found


async def balance(
    session: AsyncSession, viewer: Principal, event_id: int, participation: str | None = None
) -> Balance:
    """Seats held plus the open proposal's selection, against the targets, of one part of
    the event (which a hybrid event's caller must name)."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    part = choose_part(event, participation)
    targets = targets_of(event, part)
    proposal = await open_proposal(session, event.id, part)
    proposed_ids = set(proposal.selected) if proposal is not None else set()
    applications = await load_applications(
        session, event, [*SEAT_HOLDING, RegistrationStatus.APPLIED], part_filter(event, part)
    )
    held = [a for a in applications if a.registration.status in SEAT_HOLDING]
    proposed = [
        a
        for a in applications
        if a.registration.status == RegistrationStatus.APPLIED
        and a.registration.id in proposed_ids
    ]
    group: Sequence[Application] = [*held, *proposed]
    return Balance(
        event_id=event.id,
        participation=part.value,
        capacity=limits_of(event, part).capacity,
        confirmed=len(held),
        proposed=len(proposed),
        proposal_id=proposal.id if proposal is not None else None,
        targets=targets,
        results=evaluate(targets, (a.applicant() for a in group)),
    )
