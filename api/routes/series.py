"""Recurring series: create from an RRULE, publish, list occurrences, cancel or move one."""

from datetime import date, datetime

from fastapi import APIRouter, status
from pydantic import BaseModel

from api.dependencies import LinksDep, NowDep, PrincipalDep, SessionDep, ViewerDep
from api.presenters import present_event
from api.schemas import EventOut
from events import series as series_cases
from events.editions import is_visible
from events.models import Event, Series
from events.series_inputs import OccurrenceMove, SeriesDraft
from events.written_dates import LocalTime

router = APIRouter(tags=["series"])


class OccurrenceOut(BaseModel):
    occurrence_on: date
    event_id: int
    slug: str
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int

    @classmethod
    def of(cls, event: Event) -> "OccurrenceOut":
        assert event.occurrence_on is not None  # an occurrence always has its rule date
        return cls(
            occurrence_on=event.occurrence_on,
            event_id=event.id,
            slug=event.slug,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            status=event.status,
            sequence=event.sequence,
        )


class SeriesOut(BaseModel):
    slug: str
    programme_id: int
    title: dict[str, str]
    description: dict[str, str]
    default_language: str
    rrule: str
    starts_on: date
    start_time: LocalTime
    timezone: str
    duration_minutes: int
    exceptions: list[date]
    horizon_months: int
    status: str
    occurrences: list[OccurrenceOut]

    @classmethod
    def of(cls, series: Series, events: list[Event]) -> "SeriesOut":
        return cls(
            slug=series.slug,
            programme_id=series.programme_id,
            title=series.title,
            description=series.description,
            default_language=series.default_language,
            rrule=series.rrule,
            starts_on=series.starts_on,
            start_time=series.start_time,
            timezone=series.timezone,
            duration_minutes=series.duration_minutes,
            exceptions=[date.fromisoformat(day) for day in series.exceptions],
            horizon_months=series.horizon_months,
            status=series.status,
            occurrences=[OccurrenceOut.of(event) for event in events],
        )


async def _present(session: SessionDep, series: Series, viewer: ViewerDep) -> SeriesOut:
    events = await series_cases.occurrences(session, series)
    return SeriesOut.of(series, [event for event in events if is_visible(event, viewer)])


@router.post("/programmes/{slug}/series", status_code=status.HTTP_201_CREATED)
async def create_series(
    slug: str, draft: SeriesDraft, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> SeriesOut:
    """Create a draft series; its occurrences exist at once as draft events."""
    series = await series_cases.create_series(session, now, actor, slug, draft)
    return await _present(session, series, actor)


@router.get("/programmes/{slug}/series")
async def list_series(slug: str, session: SessionDep, viewer: ViewerDep) -> list[SeriesOut]:
    found = await series_cases.list_series(session, viewer, slug)
    return [await _present(session, series, viewer) for series in found]


@router.get("/series/{slug}")
async def get_series(slug: str, session: SessionDep, viewer: ViewerDep) -> SeriesOut:
    series = await series_cases.get_visible_series(session, viewer, slug)
    return await _present(session, series, viewer)


@router.post("/series/{slug}/publish")
async def publish_series(
    slug: str, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> SeriesOut:
    series = await series_cases.publish_series(session, now, actor, slug)
    return await _present(session, series, actor)


@router.post("/series/{slug}/occurrences/{on}/cancel")
async def cancel_occurrence(
    slug: str,
    on: date,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    links: LinksDep,
) -> EventOut:
    event = await series_cases.cancel_occurrence(session, now, actor, slug, on)
    return await present_event(session, links, event, actor)


@router.post("/series/{slug}/occurrences/{on}/move")
async def move_occurrence(
    slug: str,
    on: date,
    move: OccurrenceMove,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    links: LinksDep,
) -> EventOut:
    event = await series_cases.move_occurrence(session, now, actor, slug, on, move)
    return await present_event(session, links, event, actor)
