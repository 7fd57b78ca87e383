"""Recurring series: a rule that materialises real events people register for.

Each occurrence is an ``Event`` with its own slug (``<series>-YYYY-MM-DD``), seats,
waitlist and calendar UID, created up to ``horizon_months`` ahead and kept so by the
``extend_series`` job. The rule's date of an occurrence (``occurrence_on``) never
changes, so an occurrence that was cancelled or moved is never created a second time.
Cancelling or moving one occurrence is the ordinary event use case.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.audit import record
from events.date_bounds import ensure_within_reach
from events.editions import build_event, cancel_event, update_event
from events.enums import PublicationStatus
from events.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from events.inputs import EventChanges, EventDraft
from events.models import Event, Programme, Series
from events.principals import Principal
from events.programmes import get_programme, get_visible_programme
from events.recurrence import Recurrence
from events.series_inputs import TEMPLATE_FIELDS, OccurrenceMove, SeriesDraft

# More than this in one horizon is a mistake (a daily rule over two years), not a plan.
MAX_OCCURRENCES = 400


def recurrence_of(series: Series) -> Recurrence:
    return Recurrence(
        rule=series.rrule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        timezone=series.timezone,
        exceptions=frozenset(date.fromisoformat(day) for day in series.exceptions),
    )


async def create_series(
    session: AsyncSession, now: datetime, actor: Principal, programme_slug: str, draft: SeriesDraft
) -> Series:
    """Create a draft series and its occurrences for the next ``horizon_months``.

    Raises ``NotFound`` (programme), ``Forbidden``, ``InvalidTransition`` (cancelled
    programme), ``Conflict`` (the series slug or an occurrence's slug is taken) and
    ``InvalidInput`` when the rule gives no occurrence, or too many, in the horizon, or
    when ``starts_on`` is too far ahead.
    """
    programme = await get_programme(session, programme_slug)
    actor.ensure_manages(programme.id)
    if programme.status == PublicationStatus.CANCELLED:
        raise InvalidTransition("the programme was cancelled")
    ensure_within_reach(
        "starts_on", datetime.combine(draft.starts_on, draft.start_time, tzinfo=UTC), now
    )
    if await session.scalar(select(Series.id).where(Series.slug == draft.slug)):
        raise Conflict(f"the series slug {draft.slug!r} is taken")
    series = Series(
        programme_id=programme.id,
        slug=draft.slug,
        title=draft.title,
        description=draft.description,
        default_language=draft.default_language,
        rrule=draft.rrule,
        starts_on=draft.starts_on,
        start_time=draft.start_time,
        timezone=draft.timezone,
        duration_minutes=draft.duration_minutes,
        exceptions=[day.isoformat() for day in draft.exceptions],
        template=draft.model_dump(mode="json", include=set(TEMPLATE_FIELDS)),
        horizon_months=draft.horizon_months,
        status=PublicationStatus.DRAFT,
        materialised_until=now,
        created_at=now,
        updated_at=now,
    )
    horizon = now + relativedelta(months=draft.horizon_months)
    starts = recurrence_of(series).starts_between(now, horizon)
    if not starts:
        raise InvalidInput("rrule", f"no occurrence in the next {draft.horizon_months} months")
    if len(starts) > MAX_OCCURRENCES:
        raise InvalidInput("rrule", f"more than {MAX_OCCURRENCES} occurrences in the horizon")
    slugs = [_occurrence_slug(series, start) for start in starts]
    taken = await session.scalar(select(Event.slug).where(Event.slug.in_(slugs)).limit(1))
    if taken:
        raise Conflict(f"the slug {taken!r} is taken")
    session.add(series)
    await session.flush()
    events = _materialise(series, starts, now)
    session.add_all(events)
    series.materialised_until = horizon
    await session.flush()
    await record(
        session,
        now,
        actor,
        "series.create",
        "series",
        series.id,
        programme_id=programme.id,
        details={"rrule": series.rrule, "occurrences": len(events)},
    )
    await session.commit()
    return series


def _occurrence_slug(series: Series, start: datetime) -> str:
    return f"{series.slug}-{start.date().isoformat()}"


def _materialise(series: Series, starts: Sequence[datetime], now: datetime) -> list[Event]:
    """Event rows for these local start times, validated like any new event."""
    template: dict[str, Any] = dict(series.template)
    opens_days_before = template.pop("registration_opens_days_before", None)
    events = []
    for start in starts:
        draft = EventDraft.model_validate(
            {
                **template,
                "slug": _occurrence_slug(series, start),
                "title": series.title,
                "description": series.description,
                "default_language": series.default_language,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=series.duration_minutes),
                "timezone": series.timezone,
                "registration_opens_at": (
                    start - timedelta(days=opens_days_before) if opens_days_before else None
                ),
            }
        )
        event = build_event(series.programme_id, draft, now, PublicationStatus(series.status))
        event.series_id = series.id
        event.occurrence_on = start.date()
        events.append(event)
    return events


async def get_series(session: AsyncSession, slug: str) -> Series:
    series = await session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        raise NotFound("series", slug)
    return series


async def get_visible_series(session: AsyncSession, viewer: Principal | None, slug: str) -> Series:
    """A series as this viewer may see it: drafts only by the people who manage them."""
    series = await get_series(session, slug)
    if series.status == PublicationStatus.DRAFT and not (
        viewer is not None and viewer.can_manage(series.programme_id)
    ):
        raise NotFound("series", slug)
    return series


async def list_series(
    session: AsyncSession, viewer: Principal | None, programme_slug: str
) -> list[Series]:
    """The programme's series; drafts only for the people who manage them."""
    programme = await get_visible_programme(session, viewer, programme_slug)
    found = await session.scalars(
        select(Series).where(Series.programme_id == programme.id).order_by(Series.id)
    )
    return [
        series
        for series in found
        if series.status != PublicationStatus.DRAFT
        or (viewer is not None and viewer.can_manage(series.programme_id))
    ]


async def occurrences(session: AsyncSession, series: Series) -> list[Event]:
    """The series' events in rule order, whatever their status."""
    found = await session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.occurrence_on)
    )
    return list(found)


