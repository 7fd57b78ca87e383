"""The Balance page: an event's seats by country × gender, gender, age and first-timers
against its quotas and targets (per part of a hybrid event), and the status funnel;
each chart drawn in SVG by ``web.charts`` and given again as a table, so nothing
depends on colour or on seeing the drawing."""

from fastapi import APIRouter, Request, Response
from markupsafe import Markup

from events.dashboard_balance import event_balance
from web.chart_words import chart_text
from web.charts import (
    age_figure,
    country_gender_figure,
    first_timers_figure,
    funnel_figure,
    gender_figure,
    svg,
    table_of,
)
from web.routes.event import EventId
from web.routing import DashboardRoute, pages_of
from web.session import config_of, require_viewer

router = APIRouter(route_class=DashboardRoute)


@router.get("/dashboard/events/{event_id}/balance")
async def balance_page(request: Request, event_id: EventId) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        balance = await event_balance(session, viewer.principal, event_id)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    text = chart_text(t)
    parts = []
    for part in balance.parts:
        figures = [
            country_gender_figure(part.people, text, part.limits, part.targets),
            gender_figure(part.people, text, part.limits, part.targets),
            age_figure(part.people, text, part.targets),
            first_timers_figure(part.people, text, part.targets),
        ]
        charts = [
            (Markup(svg(figure, text, f"{part.part}-")), table_of(figure, text))
            for figure in figures
        ]
        parts.append((part.part, charts))
    funnel = funnel_figure(balance.statistics, text)
    context = {
        "event": balance.event,
        "parts": parts,
        "funnel": (Markup(svg(funnel, text, "funnel-")), table_of(funnel, text)),
    }
    return pages.render(request, "balance.html", t, viewer, context)
