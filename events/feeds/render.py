"""Feeds as iCalendar (RFC 5545 / RFC 7986) bytes, rendered from plain snapshots.

Rendering is a pure function of its input: the same events render to the same bytes,
so a feed's ETag changes only when its content does. That is why every value comes
from data: ``UID`` is stored with the event, ``DTSTAMP`` is the event's calendar
revision (``Event.calendar_revised_at``), time zones are added in sorted order, and
the calendar carries no random ``UID`` of its own.

There is no ``METHOD``: a feed is a snapshot of a calendar store (RFC 5545 §3.7.2), not
an iTIP message, and iTIP's ``PUBLISH`` would require an ``ORGANIZER`` address on every
event that Redbridge has no business publishing. So the content type is plain
``text/calendar; charset=utf-8``. Organiser text is escaped by ``icalendar`` itself.
"""

import gzip
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as VEvent

from events.countries import country_name
from events.date_bounds import EARLIEST_UTC, LATEST_UTC
from events.deeplinks import deep_link, event_payload
from events.enums import AttendanceMode, PublicationStatus, RegistrationStatus
from events.languages import Language, pick
from events.models import Event
from events.online.links import JOIN_PATH
from locales import translations

PRODID: Final = "-//Redbridge//Calendar 1.0//EN"
CONTENT_TYPE: Final = "text/calendar; charset=utf-8"
# How often calendar apps should poll (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL for
# Outlook and older Apple clients).
REFRESH_INTERVAL: Final = timedelta(hours=6)

logger = logging.getLogger(__name__)


class Attendance(StrEnum):
    """Where a person stands for an event in their personal feed."""

    CONFIRMED = "confirmed"
    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"

    @classmethod
    def of(cls, status: str) -> "Attendance | None":
        """None for registrations that do not belong in the feed (cancelled, rejected)."""
        return _ATTENDANCE.get(RegistrationStatus(status))


_ATTENDANCE: Final = {
    RegistrationStatus.CONFIRMED: Attendance.CONFIRMED,
    RegistrationStatus.ATTENDED: Attendance.CONFIRMED,
    RegistrationStatus.NO_SHOW: Attendance.CONFIRMED,
    RegistrationStatus.APPLIED: Attendance.APPLIED,
    RegistrationStatus.WAITLISTED: Attendance.WAITLISTED,
    RegistrationStatus.OFFERED: Attendance.OFFERED,
}
# Statuses that put an event in someone's personal feed.
IN_PERSONAL_FEED: Final = frozenset(_ATTENDANCE)


@dataclass(frozen=True, slots=True)
class EventSnapshot:
    """What a calendar shows of an event, detached from the database session."""

    id: int
    slug: str
    uid: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    default_language: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: Mapping[str, str]
    city: Mapping[str, str]
    country: str
    status: str
    sequence: int
    created_at: datetime
    revised_at: datetime
    attendance_mode: str = AttendanceMode.IN_PERSON

    @classmethod
    def of(cls, event: Event) -> "EventSnapshot":
        return cls(
            id=event.id,
            slug=event.slug,
            uid=event.calendar_uid,
            title=dict(event.title),
            description=dict(event.description),
            default_language=event.default_language,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            timezone=event.timezone,
            venue=dict(event.venue),
            city=dict(event.city),
            country=event.country,
            status=event.status,
            sequence=event.sequence,
            created_at=event.created_at,
            revised_at=event.calendar_revised_at,
            attendance_mode=event.attendance_mode,
        )


@dataclass(frozen=True, slots=True)
class FeedItem:
    event: EventSnapshot
    attendance: Attendance | None = None  # only in personal feeds
    # The person's own join redirect token, only in their personal feed and only for a
    # confirmed online seat of an event with a link (``events.online.links``).
    join_token: str | None = None


@dataclass(frozen=True, slots=True)
class Links:
    """Where links in feeds point: the bot's deep link if its username is known, else the
    event in the HTTP API."""

    public_url: str
    bot_username: str | None = None

    def join_url(self, token: str) -> str:
        return f"{self.public_url.rstrip('/')}{JOIN_PATH}{token}"

    def event_url(self, event: EventSnapshot) -> str:
        link = deep_link(self.bot_username, event_payload(event.slug))
        return link or f"{self.public_url.rstrip('/')}/api/v1/events/{event.id}"


# The feeds' own words come from the gettext catalogues, as the bot's do (organiser
# content comes translated with the events).


def all_events_name(language: Language) -> str:
    return translations(language).gettext("Redbridge — all events")


def personal_name(language: Language) -> str:
    return translations(language).gettext("Redbridge — my events")


