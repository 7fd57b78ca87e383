"""Check-in at the door: a code typed or pasted (or filled in by Telegram's QR scanner in
the Mini App), answered at once on the same page."""

from fastapi import APIRouter, Request, Response

from events.door import MAX_INPUT_LENGTH, DoorResult, check_in_at_door
from events.errors import DomainError, EventCancelled, Forbidden
from web.routing import DashboardRoute, pages_of
from web.session import checked_form, config_of, form_text, require_viewer

router = APIRouter(route_class=DashboardRoute)


@router.get("/dashboard/check-in")
async def check_in_page(request: Request) -> Response:
    viewer = await require_viewer(request)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    return pages.render(request, "check_in.html", t, viewer, {"result": None, "problem": None})


@router.post("/dashboard/check-in")
async def check_in(request: Request) -> Response:
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    scanned = form_text(form, "code", MAX_INPUT_LENGTH + 1)
    config = config_of(request)
    result: DoorResult | None = None
    problem: str | None = None
    status_code = 200
    async with config.sessionmaker() as session:
        try:
            result = await check_in_at_door(session, config.clock(), viewer.principal, scanned)
        except Forbidden:
            # Another programme's ticket: as every page, 403 (the code is not shown back).
            problem, status_code = "forbidden", 403
        except EventCancelled:
            problem, status_code = "cancelled", 422
        except DomainError:
            problem, status_code = "invalid", 422
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    context = {"result": result, "problem": problem}
    return pages.render(request, "check_in.html", t, viewer, context, status_code=status_code)
