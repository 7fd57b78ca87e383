"""Which rows a feed holds, and the cheap question of whether they changed.

``probe`` answers with one or two aggregate queries (a count and the newest change for
calendars): which feed, in which language, at which version of its data. ``contents``
reads the feed's events as plain snapshots, detached from the session, for rendering.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import PublicationStatus
from events.errors import NotFound
from events.feeds.kinds import FeedKind, FeedRequest
from events.feeds.render import (
    Attendance,
    EventSnapshot,
    FeedItem,
    all_events_name,
    personal_name,
)
from events.feeds.tokens import participant_by_token
from events.languages import DEFAULT_LANGUAGE, Language, language_from_tag, pick
from events.models import Event, Programme, Registration
from events.online.links import holds_online_seat


@dataclass(frozen=True, slots=True)
class Probe:
    """The cheap answer: which feed, in which language, at which version of its data."""

    cache_key: tuple[Any, ...]
    version: tuple[Any, ...]
    last_modified: datetime | None
    language: Language
    subject_id: int  # event, programme or participant id; 0 for ``all``
    filename: str
    is_private: bool = False


def _language(asked: str | None, default: str = DEFAULT_LANGUAGE) -> Language:
    return language_from_tag(asked) if asked else language_from_tag(default)


def _in_feeds() -> ColumnElement[bool]:
    return Event.status != PublicationStatus.DRAFT


async def probe(session: AsyncSession, request: FeedRequest) -> Probe:
    """One or two aggregate queries that tell which feed, in which language, at which
    version of its data; ``NotFound`` if there is no such feed."""
    kind = request.kind
    if kind is FeedKind.EVENT:
        query = select(Event.id, Event.calendar_revised_at).where(
            Event.slug == request.key, _in_feeds()
        )
        event = (await session.execute(query)).first()
        if event is None:
            raise NotFound("event", request.key)
        language = _language(request.language)
        return Probe(
            cache_key=(kind, event.id, language),
            version=(event.calendar_revised_at,),
            last_modified=event.calendar_revised_at,
            language=language,
            subject_id=event.id,
            filename=f"{request.key}.ics",
        )
    if kind is FeedKind.PROGRAMME:
        query_programme = select(Programme.id, Programme.updated_at).where(
            Programme.slug == request.key, Programme.status != PublicationStatus.DRAFT
        )
        programme = (await session.execute(query_programme)).first()
        if programme is None:
            raise NotFound("programme", request.key)
        count, newest = await _aggregate(session, Event.programme_id == programme.id)
        language = _language(request.language)
        return Probe(
            cache_key=(kind, programme.id, language),
            version=(programme.updated_at, count, newest),
            last_modified=_newest(programme.updated_at, newest),
            language=language,
            subject_id=programme.id,
            filename=f"{request.key}.ics",
        )
    if kind is FeedKind.ALL:
        count, newest = await _aggregate(session)
        language = _language(request.language)
        return Probe(
            cache_key=(kind, language),
            version=(count, newest),
            last_modified=newest,
            language=language,
            subject_id=0,
            filename="redbridge.ics",
        )
    participant = await participant_by_token(session, request.key)
    if participant is None:
        raise NotFound("personal calendar", "(token)")
    query_personal = (
        select(
            func.count(Registration.id),
            func.max(Registration.updated_at),
            func.max(Event.calendar_revised_at),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.participant_id == participant.id)
    )
    count, registrations_at, events_at = (await session.execute(query_personal)).one()
    language = _language(request.language, participant.language)
    return Probe(
        cache_key=(kind, participant.id, language),
        version=(count, registrations_at, events_at),
        last_modified=_newest(registrations_at, events_at),
        language=language,
        subject_id=participant.id,
        filename="my-events.ics",
        is_private=True,
    )


async def _aggregate(
    session: AsyncSession, *where: ColumnElement[bool]
) -> tuple[int, datetime | None]:
    query = select(func.count(Event.id), func.max(Event.calendar_revised_at)).where(
        _in_feeds(), *where
    )
    count, newest = (await session.execute(query)).one()
    return int(count), newest


def _newest(*moments: datetime | None) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


def _join_token(registration: Registration, event: Event) -> str | None:
    """The token of the person's join redirect, if they may have it (a confirmed online
    seat at an event with a link); else None, and the feed says nothing of a link."""
    if holds_online_seat(registration, event) and event.join_url:
        return registration.join_token
    return None


async def contents(session: AsyncSession, feed: Probe) -> tuple[str, list[FeedItem]]:
    """The calendar name and the events of a feed, as plain snapshots."""
    kind = feed.cache_key[0]
    in_order = (
        select(Event)
        .where(_in_feeds())
        .order_by(Event.starts_at, Event.id)
        .execution_options(populate_existing=True)  # fresh, whatever the session holds
    )
    if kind is FeedKind.EVENT:
        event = await session.get(Event, feed.subject_id, populate_existing=True)
        assert event is not None  # the probe found it; events are never deleted
        name = pick(event.title, feed.language, event.default_language)
        return name, [FeedItem(EventSnapshot.of(event))]
    if kind is FeedKind.PROGRAMME:
        programme = await session.get(Programme, feed.subject_id, populate_existing=True)
        assert programme is not None  # the probe found it; programmes are never deleted
        found = await session.scalars(in_order.where(Event.programme_id == programme.id))
        name = pick(programme.title, feed.language, programme.default_language)
        return name, [FeedItem(EventSnapshot.of(event)) for event in found]
    if kind is FeedKind.ALL:
        found = await session.scalars(in_order)
        items = [FeedItem(EventSnapshot.of(event)) for event in found]
        return all_events_name(feed.language), items
    rows = await session.execute(
        in_order.add_columns(Registration)
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.participant_id == feed.subject_id)
    )
    items = [
        FeedItem(EventSnapshot.of(event), attendance, _join_token(registration, event))
        for event, registration in rows
        if (attendance := Attendance.of(registration.status)) is not None
    ]
    return personal_name(feed.language), items