async def get_occurrence(session: AsyncSession, series_slug: str, on: date) -> Event:
    series = await get_series(session, series_slug)
    event = await session.scalar(
        select(Event).where(Event.series_id == series.id, Event.occurrence_on == on)
    )
    if event is None:
        raise NotFound("occurrence", f"{series_slug} {on.isoformat()}")
    return event


async def publish_series(
    session: AsyncSession, now: datetime, actor: Principal, slug: str
) -> Series:
    """Publish a series and its draft occurrences; later occurrences come out published."""
    series = await get_series(session, slug)
    actor.ensure_manages(series.programme_id)
    programme = await session.get(Programme, series.programme_id)
    if programme is None or programme.status != PublicationStatus.PUBLISHED:
        raise InvalidTransition("publish the programme before its series")
    if series.status == PublicationStatus.PUBLISHED:
        return series
    series.status = PublicationStatus.PUBLISHED
    series.updated_at = now
    drafts = await session.scalars(
        select(Event).where(Event.series_id == series.id, Event.status == PublicationStatus.DRAFT)
    )
    for event in drafts:
        event.status = PublicationStatus.PUBLISHED
        event.updated_at = now
    await record(
        session, now, actor, "series.publish", "series", series.id, programme_id=programme.id
    )
    await session.commit()
    return series


async def cancel_occurrence(
    session: AsyncSession, now: datetime, actor: Principal, series_slug: str, on: date
) -> Event:
    """Cancel the occurrence the rule gave for ``on``; it stays in feeds as cancelled."""
    event = await get_occurrence(session, series_slug, on)
    return await cancel_event(session, now, actor, event.id)


async def move_occurrence(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    series_slug: str,
    on: date,
    move: OccurrenceMove,
) -> Event:
    """Move one occurrence (same UID, SEQUENCE up); without ``ends_at`` it keeps its length.

    Raises what ``update_event`` raises (``InvalidInput``, ``InvalidTransition``, …).
    """
    event = await get_occurrence(session, series_slug, on)
    ends_at = move.ends_at or move.starts_at + (event.ends_at - event.starts_at)
    changes = EventChanges(starts_at=move.starts_at, ends_at=ends_at)
    return await update_event(session, now, actor, event.id, changes)


async def extend_series(session: AsyncSession, now: datetime) -> int:
    """Materialise occurrences that came within the horizon of their series since the
    last run; returns how many events were created. Run daily by the scheduler."""
    rows = await session.execute(
        select(Series)
        .join(Programme, Programme.id == Series.programme_id)
        .where(Programme.status != PublicationStatus.CANCELLED)
        .order_by(Series.id)
    )
    created = 0
    for (series,) in rows:
        horizon = now + relativedelta(months=series.horizon_months)
        if horizon <= series.materialised_until:
            continue
        existing = set(
            await session.scalars(select(Event.occurrence_on).where(Event.series_id == series.id))
        )
        starts = [
            start
            for start in recurrence_of(series).starts_between(series.materialised_until, horizon)
            if start.date() not in existing and start > now
        ][:MAX_OCCURRENCES]
        events = _materialise(series, starts, now)
        session.add_all(events)
        series.materialised_until = horizon
        if events:
            series.updated_at = now
            created += len(events)
            await session.flush()
            await record(
                session,
                now,
                SYSTEM,
                "series.extend",
                "series",
                series.id,
                programme_id=series.programme_id,
                details={"occurrences": len(events)},
            )
    await session.commit()
    return created
