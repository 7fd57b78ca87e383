"""Review of an application-mode event's applications: one at a time (score, private
note, decision) or as a list. The queue is the applications still waiting, oldest first
(``events.review_queue``); a decision takes one out, so the same position then shows the
next."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from events.enums import Decision
from events.errors import DomainError, Forbidden, InvalidInput, NoSeatAvailable, NotFound
from events.registrations import decide
from events.review_queue import queue_entry, queue_page
from events.reviews import review
from web.answers import answer_rows
from web.routes.event import EventId, RegistrationId
from web.routing import DashboardRoute, pages_of
from web.session import checked_form, config_of, form_text, require_viewer

router = APIRouter(route_class=DashboardRoute)

LIST_SIZE = 25
NOTE_LIMIT = 2000  # as the API's review body
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
    context = {"entry": entry, "answers": answers, "problem": problem, "note_limit": NOTE_LIMIT}
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
    note = form_text(form, "note", NOTE_LIMIT + 1)
    action = form_text(form, "action", 20)
    problem = ""
    if score_text not in ("", "1", "2", "3", "4", "5") or len(note) > NOTE_LIMIT:
        raise InvalidInput("score" if len(note) <= NOTE_LIMIT else "note", "out of range")
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


def _position(text: str) -> int:
    return min(int(text), MAX_POSITION) if text.isdigit() else 0
