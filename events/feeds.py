"""Calendar feeds: which events each feed holds, and a cache that rebuilds only on change.

Calendar apps poll every feed they subscribe to, every few hours, forever. Each request
first asks the database one cheap question (how many events the feed holds and when the
newest of them last changed for calendars); while the answer is the one the cached
feed was built from, the cached bytes are served as they are. Only a change rebuilds,
off the event loop. Feeds:

- ``event``: one event by slug (what the bot's "Add to calendar" sends as a file);
- ``programme``: every published, cancelled or completed event of a programme;
- ``all``: every event that is not a draft;
- ``personal``: the events a participant holds a seat for or waits for (tentative),
  found by the secret token of their feed URL.
"""

import asyncio
import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.calendars import (
    ALL_EVENTS_NAME,
    PERSONAL_NAME,
    Attendance,
    EventSnapshot,
    FeedItem,
    Links,
    calendar_name,
    render_calendar,
)
from events.enums import PublicationStatus
from events.errors import NotFound
from events.feed_cache import FeedCache, RenderedFeed
from events.feed_tokens import participant_by_token, personal_feed_token
from events.languages import DEFAULT_LANGUAGE, Language, language_from_tag, pick
from events.models import Event, Programme, Registration

# Paths of the feeds over HTTP (the API serves them; links and webcal:// URLs use them).
EVENT_PATH = "/calendar/events/{key}.ics"
PROGRAMME_PATH = "/calendar/programmes/{key}.ics"
ALL_PATH = "/calendar/all.ics"
PERSONAL_PATH = "/calendar/me/{key}.ics"


class FeedKind(StrEnum):
    EVENT = "event"
    PROGRAMME = "programme"
    ALL = "all"
    PERSONAL = "personal"


_PATHS = {
    FeedKind.EVENT: EVENT_PATH,
    FeedKind.PROGRAMME: PROGRAMME_PATH,
    FeedKind.ALL: ALL_PATH,
    FeedKind.PERSONAL: PERSONAL_PATH,
}


def feed_url(
    public_url: str,
    kind: FeedKind,
    key: str = "",
    *,
    webcal: bool = False,
    language: str | None = None,
) -> str:
    """The feed's URL; ``webcal=True`` gives the ``webcal://`` form calendar apps subscribe to."""
    url = public_url.rstrip("/") + _PATHS[kind].format(key=key)
    if webcal:
        url = "webcal://" + url.split("://", 1)[-1]
    return f"{url}?lang={language}" if language else url


@dataclass(frozen=True, slots=True)
class Subscription:
    """The two forms of a feed URL a person is offered."""

    webcal: str  # opens the calendar app (Apple, Outlook, Thunderbird)
    https: str  # for "add by URL" (Google Calendar)


def subscription(
    public_url: str, kind: FeedKind, key: str = "", language: str | None = None
) -> Subscription:
    return Subscription(
        webcal=feed_url(public_url, kind, key, webcal=True, language=language),
        https=feed_url(public_url, kind, key, language=language),
    )


async def personal_subscription(
    session: AsyncSession, now: datetime, participant_id: int, public_url: str
) -> Subscription:
    """The participant's personal feed URLs (creating the token on first use). The feed
    speaks the participant's language unless ``?lang=`` says otherwise."""
    token = await personal_feed_token(session, now, participant_id)
    return subscription(public_url, FeedKind.PERSONAL, token)


@dataclass(frozen=True, slots=True)
class FeedRequest:
    kind: FeedKind
    key: str = ""  # event or programme slug, personal token; empty for ``all``
    language: str | None = None  # as asked (``?lang=``); unknown values mean English


@dataclass(frozen=True, slots=True)
class _Probe:
    """The cheap answer: which feed, in which language, at which version of its data."""

    cache_key: tuple[Any, ...]
    version: tuple[Any, ...]
    last_modified: datetime | None
    language: Language
    subject_id: int  # event, programme or participant id; 0 for ``all``
    filename: str
    is_private: bool = False


async def get_feed(
    session: AsyncSession, cache: FeedCache, request: FeedRequest, links: Links
) -> RenderedFeed:
    """The feed as ``text/calendar`` bytes, from the cache while its data is unchanged.

    The bot's "Add to calendar" file is the ``event`` feed. Ends the session's read
    transaction (with a commit; nothing is written). Raises ``NotFound`` for an unknown
    or draft event or programme and for an unknown, rotated or erased personal token;
    nothing else about the token is revealed.
    """
    probe = await _probe(session, request)
    # End each read at once: SQLite has a single connection, and neither a request that
    # waits for another's build nor the rendering itself may hold it meanwhile. (A commit,
    # not a rollback: nothing was written, and the caller's objects stay loaded.)
    await session.commit()

    async def build() -> RenderedFeed:
        name, items = await _contents(session, probe)
        await session.commit()
        body, gzipped = await asyncio.to_thread(_render, name, items, probe.language, links)
        return RenderedFeed(
            body=body,
            gzipped=gzipped,
            etag=f'"{hashlib.sha256(body).hexdigest()[:40]}"',
            last_modified=probe.last_modified,
            filename=probe.filename,
            is_private=probe.is_private,
        )

    return await cache.get_or_build(probe.cache_key, probe.version, build)


def _render(
    name: str, items: list[FeedItem], language: Language, links: Links
) -> tuple[bytes, bytes]:
    body = render_calendar(name, items, language, links)
    return body, gzip.compress(body, compresslevel=6, mtime=0)  # mtime=0: same bytes


def _language(asked: str | None, default: str = DEFAULT_LANGUAGE) -> Language:
    return language_from_tag(asked) if asked else language_from_tag(default)


def _in_feeds() -> ColumnElement[bool]:
    return Event.status != PublicationStatus.DRAFT


async def _probe(session: AsyncSession, request: FeedRequest) -> _Probe:
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
        return _Probe(
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
        return _Probe(
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
        return _Probe(
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
    return _Probe(
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


async def _contents(session: AsyncSession, probe: _Probe) -> tuple[str, list[FeedItem]]:
    """The calendar name and the events of a feed, as plain snapshots."""
    kind = probe.cache_key[0]
    in_order = (
        select(Event)
        .where(_in_feeds())
        .order_by(Event.starts_at, Event.id)
        .execution_options(populate_existing=True)  # fresh, whatever the session holds
    )
    if kind is FeedKind.EVENT:
        event = await session.get(Event, probe.subject_id, populate_existing=True)
        assert event is not None  # the probe found it; events are never deleted
        name = pick(event.title, probe.language, event.default_language)
        return name, [FeedItem(EventSnapshot.of(event))]
    if kind is FeedKind.PROGRAMME:
        programme = await session.get(Programme, probe.subject_id, populate_existing=True)
        assert programme is not None  # the probe found it; programmes are never deleted
        found = await session.scalars(in_order.where(Event.programme_id == programme.id))
        name = pick(programme.title, probe.language, programme.default_language)
        return name, [FeedItem(EventSnapshot.of(event)) for event in found]
    if kind is FeedKind.ALL:
        found = await session.scalars(in_order)
        items = [FeedItem(EventSnapshot.of(event)) for event in found]
        return calendar_name(ALL_EVENTS_NAME, probe.language), items
    rows = await session.execute(
        in_order.add_columns(Registration.status)
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.participant_id == probe.subject_id)
    )
    items = [
        FeedItem(EventSnapshot.of(event), attendance)
        for event, status in rows
        if (attendance := Attendance.of(status)) is not None
    ]
    return calendar_name(PERSONAL_NAME, probe.language), items
