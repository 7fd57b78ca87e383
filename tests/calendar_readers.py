"""Read a feed the way calendar apps would: with three independent parsers, plus the
line checks none of them makes (CRLF endings, folding at 75 octets)."""

from dataclasses import dataclass
from datetime import date, datetime

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

MAX_LINE_OCTETS = 75


@dataclass(frozen=True)
class Feed:
    calendar: icalendar.Calendar  # the icalendar reading, for most assertions
    text: str

    @property
    def events(self) -> list[icalendar.Event]:
        return list(self.calendar.events)

    def event(self, uid: str) -> icalendar.Event:
        (found,) = [event for event in self.events if str(event["UID"]) == uid]
        return found

    def lines(self, name: str) -> list[str]:
        """Unfolded content lines starting with ``name`` (e.g. ``"DTSTART"``)."""
        unfolded = self.text.replace("\r\n ", "").split("\r\n")
        return [line for line in unfolded if line.split(":")[0].split(";")[0] == name]

    def starts_between(self, start: date, end: date) -> list[datetime]:
        """Start times of what recurring-ical-events finds in ``[start, end)``."""
        found = recurring_ical_events.of(self.calendar).between(start, end)
        return sorted(start_of(event) for event in found)


def start_of(event: icalendar.Event) -> datetime:
    start = event.start
    assert isinstance(start, datetime), "every Redbridge event starts at a time"
    return start


def check_lines(body: bytes) -> None:
    assert body.endswith(b"\r\n"), "the last line must end with CRLF"
    for number, line in enumerate(body[:-2].split(b"\r\n"), start=1):
        assert b"\n" not in line, f"line {number}: a bare LF"
        assert b"\r" not in line, f"line {number}: a bare CR"
        assert len(line) <= MAX_LINE_OCTETS, f"line {number} has {len(line)} octets: {line!r}"
        line.decode("utf-8")  # folding never splits a multi-byte character


def read_feed(body: bytes) -> Feed:
    """Parse with icalendar, the strict ``ical`` and ``vobject`` (validating); all three
    must succeed and agree on the events, in order."""
    check_lines(body)
    text = body.decode("utf-8")
    calendar = icalendar.Calendar.from_ical(body)
    assert isinstance(calendar, icalendar.Calendar)
    assert calendar.get_missing_tzids() == set()
    uids = [str(event["UID"]) for event in calendar.events]

    strict = IcsCalendarStream.calendar_from_ics(text)
    assert [event.uid for event in strict.events] == uids
    assert [event.dtstart for event in strict.events] == [event.start for event in calendar.events]

    validated = vobject.readOne(text, validate=True)
    vobject_uids = [event.uid.value for event in getattr(validated, "vevent_list", [])]
    assert vobject_uids == uids
    return Feed(calendar, text)
