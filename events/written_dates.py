"""Dates and times as the API takes them: RFC 3339 text, years 2000 to 2099.

pydantic alone would also read a Unix timestamp, a space for ``T`` or a time without
seconds; the API takes only what its document describes, so each type checks how its
text is written (a ``pattern`` in the document) before pydantic reads the value.
Python callers (the bot, the demo, stored rows) pass ``date``/``time`` objects, which
need no such check.
"""

import re
from collections.abc import Callable
from datetime import date, time
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema

from events.date_bounds import day_in_fixed_years, in_fixed_years
from events.json_schema import Described

# Every real day of 2000–2099, spelled out so that the pattern alone says which text is
# a date (a leap year is one divisible by 4 in these years, 2000 included). Exact, not
# just a shape, so that fuzzers draw valid dates from it instead of filtering for them.
_DAY = (
    r"20[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|20(?:[02468][048]|[13579][26])-02-29"
)
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
MOMENT_PATTERN = rf"^(?:{_DAY})T{_TIME}:[0-5][0-9](?:\.[0-9]{{1,6}})?(?:Z|[+-]{_TIME})$"
DAY_PATTERN = rf"^(?:{_DAY})$"
WALL_CLOCK_PATTERN = rf"^{_TIME}(?::[0-5][0-9](?:\.[0-9]{{1,6}})?)?$"


def _written_like(pattern: str, message: str) -> Callable[[object], object]:
    compiled = re.compile(pattern)

    def check(value: object) -> object:
        if isinstance(value, date | time):
            return value
        if isinstance(value, str) and compiled.fullmatch(value):
            return value
        raise ValueError(message)

    return check


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give the local time without an offset; the zone is `timezone`")
    return value.replace(second=0, microsecond=0)


# A date and time with its offset, in 2000–2099 as written.
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(
        _written_like(
            MOMENT_PATTERN,
            "must be a date and time with its offset from UTC, written like "
            "2027-06-01T18:00:00+04:00 (years 2000 to 2099)",
        )
    ),
    AfterValidator(in_fixed_years),
    Described({"pattern": MOMENT_PATTERN}),
]
# A calendar day in 2000–2099.
Day = Annotated[
    date,
    BeforeValidator(
        _written_like(DAY_PATTERN, "must be a date written like 2027-06-01 (years 2000 to 2099)")
    ),
    AfterValidator(day_in_fixed_years),
    Described({"pattern": DAY_PATTERN}),
]
# A local time of day, to the minute (seconds are dropped); the zone is a field of its own.
# Not ``format: time``, which requires an offset: in answers too (``LocalTime``).
_WALL_CLOCK_SCHEMA = {
    "type": "string",
    "pattern": WALL_CLOCK_PATTERN,
    "description": "Local time HH:MM[:SS] (seconds are dropped), without an offset.",
}
WallClock = Annotated[
    time,
    BeforeValidator(
        _written_like(
            WALL_CLOCK_PATTERN, "must be a local time without an offset, written like 18:30"
        )
    ),
    AfterValidator(_wall_clock),
    WithJsonSchema(_WALL_CLOCK_SCHEMA),
]
LocalTime = Annotated[time, WithJsonSchema(_WALL_CLOCK_SCHEMA)]
