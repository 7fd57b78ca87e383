"""Dates and times as each reader's language writes them, in the event's own time zone.

Babel (CLDR) gives the patterns; three habits of the locale data are corrected here, each
for one language, because a native reader notices them:

- Georgian's full date pads the day ("06 თებერვალი") while its long date does not: the day
  is written the same way in both ("6 თებერვალი").
- Azerbaijani weekday names come capitalised from CLDR, but are common nouns written in
  lower case in a sentence; the date leads, so a line never starts with the weekday.
- Azerbaijani joins date and time with a bare space; a comma, as the other four do, keeps
  "çərşənbə axşamı, 18:00" from reading as one phrase.

English follows British conventions (``en_GB``): the texts are British English.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time

from events.languages import Language

# Babel locale per language: British English; Azerbaijani in Latin script.
LOCALES: Final[Mapping[Language, str]] = {
    "en": "en_GB",
    "hy": "hy",
    "az": "az_Latn",
    "ka": "ka",
    "ru": "ru",
}

# Weekdays as a sentence writes them (Monday first, as ``datetime.weekday``), where CLDR's
# names would be wrong mid-sentence.
_WEEKDAYS: Final[Mapping[Language, tuple[str, ...]]] = {
    "az": (
        "bazar ertəsi",
        "çərşənbə axşamı",
        "çərşənbə",
        "cümə axşamı",
        "cümə",
        "şənbə",
        "bazar",
    ),
}
# Full dates (with the weekday), where the locale's own pattern is not used as it is.
_FULL_DATE: Final[Mapping[Language, str]] = {
    "az": "d MMMM y, {weekday}",
    "ka": "EEEE, d MMMM, y",
}
# How a date and a time join, where it differs from the locale's own pattern.
_DATE_AND_TIME: Final[Mapping[Language, str]] = {"az": "{1}, {0}"}


def _quoted(text: str) -> str:
    """Literal text inside an LDML pattern (weekday names hold no quotes)."""
    return f"'{text}'"


class DateWriter:
    """Formats moments for one language; every method takes the event's IANA zone."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.locale = Locale.parse(LOCALES[language])

    def _local(self, moment: datetime, zone: str) -> datetime:
        return moment.astimezone(ZoneInfo(zone))

    def full_date(self, moment: datetime, zone: str) -> str:
        """The date with its weekday, e.g. "Thursday, 14 January 2027"."""
        local = self._local(moment, zone)
        pattern = _FULL_DATE.get(self.language)
        if pattern is None:
            return format_date(local, "full", locale=self.locale)
        weekdays = _WEEKDAYS.get(self.language)
        weekday = _quoted(weekdays[local.weekday()]) if weekdays else "EEEE"
        return format_date(local, pattern.format(weekday=weekday), locale=self.locale)

    def date(self, moment: datetime, zone: str) -> str:
        """The date without its weekday, e.g. "14 January 2027"."""
        return format_date(self._local(moment, zone), "long", locale=self.locale)

    def day_and_month(self, moment: datetime, zone: str) -> str:
        """The shortest date that tells events apart in a button, e.g. "14 Jan"."""
        return format_skeleton("MMMd", self._local(moment, zone), locale=self.locale)

    def time(self, moment: datetime, zone: str) -> str:
        return format_time(self._local(moment, zone), "short", locale=self.locale)

    def _joined(self, date: str, time: str) -> str:
        pattern = _DATE_AND_TIME.get(self.language) or str(self.locale.datetime_formats["full"])
        return pattern.replace("{1}", date).replace("{0}", time)

    def date_time(self, moment: datetime, zone: str) -> str:
        """E.g. "Thursday, 14 January 2027, 18:00"."""
        return self._joined(self.full_date(moment, zone), self.time(moment, zone))

    def short_date_time(self, moment: datetime, zone: str) -> str:
        """Without the weekday, for lists: e.g. "14 January 2027, 18:00"."""
        return self._joined(self.date(moment, zone), self.time(moment, zone))

    def span(self, start: datetime, end: datetime, zone: str) -> str:
        """From start to end, the date said once for a same-day event (Babel's interval
        format for the times): "Thursday, 14 January 2027, 18:00–20:00"."""
        first, last = self._local(start, zone), self._local(end, zone)
        if first.date() == last.date():
            times = format_interval(first, last, "Hm", tzinfo=first.tzinfo, locale=self.locale)
            return self._joined(self.full_date(start, zone), times)
        fallback = str(self.locale.interval_formats.get(None) or "{0} – {1}")
        return fallback.replace("{0}", self.date_time(start, zone)).replace(
            "{1}", self.date_time(end, zone)
        )


def utc_offset(moment: datetime, zone: str) -> str:
    """The zone's offset from UTC at that moment, as people write it: "UTC+4", "UTC−3:30",
    "UTC"."""
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "UTC"
    sign = "+" if minutes >= 0 else "\u2212"  # a minus sign, not a hyphen
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
