"""The first page: the organiser's programmes and upcoming events, and what needs them."""

from fastapi import APIRouter, Request, Response

from events.dashboard_overview import overview
from web.routing import DashboardRoute, pages_of
from web.session import config_of, require_viewer

router = APIRouter(route_class=DashboardRoute)


@router.get("/dashboard")
async def overview_page(request: Request) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        found = await overview(session, viewer.principal, config.clock())
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    return pages.render(request, "overview.html", t, viewer, {"overview": found})
