"""Dates as each language writes them (#14 items 2 and 3), through Babel."""

from datetime import UTC, datetime

import pytest

from locales.dates import DateWriter, utc_offset
from locales.translator import Catalogues

# Saturday 6 February 2027, 18:00–20:00 in Tbilisi (UTC+4).
START = datetime(2027, 2, 6, 14, 0, tzinfo=UTC)
END = datetime(2027, 2, 6, 16, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2027, 2, 8, 8, 0, tzinfo=UTC)
TBILISI = "Asia/Tbilisi"


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Saturday, 6 February 2027, 18:00–20:00"),  # British, not "February 6"
        ("hy", "2027 թ. փետրվարի 6, շաբաթ, 18:00 – 20:00"),
        ("az", "6 fevral 2027, şənbə, 18:00–20:00"),  # the weekday in lower case
        ("ka", "შაბათი, 6 თებერვალი, 2027, 18:00–20:00"),  # not "06"
        ("ru", "суббота, 6 февраля 2027\u202fг., 18:00—20:00"),
    ],
)
def test_a_same_day_event_says_its_date_once(language: str, written: str) -> None:
    assert DateWriter(language).span(START, END, TBILISI) == written  # type: ignore[arg-type]


def test_days_are_written_alike_in_full_and_long_dates() -> None:
    georgian = DateWriter("ka")
    assert georgian.full_date(START, TBILISI) == "შაბათი, 6 თებერვალი, 2027"
    assert georgian.date(START, TBILISI) == "6 თებერვალი, 2027"


def test_an_event_over_several_days_gives_both_ends() -> None:
    assert DateWriter("en").span(START, NEXT_MONDAY, TBILISI) == (
        "Saturday, 6 February 2027, 18:00\u2009–\u2009Monday, 8 February 2027, 12:00"
    )
    assert DateWriter("az").span(START, NEXT_MONDAY, TBILISI) == (
        "6 fevral 2027, şənbə, 18:00\u2009–\u20098 fevral 2027, bazar ertəsi, 12:00"
    )


def test_azerbaijani_weekdays_are_never_capitalised() -> None:
    writer = DateWriter("az")
    for day in range(7):
        written = writer.full_date(datetime(2027, 2, 1 + day, 12, tzinfo=UTC), TBILISI)
        weekday = written.split(", ", 1)[1]
        assert weekday == weekday.lower(), written  # these names have no I/İ to fold


@pytest.mark.parametrize(
    ("zone", "moment", "offset"),
    [
        (TBILISI, START, "UTC+4"),
        ("Europe/Berlin", datetime(2027, 7, 1, tzinfo=UTC), "UTC+2"),  # summer time
        ("Europe/Berlin", START, "UTC+1"),
        ("Asia/Kolkata", START, "UTC+5:30"),
        ("America/St_Johns", START, "UTC\u22123:30"),
        ("Europe/London", START, "UTC"),
    ],
)
def test_the_offset_is_written_as_people_write_it(
    zone: str, moment: datetime, offset: str
) -> None:
    assert utc_offset(moment, zone) == offset


def test_the_clock_is_named_in_words_in_each_language() -> None:
    catalogues = Catalogues()
    written = {
        language: catalogues.translator(language).when(START, END, TBILISI)
        for language in ("en", "ru", "ka")
    }
    assert written["en"].endswith("(local time, UTC+4)")
    assert written["ru"].endswith("(по местному времени, UTC+4)")
    assert written["ka"].endswith("(ადგილობრივი დროით, UTC+4)")
    assert not any("Asia/" in text for text in written.values())
