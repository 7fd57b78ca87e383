"""A programme's reported alumni contact requests, with the note that was sent, newest
first: what its organisers act on (the reporter has blocked the other person already).
The same use case and access as ``GET /api/v1/programmes/{slug}/alumni/reports``."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from events.alumni.statistics import alumni_reports
from events.programmes import get_programme
from web.routing import DashboardRoute, pages_of
from web.session import config_of, require_viewer

router = APIRouter(route_class=DashboardRoute)

Slug = Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]


@router.get("/dashboard/programmes/{slug}/alumni/reports")
async def alumni_reports_page(slug: Slug, request: Request) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        reports = await alumni_reports(session, viewer.principal, slug)
        programme = await get_programme(session, slug)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    context = {"programme": programme, "reports": reports}
    return pages.render(request, "alumni_reports.html", t, viewer, context)
