"""Events: read, change, publish, cancel; their registrations, statistics and check-in."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.dependencies import CheckInDep, LinksDep, NowDep, PrincipalDep, SessionDep, ViewerDep
from api.presenters import present_event, present_events, present_registration
from api.schemas import (
    CheckInRequest,
    EventOut,
    RegistrationOut,
    RegistrationRequest,
    StatisticsOut,
)
from events import editions, registrations, rosters, statistics
from events.countries import CountryCode
from events.enums import Gender, RegistrationStatus
from events.inputs import EventChanges, Id
from events.roster_export import registrations_csv

router = APIRouter(prefix="/events", tags=["events"])


@router.get("")
async def list_events(
    session: SessionDep,
    links: LinksDep,
    viewer: ViewerDep,
    now: NowDep,
    programme: Annotated[str | None, Query(description="only this programme's events")] = None,
    upcoming: Annotated[bool, Query(description="only events that have not ended")] = False,
) -> list[EventOut]:
    found = await editions.list_events(
        session, viewer=viewer, programme_slug=programme, upcoming_after=now if upcoming else None
    )
    return await present_events(session, links, found, viewer)


@router.get("/{event_id}")
async def get_event(
    event_id: Id, session: SessionDep, links: LinksDep, viewer: ViewerDep
) -> EventOut:
    event = await editions.get_visible_event(session, viewer, event_id)
    return await present_event(session, links, event, viewer)


@router.patch("/{event_id}")
async def update_event(
    event_id: Id,
    changes: EventChanges,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    links: LinksDep,
) -> EventOut:
    event = await editions.update_event(session, now, actor, event_id, changes)
    return await present_event(session, links, event, actor)


@router.post("/{event_id}/publish")
async def publish_event(
    event_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep, links: LinksDep
) -> EventOut:
    event = await editions.publish_event(session, now, actor, event_id)
    return await present_event(session, links, event, actor)


@router.post("/{event_id}/cancel")
async def cancel_event(
    event_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep, links: LinksDep
) -> EventOut:
    event = await editions.cancel_event(session, now, actor, event_id)
    return await present_event(session, links, event, actor)


StatusQuery = Annotated[RegistrationStatus | None, Query()]
CountryQuery = Annotated[CountryCode | None, Query()]
GenderQuery = Annotated[Gender | None, Query()]


@router.get("/{event_id}/registrations")
async def list_registrations(
    event_id: Id,
    session: SessionDep,
    viewer: PrincipalDep,
    status: StatusQuery = None,
    country: CountryQuery = None,
    gender: GenderQuery = None,
) -> list[RegistrationOut]:
    rows = await rosters.roster(
        session, viewer, event_id, rosters.RosterFilter(status, country, gender)
    )
    return [RegistrationOut.of(registration, participant) for registration, participant in rows]


@router.get(
    "/{event_id}/registrations.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_registrations(
    event_id: Id,
    session: SessionDep,
    viewer: PrincipalDep,
    status: StatusQuery = None,
    country: CountryQuery = None,
    gender: GenderQuery = None,
) -> Response:
    content = await registrations_csv(
        session, viewer, event_id, rosters.RosterFilter(status, country, gender)
    )
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event_id}.csv"'},
    )


@router.post("/{event_id}/registrations", status_code=status.HTTP_201_CREATED)
async def register_person(
    event_id: Id,
    body: RegistrationRequest,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> RegistrationOut:
    registration = await registrations.register_person(
        session, now, actor, event_id, body.participant, body.answers, body.participation
    )
    return await present_registration(session, registration)


@router.get("/{event_id}/offers")
async def list_offers(
    event_id: Id, session: SessionDep, viewer: PrincipalDep
) -> list[RegistrationOut]:
    rows = await rosters.roster(
        session, viewer, event_id, rosters.RosterFilter(status=RegistrationStatus.OFFERED)
    )
    return [RegistrationOut.of(registration, participant) for registration, participant in rows]


@router.get("/{event_id}/statistics")
async def event_statistics(
    event_id: Id, session: SessionDep, viewer: PrincipalDep
) -> StatisticsOut:
    return StatisticsOut.of(await statistics.event_statistics(session, viewer, event_id))


@router.post("/{event_id}/check-in")
async def check_in(
    event_id: Id, body: CheckInRequest, session: SessionDep, now: NowDep, actor: CheckInDep
) -> RegistrationOut:
    registration = await registrations.check_in(session, now, actor, event_id, body.ticket_code)
    presented = await present_registration(session, registration)
    if actor.is_checker:
        # A volunteer at the door needs the name and the outcome, not the person's profile.
        presented = presented.model_copy(update={"answers": {}, "country": None, "gender": None})
    return presented
