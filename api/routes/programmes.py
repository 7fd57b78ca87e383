"""Programmes: list, create, change, publish, cancel; their balance statistics."""

from fastapi import APIRouter, status

from api.dependencies import LinksDep, NowDep, PrincipalDep, SessionDep, ViewerDep
from api.presenters import present_event, present_events
from api.schemas import EventOut, ProgrammeOut, ProgrammeStatisticsOut
from events import editions, programmes, statistics
from events.inputs import EventDraft, ProgrammeChanges, ProgrammeDraft

router = APIRouter(prefix="/programmes", tags=["programmes"])


@router.get("")
async def list_programmes(
    session: SessionDep, links: LinksDep, viewer: ViewerDep
) -> list[ProgrammeOut]:
    found = await programmes.list_programmes(session, viewer=viewer)
    return [ProgrammeOut.of(programme, links.bot_username) for programme in found]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_programme(
    draft: ProgrammeDraft,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    links: LinksDep,
) -> ProgrammeOut:
    programme = await programmes.create_programme(session, now, actor, draft)
    return ProgrammeOut.of(programme, links.bot_username)


@router.get("/{slug}")
async def get_programme(
    slug: str, session: SessionDep, links: LinksDep, viewer: ViewerDep
) -> ProgrammeOut:
    programme = await programmes.get_visible_programme(session, viewer, slug)
    return ProgrammeOut.of(programme, links.bot_username)


@router.patch("/{slug}")
async def update_programme(
    slug: str,
    changes: ProgrammeChanges,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    links: LinksDep,
) -> ProgrammeOut:
    programme = await programmes.update_programme(session, now, actor, slug, changes)
    return ProgrammeOut.of(programme, links.bot_username)


@router.post("/{slug}/publish")
async def publish_programme(
    slug: str, session: SessionDep, now: NowDep, actor: PrincipalDep, links: LinksDep
) -> ProgrammeOut:
    programme = await programmes.publish_programme(session, now, actor, slug)
    return ProgrammeOut.of(programme, links.bot_username)


@router.post("/{slug}/cancel")
async def cancel_programme(
    slug: str, session: SessionDep, now: NowDep, actor: PrincipalDep, links: LinksDep
) -> ProgrammeOut:
    programme = await programmes.cancel_programme(session, now, actor, slug)
    return ProgrammeOut.of(programme, links.bot_username)


@router.get("/{slug}/statistics")
async def programme_statistics(
    slug: str, session: SessionDep, viewer: PrincipalDep
) -> ProgrammeStatisticsOut:
    """The programme's balance: registrations by status, country, gender, age band and
    first-timers, over its events that were not cancelled and for each of them."""
    found = await statistics.programme_statistics(session, viewer, slug)
    return ProgrammeStatisticsOut.of(found)


@router.get("/{slug}/events")
async def list_programme_events(
    slug: str, session: SessionDep, links: LinksDep, viewer: ViewerDep
) -> list[EventOut]:
    found = await editions.list_events(session, viewer=viewer, programme_slug=slug)
    return await present_events(session, links, found, viewer)


@router.post("/{slug}/events", status_code=status.HTTP_201_CREATED)
async def create_event(
    slug: str,
    draft: EventDraft,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    links: LinksDep,
) -> EventOut:
    event = await editions.create_event(session, now, actor, slug, draft)
    return await present_event(session, links, event, actor)