def _note(attendance: Attendance | None, language: Language) -> str | None:
    """What a personal feed says about an event the person has not got a seat at yet."""
    texts = translations(language)
    notes = {
        Attendance.APPLIED: texts.gettext("Your application is being reviewed."),
        Attendance.WAITLISTED: texts.gettext("You are on the waiting list."),
        Attendance.OFFERED: texts.gettext("A seat is offered to you: accept it in the bot."),
    }
    return notes.get(attendance) if attendance is not None else None


def summary(event: EventSnapshot, language: Language) -> str:
    title = pick(event.title, language, event.default_language)
    if event.status == PublicationStatus.CANCELLED:
        return translations(language).gettext("[Cancelled] {title}").format(title=title)
    return title


def location(event: EventSnapshot, language: Language) -> str:
    """Venue, city and country in the reader's language (each falls back like a title);
    "Online" for an online event, and both for a hybrid one. Never the join link."""
    texts = translations(language)
    if event.attendance_mode == AttendanceMode.ONLINE:
        return texts.gettext("Online")
    venue = pick(event.venue, language, event.default_language)
    city = pick(event.city, language, event.default_language)
    country = country_name(event.country, language)
    place = ", ".join(part for part in (venue, city, country) if part)
    if event.attendance_mode == AttendanceMode.HYBRID:
        return texts.gettext("{place}, and online").format(place=place)
    return place


def _join_note(item: FeedItem, language: Language, links: Links) -> str | None:
    if item.join_token is None:
        return None
    return (
        translations(language)
        .gettext("Your personal link to join online: {link}")
        .format(link=links.join_url(item.join_token))
    )


def _status(item: FeedItem) -> str:
    if item.event.status == PublicationStatus.CANCELLED:
        return "CANCELLED"
    if item.attendance not in (None, Attendance.CONFIRMED):
        return "TENTATIVE"
    return "CONFIRMED"


def _component(item: FeedItem, language: Language, links: Links) -> VEvent:
    event = item.event
    zone = ZoneInfo(event.timezone)
    url = links.event_url(event)
    note = _note(item.attendance, language)
    join = _join_note(item, language, links)
    text = pick(event.description, language, event.default_language)
    component = VEvent()
    component.add("uid", event.uid)
    component.add("dtstamp", event.revised_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.revised_at)
    component.add("sequence", event.sequence)
    component.add("status", _status(item))
    component.add("summary", summary(event, language))
    parts = (note, join, text, url)
    component.add("description", "\n\n".join(part for part in parts if part))
    component.add("location", location(event, language))
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("url", url)
    return component


def render_calendar(
    name: str, items: Iterable[FeedItem], language: Language, links: Links
) -> bytes:
    """A complete ``VCALENDAR`` with one ``VEVENT`` per item (in start order) and one
    ``VTIMEZONE`` per zone used, covering every event it holds."""
    ordered = sorted(items, key=lambda item: (item.event.starts_at, item.event.id))
    components: list[tuple[FeedItem, VEvent]] = []
    for item in ordered:
        component = _renderable(item, language, links)
        if component is not None:
            components.append((item, component))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for zone in _time_zones([item for item, _ in components]):
        calendar.add_component(zone)
    for _, component in components:
        calendar.add_component(component)
    # A safety net: every TZID used has its VTIMEZONE already (added above in sorted order,
    # since add_missing_timezones() follows the iteration order of a set).
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body


def render_compressed(
    name: str, items: Iterable[FeedItem], language: Language, links: Links
) -> tuple[bytes, bytes]:
    """The calendar, and the same bytes gzip-compressed for clients that accept it."""
    body = render_calendar(name, items, language, links)
    return body, gzip.compress(body, compresslevel=6, mtime=0)  # mtime=0: same bytes


def _renderable(item: FeedItem, language: Language, links: Links) -> VEvent | None:
    """The item's VEVENT, or None (logged by id) for a row no input would have made: one
    bad row stored before the dates were bounded must not take the whole feed down."""
    event = item.event
    try:
        if not (EARLIEST_UTC <= event.starts_at < event.ends_at < LATEST_UTC):
            raise ValueError("dates out of range")
        return _component(item, language, links)
    except Exception as error:  # whatever is wrong with it, the rest of the feed stands
        logger.warning("feed leaves out event %d: %s", event.id, type(error).__name__)
        return None


def _time_zones(items: list[FeedItem]) -> list[Timezone]:
    """One VTIMEZONE per zone used, with the transitions of the years the events span
    (every year up to a far event's would make the feed many times larger)."""
    if not items:
        return []
    first = min(item.event.starts_at.astimezone(ZoneInfo(item.event.timezone)) for item in items)
    last = max(item.event.ends_at.astimezone(ZoneInfo(item.event.timezone)) for item in items)
    first_date = date(first.year, 1, 1)
    last_date = date(last.year + 1, 1, 1)
    zones = sorted({item.event.timezone for item in items})
    return [Timezone.from_tzid(zone, first_date=first_date, last_date=last_date) for zone in zones]
