"""Proposals of an application-mode event: make one, adjust it, confirm it in one step.

A proposal is ``events.selection.propose`` over the event's open applications, stored
with its seed, algorithm version, targets and inputs (and their digest), so anyone can
re-run it. Confirming decides every application it covers in one transaction: seats,
waitlist places (in order) and refusals, an audit entry each naming the proposal, and
one outbox message each whose dedupe key names the proposal, so a retried or
interrupted confirmation neither decides nor tells anyone twice.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.applicants import load_applications
from events.audit import record
from events.enums import SEAT_HOLDING, PublicationStatus, RegistrationStatus
from events.errors import (
    Conflict,
    EventCancelled,
    InvalidInput,
    InvalidTransition,
    NoSeatAvailable,
    NotFound,
)
from events.models import Event, Registration, SelectionProposal
from events.outbox.notices import about
from events.outbox.queue import Kind, enqueue
from events.principals import Principal
from events.reviews import OPEN, ensure_application_mode
from events.seats import blocking_limit, choose_part, held_in_part, limits_of, part_filter
from events.selection import (
    ALGORITHM_VERSION,
    Applicant,
    Quotas,
    TargetResult,
    audit_inputs,
    evaluate,
    propose,
)
from events.store import lock_event
from events.targets import SelectionTargets, targets_of
from events.waitlist import waitlist_length

CONFIRMED = "confirmed"
SUPERSEDED = "superseded"
# Seeds stay within what JSON numbers carry exactly everywhere.
MAX_SEED = 2**53 - 1


@dataclass(frozen=True)
class ProposalView:
    proposal: SelectionProposal
    results: list[TargetResult]

    @property
    def missed(self) -> dict[str, int]:
        return {result.name: result.missed_by for result in self.results if result.missed_by}


def _people(rows: list[list[Any]]) -> dict[int, Applicant]:
    return {int(row[0]): Applicant(*row) for row in rows}


def view_of(proposal: SelectionProposal) -> ProposalView:
    """The proposal with its balance as it stands (after any swaps), from its own inputs."""
    targets = SelectionTargets.model_validate(proposal.targets)
    pool = _people(proposal.inputs["applicants"])
    held = list(_people(proposal.inputs["held"]).values())
    chosen = [pool[key] for key in proposal.selected]
    return ProposalView(proposal, evaluate(targets, [*held, *chosen]))


async def _event_of(session: AsyncSession, actor: Principal, event_id: int) -> Event:
    event = await lock_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    if event.status == PublicationStatus.CANCELLED:
        raise EventCancelled("the event was cancelled")
    ensure_application_mode(event)
    return event


async def create_proposal(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    event_id: int,
    *,
    seed: int | None = None,
    waitlist_length: int | None = None,
    participation: str | None = None,
) -> ProposalView:
    """Propose whom to confirm among the open applications for one part of the event (a
    new open proposal replaces an older one of the same part). A hybrid event's room and
    stream are selected apart, each within its own seats, quotas and targets, so its
    caller names the part. Without a seed one is drawn, and recorded like a given one.

    Raises ``InvalidTransition`` for an open-mode event, ``EventCancelled``, and
    ``InvalidInput`` on ``participation`` for a missing or impossible part.
    """
    event = await _event_of(session, actor, event_id)
    part = choose_part(event, participation)
    targets = targets_of(event, part)
    limits = limits_of(event, part)
    applications = await load_applications(
        session, event, [*SEAT_HOLDING, RegistrationStatus.APPLIED], part_filter(event, part)
    )
    pool = [
        a.applicant() for a in applications if a.registration.status == RegistrationStatus.APPLIED
    ]
    held = [a.applicant() for a in applications if a.registration.status in SEAT_HOLDING]
    seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
    quotas = Quotas(country=limits.country_quotas, gender=limits.gender_quotas)
    result = propose(
        pool,
        held,
        limits.capacity,
        targets,
        seed,
        quotas=quotas,
        waitlist_length=waitlist_length,
    )
    older = await session.scalars(
        select(SelectionProposal).where(
            SelectionProposal.event_id == event.id,
            SelectionProposal.participation == part,
            SelectionProposal.state == OPEN,
        )
    )
    for proposal in older:
        proposal.state = SUPERSEDED
    proposal = SelectionProposal(
        event_id=event.id,
        participation=part,
        state=OPEN,
        seed=seed,
        algorithm=ALGORITHM_VERSION,
        input_digest=result.digest,
        inputs=audit_inputs(pool, held, limits.capacity, targets, seed, quotas),
        targets=targets.model_dump(mode="json"),
        selected=result.selected,
        waitlist=result.waitlist,
        not_selected=result.not_selected,
        adjustments=[],
        created_by=actor.actor,
        created_at=now,
    )
    session.add(proposal)
    await session.flush()
    await record(
        session,
        now,
        actor,
        "proposal.create",
        "proposal",
        proposal.id,
        programme_id=event.programme_id,
        details={
            "event_id": event.id,
            "participation": part.value,
            "seed": seed,
            "algorithm": ALGORITHM_VERSION,
            "input_digest": result.digest,
            "selected": len(result.selected),
            "missed": result.missed,
        },
    )
    await session.commit()
    return view_of(proposal)


async def _proposal(
    session: AsyncSession, viewer: Principal, proposal_id: int
) -> tuple[SelectionProposal, Event]:
    proposal = await session.get(SelectionProposal, proposal_id, populate_existing=True)
    if proposal is None:
        raise NotFound("proposal", proposal_id)
    event = await session.get(Event, proposal.event_id)
    assert event is not None  # a foreign key guarantees it
    viewer.ensure_manages(event.programme_id)
    return proposal, event


async def get_proposal(session: AsyncSession, viewer: Principal, proposal_id: int) -> ProposalView:
    proposal, _event = await _proposal(session, viewer, proposal_id)
    return view_of(proposal)


async def swap(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    proposal_id: int,
    take_out: int,
    take_in: int,
) -> ProposalView:
    """Swap a selected application (``take_out``) with one that was not (``take_in``):
    each takes the other's place. Raises ``InvalidTransition`` unless the proposal is
    open, ``InvalidInput`` for ids on the wrong side."""
    proposal, event = await _proposal(session, actor, proposal_id)
    await lock_event(session, event.id)
    await session.refresh(proposal)
    if proposal.state != OPEN:
        raise InvalidTransition(f"the proposal is {proposal.state}")
    selected = list(proposal.selected)
    waitlist = list(proposal.waitlist)
    not_selected = list(proposal.not_selected)
    if take_out not in selected:
        raise InvalidInput("take_out", f"registration {take_out} is not in the selection")
    if take_in in waitlist:
        waitlist[waitlist.index(take_in)] = take_out
    elif take_in in not_selected:
        not_selected[not_selected.index(take_in)] = take_out
    else:
        raise InvalidInput(
            "take_in", f"registration {take_in} is not in this proposal's waitlist or rest"
        )
    selected[selected.index(take_out)] = take_in
    # New lists, so the JSON columns see a change.
    proposal.selected = selected
    proposal.waitlist = waitlist
    proposal.not_selected = not_selected
    proposal.adjustments = [
        *proposal.adjustments,
        {"out": take_out, "in": take_in, "by": actor.actor, "at": now.isoformat()},
    ]
    await record(
        session,
        now,
        actor,
        "proposal.swap",
        "proposal",
        proposal.id,
        programme_id=event.programme_id,
        details={"out": take_out, "in": take_in},
    )
    await session.commit()
    return view_of(proposal)


async def confirm_proposal(
    session: AsyncSession, now: datetime, actor: Principal, proposal_id: int
) -> ProposalView:
    """Decide every application of the proposal at once and tell each person.

    Confirming an already confirmed proposal changes nothing and returns it (a retry is
    safe). Raises ``InvalidTransition`` for a superseded proposal, ``Conflict`` when an
    application it covers was decided or withdrawn since (make a new proposal), and
    ``NoSeatAvailable`` when the seats or quotas are no longer there; nothing changes
    when it raises.
    """
    proposal, event = await _proposal(session, actor, proposal_id)
    event = await _event_of(session, actor, event.id)
    await session.refresh(proposal)
    if proposal.state == CONFIRMED:
        return view_of(proposal)
    if proposal.state != OPEN:
        raise InvalidTransition(f"the proposal is {proposal.state}")
    everyone = [*proposal.selected, *proposal.waitlist, *proposal.not_selected]
    found = {
        registration.id: registration
        for registration in await session.scalars(
            select(Registration).where(
                Registration.id.in_(everyone), Registration.event_id == event.id
            )
        )
    }
    part = proposal.participation
    only = part_filter(event, part)
    stale = [
        key
        for key in everyone
        if key not in found
        or found[key].status != RegistrationStatus.APPLIED
        or (only is not None and found[key].participation != only)
    ]
    if stale:
        raise Conflict(
            f"{len(stale)} of the proposal's applications changed since it was made; "
            "make a new proposal"
        )
    counts = await held_in_part(session, event, part)
    for key in proposal.selected:
        registration = found[key]
        limit = blocking_limit(event, counts, registration.country, registration.gender, part)
        if limit is not None:
            raise NoSeatAvailable(
                f"confirming the proposal would exceed the {limit.value.replace('_', ' ')}"
            )
        counts.take(registration.country, registration.gender)

    messages = []
    decisions: list[tuple[Registration, RegistrationStatus, dict[str, Any]]] = []
    for key in proposal.selected:
        decisions.append((found[key], RegistrationStatus.CONFIRMED, {}))
    # The proposal's waitlist joins the line behind anyone already waiting, so each
    # person is told their place in the whole line.
    ahead = await waitlist_length(session, event, part)
    for position, key in enumerate(proposal.waitlist, start=1):
        extra = {"position": ahead + position}
        decisions.append((found[key], RegistrationStatus.WAITLISTED, extra))
    for key in proposal.not_selected:
        decisions.append((found[key], RegistrationStatus.REJECTED, {}))
    for registration, status, extra in decisions:
        registration.status = status
        registration.updated_at = now
        if status is RegistrationStatus.CONFIRMED:
            registration.confirmed_at = now
        elif status is RegistrationStatus.WAITLISTED:
            # The waitlist is served oldest first (events.waitlist): a microsecond per
            # place keeps the proposal's order.
            registration.waitlisted_at = now + timedelta(microseconds=extra["position"] - ahead)
        params = {"status": status.value, "proposal_id": proposal.id, **extra}
        key = f"selection:{proposal.id}:{registration.id}"
        messages.append(about(registration, Kind.DECISION, key, params))
        action = {
            RegistrationStatus.CONFIRMED: "confirm",
            RegistrationStatus.WAITLISTED: "waitlist",
            RegistrationStatus.REJECTED: "reject",
        }[status]
        await record(
            session,
            now,
            actor,
            f"registration.{action}",
            "registration",
            registration.id,
            programme_id=event.programme_id,
            details={
                "from": RegistrationStatus.APPLIED.value,
                "proposal_id": proposal.id,
                **extra,
            },
        )
    await enqueue(session, now, messages)
    proposal.state = CONFIRMED
    proposal.confirmed_at = now
    await record(
        session,
        now,
        actor,
        "proposal.confirm",
        "proposal",
        proposal.id,
        programme_id=event.programme_id,
        details={
            "confirmed": len(proposal.selected),
            "waitlisted": len(proposal.waitlist),
            "rejected": len(proposal.not_selected),
            "input_digest": proposal.input_digest,
        },
    )
    await session.commit()
    return view_of(proposal)
