"""Review of an application-mode event's applications: one at a time (score, private
note, decision) or as a list. The queue is the applications still waiting, oldest first
(``events.review_queue``); a decision takes one out, so the same position then shows the
next.

The balanced proposal goes through the same use cases as the API and the bot
(``events.proposals``): drawn per part of the event, adjusted one swap at a time and
accepted in one step, which decides and tells each person once however often it is
pressed."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from events.enums import Decision, Participation
from events.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NoSeatAvailable,
    NotFound,
)
from events.inputs import MAX_ID
from events.models import SelectionProposal
from events.principals import Principal
from events.proposals import CONFIRMED, confirm_proposal, create_proposal, get_proposal, swap
from events.registrations import decide
from events.review_queue import applications_by_id, queue_entry, queue_page
from events.reviews import MAX_NOTE_LENGTH, OPEN, balance, review
from events.seats import parts_of
from web.answers import answer_rows
from web.proposal_words import people, target_lines
from web.routes.event import EventId, RegistrationId
from web.routing import DashboardRoute, pages_of
from web.session import Viewer, checked_form, config_of, form_text, require_viewer

router = APIRouter(route_class=DashboardRoute)

LIST_SIZE = 25
MAX_POSITION = 100_000


@router.get("/dashboard/events/{event_id}/review")
async def review_page(
    request: Request,
    event_id: EventId,
    position: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    problem: Annotated[Literal["no_seat", "no_longer"] | None, Query()] = None,
) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        entry = await queue_entry(session, viewer.principal, event_id, position)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    answers = (
        answer_rows(t, entry.event, entry.application.registration.answers)
        if entry.application
        else []
    )
    async with config.sessionmaker() as session:
        # Each part's open proposal, to go back to it; the event is known to be ours.
        proposals = [
            (part, (await balance(session, viewer.principal, event_id, part)).proposal_id)
            for part in parts_of(entry.event)
        ]
    context = {
        "entry": entry,
        "answers": answers,
        "problem": problem,
        "note_limit": MAX_NOTE_LENGTH,
        "proposals": proposals,
    }
    return pages.render(request, "review.html", t, viewer, context)


@router.get("/dashboard/events/{event_id}/applications")
async def applications_page(
    request: Request,
    event_id: EventId,
    page: Annotated[int, Query(ge=1, le=MAX_POSITION)] = 1,
) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        found = await queue_page(session, viewer.principal, event_id, page - 1, LIST_SIZE)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    return pages.render(request, "applications.html", t, viewer, {"found": found})


@router.post("/dashboard/events/{event_id}/review/{registration_id}")
async def review_application(
    request: Request, event_id: EventId, registration_id: RegistrationId
) -> Response:
    """Save the score and note, then the decision if one was pressed; back to the queue
    at the same position (the next application once this one is decided)."""
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    config = config_of(request)
    position = _position(form_text(form, "position", 10))
    score_text = form_text(form, "score", 2)
    note = form_text(form, "note", MAX_NOTE_LENGTH + 1)
    action = form_text(form, "action", 20)
    problem = ""
    if score_text not in ("", "1", "2", "3", "4", "5") or len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("score" if len(note) <= MAX_NOTE_LENGTH else "note", "out of range")
    async with config.sessionmaker() as session:
        entry = await queue_entry(session, viewer.principal, event_id, position, registration_id)
        if entry.application is None or entry.application.registration.id != registration_id:
            raise NotFound("registration", registration_id)
        now = config.clock()
        await review(
            session,
            now,
            viewer.principal,
            registration_id,
            int(score_text) if score_text else None,
            note,
        )
        if action in {decision.value for decision in Decision}:
            try:
                await decide(session, now, viewer.principal, registration_id, Decision(action))
            except Forbidden:
                raise
            except NoSeatAvailable:
                problem = "no_seat"
            except DomainError:
                problem = "no_longer"
        elif action == "skip":
            position += 1
    target = f"/dashboard/events/{event_id}/review?position={position}"
    if problem:
        target += f"&problem={problem}"
    return RedirectResponse(target, status_code=303)


# --- the balanced proposal --------------------------------------------------------------

ProposalId = Annotated[int, Path(ge=1, le=MAX_ID)]
# What the proposal page says after a form: each one the outcome of a POST below.
Outcome = Literal[
    "drawn",
    "swapped",
    "accepted",
    "already",
    "stale",
    "replaced",
    "no_seat",
    "gone_out",
    "gone_in",
]


@router.post("/dashboard/events/{event_id}/proposals")
async def draw_proposal(request: Request, event_id: EventId) -> Response:
    """A new proposal for one part of the event (replacing its open one)."""
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    config = config_of(request)
    part_text = form_text(form, "part", 20)
    if part_text and part_text not in set(Participation):
        raise InvalidInput("part", "not a part of an event")
    async with config.sessionmaker() as session:
        view = await create_proposal(
            session,
            config.clock(),
            viewer.principal,
            event_id,
            participation=Participation(part_text) if part_text else None,
        )
    return _to_proposal(event_id, view.proposal.id, "drawn")


@router.get("/dashboard/events/{event_id}/proposals/{proposal_id}")
async def proposal_page(
    request: Request,
    event_id: EventId,
    proposal_id: ProposalId,
    outcome: Annotated[Outcome | None, Query()] = None,
) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        view = await get_proposal(session, viewer.principal, proposal_id)
        if view.proposal.event_id != event_id:
            raise NotFound("proposal", proposal_id)
        event = (await queue_entry(session, viewer.principal, event_id, 0)).event
        found = await applications_by_id(session, viewer.principal, event_id)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    proposal = view.proposal
    context = {
        "event": event,
        "proposal": proposal,
        "hybrid": len(parts_of(event)) > 1,
        "is_open": proposal.state == OPEN,
        "is_confirmed": proposal.state == CONFIRMED,
        "selected": people(proposal.selected, found),
        "waiting": people(proposal.waitlist, found),
        "rest": people(proposal.not_selected, found),
        "held": len(proposal.inputs.get("held", [])),
        "capacity": int(proposal.inputs.get("capacity", event.capacity)),
        "targets": target_lines(t, view),
        "missed": bool(view.missed),
        "outcome": outcome,
    }
    return pages.render(request, "proposal.html", t, viewer, context)


@router.post("/dashboard/events/{event_id}/proposals/{proposal_id}/swap")
async def swap_people(request: Request, event_id: EventId, proposal_id: ProposalId) -> Response:
    """One selected person out, one from the waiting list or the rest in their place."""
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    config = config_of(request)
    take_out, take_in = _key(form, "take_out"), _key(form, "take_in")
    async with config.sessionmaker() as session:
        await _proposal_of(session, viewer.principal, event_id, proposal_id)
        try:
            await swap(session, config.clock(), viewer.principal, proposal_id, take_out, take_in)
        except InvalidInput as error:
            return _to_proposal(
                event_id, proposal_id, "gone_out" if error.field == "take_out" else "gone_in"
            )
        except InvalidTransition:
            return _to_proposal(event_id, proposal_id, await _closed(session, viewer, proposal_id))
    return _to_proposal(event_id, proposal_id, "swapped")


@router.post("/dashboard/events/{event_id}/proposals/{proposal_id}/accept")
async def accept_proposal(
    request: Request, event_id: EventId, proposal_id: ProposalId
) -> Response:
    """Decide every application of the proposal and tell each person, once: the use
    case returns an accepted proposal unchanged, so a second press only says so."""
    viewer = await require_viewer(request)
    await checked_form(request, viewer)
    config = config_of(request)
    async with config.sessionmaker() as session:
        before = await _proposal_of(session, viewer.principal, event_id, proposal_id)
        if before.state == CONFIRMED:
            return _to_proposal(event_id, proposal_id, "already")
        try:
            await confirm_proposal(session, config.clock(), viewer.principal, proposal_id)
        except Conflict:
            return _to_proposal(event_id, proposal_id, "stale")
        except NoSeatAvailable:
            return _to_proposal(event_id, proposal_id, "no_seat")
        except InvalidTransition:
            return _to_proposal(event_id, proposal_id, await _closed(session, viewer, proposal_id))
    return _to_proposal(event_id, proposal_id, "accepted")


async def _proposal_of(
    session: AsyncSession, principal: Principal, event_id: int, proposal_id: int
) -> SelectionProposal:
    """The proposal, if it is of this event and the viewer manages it."""
    view = await get_proposal(session, principal, proposal_id)
    if view.proposal.event_id != event_id:
        raise NotFound("proposal", proposal_id)
    return view.proposal


async def _closed(session: AsyncSession, viewer: Viewer, proposal_id: int) -> Outcome:
    again = await get_proposal(session, viewer.principal, proposal_id)
    return "already" if again.proposal.state == CONFIRMED else "replaced"


def _key(form: FormData, name: str) -> int:
    text = form_text(form, name, 10)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise InvalidInput(name, "not a registration of this proposal")
    return int(text)


def _to_proposal(event_id: int, proposal_id: int, outcome: Outcome) -> RedirectResponse:
    return RedirectResponse(
        f"/dashboard/events/{event_id}/proposals/{proposal_id}?outcome={outcome}",
        status_code=303,
    )


def _position(text: str) -> int:
    return min(int(text), MAX_POSITION) if text.isdigit() else 0
