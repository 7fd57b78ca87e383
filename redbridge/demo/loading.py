"""Loading the demo programmes into a database, once, through the domain use cases."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import create_event, publish_event, update_event
from events.enums import PublicationStatus
from events.inputs import EventChanges
from events.migrations.runner import upgrade
from events.models import Event, Programme, Series
from events.programmes import create_programme, publish_programme
from events.series import create_series, move_occurrence, occurrences, publish_series
from events.series_inputs import OccurrenceMove
from events.store import create_engine, create_sessionmaker
from redbridge.demo.alumni import load_alumni, past_edition_draft
from redbridge.demo.programmes import DemoProgramme, demo_programmes
from redbridge.settings import Settings


@dataclass(frozen=True, slots=True)
class _Loaded:
    slug: str
    programme_created: bool = False
    events_created: int = 0
    published: int = 0  # programme and events moved from draft to published

    @property
    def changed(self) -> bool:
        return self.programme_created or bool(self.events_created or self.published)


async def _load_programme(session: AsyncSession, now: datetime, demo: DemoProgramme) -> _Loaded:
    """Create and publish what is missing of one programme.

    A programme that exists, is no longer a draft and has none of its demo events or
    series left in draft (or missing) is complete and left alone (even if ``now`` would
    date its events differently). Otherwise an interrupted earlier run is finished.
    """
    slug = demo.programme.slug
    programme = await session.scalar(select(Programme).where(Programme.slug == slug))
    event_slugs = [draft.slug for draft in demo.events]
    existing = {
        event.slug: event
        for event in await session.scalars(select(Event).where(Event.slug.in_(event_slugs)))
    }
    series_slugs = [item.draft.slug for item in demo.series]
    existing_series = {
        series.slug: series
        for series in await session.scalars(select(Series).where(Series.slug.in_(series_slugs)))
    }
    drafts_left = any(event.status == PublicationStatus.DRAFT for event in existing.values())
    series_left = len(existing_series) < len(demo.series) or any(
        series.status == PublicationStatus.DRAFT for series in existing_series.values()
    )
    if (
        programme is not None
        and programme.status != PublicationStatus.DRAFT
        and not drafts_left
        and not series_left
    ):
        return _Loaded(slug)

    created = programme is None
    if programme is None:
        programme = await create_programme(session, now, SYSTEM, demo.programme)
    new_events = published = 0
    for draft in demo.events:
        if draft.slug not in existing:
            existing[draft.slug] = await create_event(session, now, SYSTEM, slug, draft)
            new_events += 1
    for item in demo.series:
        if item.draft.slug not in existing_series:
            series = await create_series(session, now, SYSTEM, slug, item.draft)
            existing_series[series.slug] = series
            new_events += len(await occurrences(session, series))
    if programme.status == PublicationStatus.DRAFT:
        await publish_programme(session, now, SYSTEM, slug)
        published += 1
    for event in existing.values():
        if event.status == PublicationStatus.DRAFT:
            await publish_event(session, now, SYSTEM, event.id)
            published += 1
    for item in demo.series:
        series = existing_series[item.draft.slug]
        if series.status == PublicationStatus.DRAFT:
            # Still a draft: this run (or an interrupted one) made it, and nobody has seen it.
            await _move_first(session, now, series, item.first_moved_days)
            await _set_join_url(session, now, series, item.join_url)
            await publish_series(session, now, SYSTEM, series.slug)
            published += 1
    return _Loaded(slug, created, new_events, published)


async def _move_first(session: AsyncSession, now: datetime, series: Series, days: int) -> None:
    """Move the series' first occurrence ``days`` later, unless it was moved already."""
    first = next(iter(await occurrences(session, series)), None)
    if days == 0 or first is None or first.occurrence_on is None or first.sequence > 0:
        return
    zone = ZoneInfo(first.timezone)
    starts_at = first.starts_at.astimezone(zone) + timedelta(days=days)
    move = OccurrenceMove(starts_at=starts_at)
    await move_occurrence(session, now, SYSTEM, series.slug, first.occurrence_on, move)


async def _set_join_url(
    session: AsyncSession, now: datetime, series: Series, join_url: str | None
) -> None:
    """Give every occurrence of an online series its meeting link, as an organiser would."""
    if join_url is None:
        return
    for event in await occurrences(session, series):
        if event.join_url != join_url:
            await update_event(session, now, SYSTEM, event.id, EventChanges(join_url=join_url))


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _summary(loaded: list[_Loaded]) -> str:
    if not any(item.changed for item in loaded):
        return (
            f"The demo data is already there ({_plural(len(loaded), 'programme')}); "
            "nothing was changed."
        )
    new_programmes = sum(item.programme_created for item in loaded)
    new_events = sum(item.events_created for item in loaded)
    if new_programmes or new_events:
        header = (
            f"Demo data loaded: {_plural(new_programmes, 'programme')} and "
            f"{_plural(new_events, 'event')} created and published."
        )
    else:
        published = sum(item.published for item in loaded)
        header = f"Demo data completed: {published} left in draft by an earlier run published."
    lines = [header]
    width = max(len(item.slug) for item in loaded)
    for item in loaded:
        if item.programme_created:
            state = f"created with {_plural(item.events_created, 'event')}"
        elif item.changed:
            state = (
                f"completed: {_plural(item.events_created, 'new event')}, "
                f"{item.published} published"
            )
        else:
            state = "already there"
        lines.append(f"  {item.slug:<{width}}  {state}")
    return "\n".join(lines)


async def load_demo(settings: Settings, now: datetime) -> str:
    """Migrate the database, load the demo programmes and say what was created."""
    programmes = demo_programmes(now)
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            loaded = [await _load_programme(session, now, demo) for demo in programmes]
            alumni = await load_alumni(session, now)
    finally:
        await engine.dispose()
    summary = _summary(loaded)
    if alumni:
        slug = past_edition_draft(now).slug
        summary += f"\nAlumni: {alumni} of {slug}, with directory profiles."
    return summary
