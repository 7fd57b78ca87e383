"""An event: its registrations (filtered, searched, paged), seats and offers, a person's
card, and its exports (CSV, calendar links, the poster's QR code)."""

from typing import Annotated

import segno
from fastapi import APIRouter, Path, Query, Request, Response
from markupsafe import Markup
from pydantic import BeforeValidator

from events.countries import CountryCode
from events.dashboard_registrations import (
    MAX_ANSWER_LENGTH,
    MAX_PAGE,
    MAX_SEARCH_LENGTH,
    RegistrationFilter,
    person_card,
    registration_page,
    seat_summary,
)
from events.deeplinks import deep_link, event_payload
from events.enums import Gender, RegistrationStatus
from events.inputs import MAX_ID
from events.languages import Language
from events.roster_export import registrations_csv
from events.rosters import RosterFilter
from web.answer_filter import MAX_ANSWER_QUERY, answer_groups, parsed, typed_questions
from web.answers import answer_rows
from web.routing import DashboardRoute, pages_of
from web.session import config_of, require_viewer

router = APIRouter(route_class=DashboardRoute)

EventId = Annotated[int, Path(ge=1, le=MAX_ID)]
RegistrationId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_QUESTION_KEY = 32  # as events.inputs.Question's key


def _blank_is_none(value: object) -> object:
    return value or None


# A filter form's "All" sends an empty value: no filter, not a wrong one.
Blank = BeforeValidator(_blank_is_none)
StatusFilter = Annotated[RegistrationStatus | None, Blank, Query()]
CountryFilter = Annotated[CountryCode | None, Blank, Query()]
GenderFilter = Annotated[Gender | None, Blank, Query()]
LanguageFilter = Annotated[Language | None, Blank, Query()]


@router.get("/dashboard/events/{event_id}")
async def event_page(
    request: Request,
    event_id: EventId,
    status: StatusFilter = None,
    country: CountryFilter = None,
    gender: GenderFilter = None,
    language: LanguageFilter = None,
    name: Annotated[str, Query(max_length=MAX_SEARCH_LENGTH)] = "",
    answer: Annotated[str, Query(max_length=MAX_ANSWER_QUERY)] = "",
    question: Annotated[str, Query(max_length=MAX_QUESTION_KEY)] = "",
    value: Annotated[str, Query(max_length=MAX_ANSWER_LENGTH)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    answers = parsed(answer, question, value)
    where = RegistrationFilter(status, country, gender, language, name, answers)
    async with config.sessionmaker() as session:
        found = await registration_page(session, viewer.principal, event_id, where, page)
        seats = await seat_summary(session, viewer.principal, event_id)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    event = found.event
    base = config.links.public_url.rstrip("/")
    feed = f"{base}/calendar/events/{event.slug}.ics"
    bot_link = deep_link(config.links.bot_username, event_payload(event.slug))
    context = {
        "found": found,
        "seats": seats,
        "where": where,
        "filters": {
            key: given
            for key, given in (
                ("status", status),
                ("country", country),
                ("gender", gender),
                ("language", language),
                ("name", name.strip()),
                ("answer", answer),
                ("question", question),
                ("value", value.strip()),
            )
            if given
        },
        "answer": answer,
        "answer_groups": answer_groups(t, event),
        "question": question,
        "typed_value": value,
        "typed_questions": typed_questions(t, event),
        "statuses": list(RegistrationStatus),
        "genders": list(Gender),
        "feed_url": feed,
        "webcal_url": "webcal://" + feed.split("://", 1)[1],
        "bot_link": bot_link,
        "poster_qr": Markup(segno.make(bot_link).svg_inline(scale=4)) if bot_link else None,
    }
    return pages.render(request, "event.html", t, viewer, context)


@router.get("/dashboard/events/{event_id}/registrations/{registration_id}")
async def person_page(
    request: Request, event_id: EventId, registration_id: RegistrationId
) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        card = await person_card(session, viewer.principal, event_id, registration_id)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    answers = answer_rows(t, card.event, card.registration.answers)
    return pages.render(request, "person.html", t, viewer, {"card": card, "answers": answers})


@router.get("/dashboard/events/{event_id}/registrations.csv")
async def export_csv(
    request: Request,
    event_id: EventId,
    status: StatusFilter = None,
    country: CountryFilter = None,
    gender: GenderFilter = None,
) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        content = await registrations_csv(
            session, viewer.principal, event_id, RosterFilter(status, country, gender)
        )
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="event-{event_id}.csv"',
            "Cache-Control": "no-store",
        },
    )
