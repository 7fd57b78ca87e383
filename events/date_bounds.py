"""How far from the present, and how long, the dates organisers give may be.

Feeds, reminders and messages turn an event's dates into local times and add days to
them: near year 1 or 9999 that overflows, and a feed's time-zone blocks grow with every
year it spans. So every date is held to fixed years here (pure, in the input models),
and a start to a few years ahead of ``now`` by the use cases, which know the time.
"""

from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from events.errors import InvalidInput

EARLIEST_AT = datetime(2000, 1, 1, tzinfo=UTC)
# A fixed net far beyond what the use cases accept (MAX_YEARS_AHEAD).
LATEST_AT = datetime(2100, 1, 1, tzinfo=UTC)
# Written in any offset (at most a day from UTC), such a date falls within these in UTC.
EARLIEST_UTC = EARLIEST_AT - timedelta(days=1)
LATEST_UTC = LATEST_AT + timedelta(days=1)
MAX_YEARS_AHEAD = 5
# An event ends at most this long after its start; a multi-week one (a summer school
# over a season, a residency) at most a year.
MAX_LENGTH = timedelta(days=60)
MAX_MULTI_WEEK_LENGTH = timedelta(days=366)

_RANGE = f"from {EARLIEST_AT:%Y-%m-%d} to {LATEST_AT - timedelta(days=1):%Y-%m-%d}"


def in_fixed_years(value: datetime) -> datetime:
    """A pydantic validator: ``value`` unless its year, as written (in its own offset), is
    outside the fixed years. The written year is what the API's document can state; a
    few hours either side of the net in UTC overflow nothing."""
    if not EARLIEST_AT.year <= value.year < LATEST_AT.year:
        raise ValueError(f"must be {_RANGE}")
    return value


def day_in_fixed_years(value: date) -> date:
    if not EARLIEST_AT.date() <= value < LATEST_AT.date():
        raise ValueError(f"must be {_RANGE}")
    return value


def latest_start(now: datetime) -> datetime:
    return now + relativedelta(years=MAX_YEARS_AHEAD)


def ensure_within_reach(field: str, starts_at: datetime, now: datetime) -> None:
    """Raise ``InvalidInput(field)`` for a start more than ``MAX_YEARS_AHEAD`` years ahead."""
    if starts_at > latest_start(now):
        raise InvalidInput(field, f"{field} is more than {MAX_YEARS_AHEAD} years ahead")
