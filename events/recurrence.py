"""Recurrence rules (RFC 5545 RRULE) expanded in an event's own time zone.

A series starts on a local date at a local wall-clock time in an IANA zone; every
occurrence keeps that wall-clock time (18:00 in Tbilisi stays 18:00 whatever the
offset). Exceptions are local dates with no occurrence. As in RFC 5545, ``COUNT``
counts the rule's occurrences before the exceptions are taken out, and ``UNTIL`` is
stored in UTC because the start has a ``TZID``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rruleset, rrulestr

from events.date_bounds import in_fixed_years

FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# The time of day comes from the series, never from the rule.
_FORBIDDEN = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART"})
_KNOWN = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)
MAX_RULE_LENGTH = 300
MAX_COUNT = 1000
MAX_INTERVAL = 1000
PROBE_YEARS = 5
# Largest magnitude of each numeric BY part, and whether it may count from the end (-1).
_RANGES = {
    "BYMONTH": (12, False),
    "BYMONTHDAY": (31, True),
    "BYYEARDAY": (366, True),
    "BYWEEKNO": (53, True),
    "BYSETPOS": (366, True),
}


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A validated rule with its start and exceptions."""

    rule: str  # normalised: FREQ first, UNTIL in UTC
    starts_on: date
    start_time: time
    timezone: str
    exceptions: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_start(self, on: date) -> datetime:
        return datetime.combine(on, self.start_time, tzinfo=self.zone)

    def _rule(self) -> rrule:
        parsed = rrulestr(self.rule, dtstart=self.local_start(self.starts_on))
        assert isinstance(parsed, rrule)  # one RRULE line, never a set
        return parsed

    def _set(self) -> rruleset:
        rules = rruleset()
        rules.rrule(self._rule())
        for day in self.exceptions:
            rules.exdate(self.local_start(day))
        return rules

    def starts_between(self, after: datetime, before: datetime) -> list[datetime]:
        """Local start times of the occurrences in ``[after, before)``, exceptions left out."""
        found = self._set().between(after, before, inc=True)
        return [start for start in found if start < before]

    def has_rule_date(self, on: date) -> bool:
        """Whether the rule itself (exceptions aside) has an occurrence on this date."""
        start = self.local_start(on)
        return bool(self._rule().between(start, start, inc=True))

    def is_finite(self) -> bool:
        return "COUNT=" in self.rule or "UNTIL=" in self.rule


def normalise_rule(text: str, starts_on: date, start_time: time, timezone: str) -> str:
    """Check an RRULE and return it normalised, or raise ``ValueError`` saying why.

    Accepts an optional ``RRULE:`` prefix and any letter case. ``UNTIL`` may be a
    date (the whole local day counts), a local date-time, or a UTC date-time; it is
    stored as UTC, which RFC 5545 requires when the start has a ``TZID``.
    """
    text = text.strip()
    if len(text) > MAX_RULE_LENGTH:
        raise ValueError(f"the rule is longer than {MAX_RULE_LENGTH} characters")
    if any(ch in text for ch in "\r\n"):
        raise ValueError("one RRULE line only (no DTSTART, EXDATE or RDATE lines)")
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    for part in filter(None, text.split(";")):
        name, sep, value = part.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not value:
            raise ValueError(f"{part!r} is not NAME=VALUE")
        if name in _FORBIDDEN:
            raise ValueError(f"{name} is not allowed: the start time is set by the series")
        if name not in _KNOWN:
            raise ValueError(f"{name} is not an RRULE part")
        if name in parts:
            raise ValueError(f"{name} is given twice")
        parts[name] = value
    for name, upper in (("COUNT", MAX_COUNT), ("INTERVAL", MAX_INTERVAL)):
        if name in parts and not (parts[name].isdigit() and 1 <= int(parts[name]) <= upper):
            raise ValueError(f"{name} must be a whole number from 1 to {upper}")
    for name, (highest, signed) in _RANGES.items():
        if name in parts and not all(
            _in_range(item, highest, signed) for item in parts[name].split(",")
        ):
            sign = "±" if signed else ""
            raise ValueError(f"{name} values must be from {sign}1 to {sign}{highest}")
    frequency = parts.get("FREQ")
    if frequency not in FREQUENCIES:
        raise ValueError(f"FREQ must be one of {', '.join(sorted(FREQUENCIES))}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("COUNT and UNTIL cannot both be given")
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_in_utc(parts["UNTIL"], ZoneInfo(timezone))
    rule = ";".join(f"{name}={value}" for name, value in _freq_first(parts.items()))
    start = datetime.combine(starts_on, start_time, tzinfo=ZoneInfo(timezone))
    try:
        parsed = rrulestr(rule, dtstart=start)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError(f"not a valid RRULE: {error}") from error
    if not isinstance(parsed, rrule):  # pragma: no cover - one line parses to one rule
        raise ValueError("not a single RRULE")
    # A rule no date satisfies (BYMONTHDAY=30;BYMONTH=2) finds nothing: dateutil then
    # searches up to year 9999 (under a second); organisers learn of it right away.
    bound = (start + relativedelta(years=PROBE_YEARS)).astimezone(UTC)
    if "UNTIL" in parts:
        bound = min(bound, datetime.strptime(parts["UNTIL"], _UTC_FORMAT).replace(tzinfo=UTC))
    if next(iter(parsed.replace(count=None, until=bound)), None) is None:
        raise ValueError(f"the rule has no occurrence in the {PROBE_YEARS} years after the start")
    return rule


def _in_range(item: str, highest: int, signed: bool) -> bool:
    sign, digits = (item[:1], item[1:]) if item[:1] in ("+", "-") else ("", item)
    if sign == "-" and not signed:
        return False
    return digits.isdigit() and 1 <= int(digits) <= highest


def _freq_first(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    # RFC 5545 allows any order; FREQ first keeps RFC 2445 readers happy.
    return sorted(items, key=lambda item: item[0] != "FREQ")


_END_OF_DAY = time(23, 59, 59)
_UTC_FORMAT = "%Y%m%dT%H%M%SZ"


def _until_in_utc(value: str, zone: ZoneInfo) -> str:
    try:
        if len(value) == 8:  # a date: occurrences on that local day still count
            day = datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 - a date only
            moment = datetime.combine(day, _END_OF_DAY, tzinfo=zone).astimezone(UTC)
        elif value.endswith("Z"):
            moment = datetime.strptime(value, _UTC_FORMAT).replace(tzinfo=UTC)
        else:
            naive = datetime.strptime(value, "%Y%m%dT%H%M%S")  # noqa: DTZ007 - zone added below
            moment = naive.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"UNTIL={value} is not a date or date-time") from error
    try:
        in_fixed_years(moment)
    except ValueError as error:
        raise ValueError(f"UNTIL={value} {error}") from error
    return moment.strftime(_UTC_FORMAT)
