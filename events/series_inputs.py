"""Validated inputs of the series use cases (also the API's request bodies).

A series draft has every field of ``events.inputs.CommonEventFields`` (texts, place,
capacity, eligibility, questions, offers, reminders) plus its rule and times.
"""

from datetime import date, time
from typing import Annotated, Self

from dateutil.relativedelta import relativedelta
from pydantic import (
    AfterValidator,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

from events.date_bounds import day_in_fixed_years
from events.field_errors import field_error
from events.inputs import CommonEventFields, EventMoment, Strict
from events.recurrence import PROBE_YEARS, Recurrence, normalise_rule

# Occurrences are named ``<series slug>-YYYY-MM-DD``: 11 characters of the 60 go to the date.
SeriesSlug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,47}[a-z0-9])?$", max_length=49),
]

# The fields every occurrence shares, stored as the series template.
TEMPLATE_FIELDS = frozenset(
    {
        "venue",
        "city",
        "country",
        "capacity",
        "mode",
        "min_age",
        "max_age",
        "eligible_countries",
        "country_quotas",
        "gender_quotas",
        "questions",
        "offer_valid_hours",
        "reminder_offsets",
        "registration_opens_days_before",
    }
)


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give the local time without an offset; the zone is `timezone`")
    return value.replace(second=0, microsecond=0)


class SeriesDraft(CommonEventFields):
    """A recurring event: "every last Thursday of the month at 18:00 Tbilisi time" is
    ``rrule="FREQ=MONTHLY;BYDAY=-1TH"``, ``start_time="18:00"``,
    ``timezone="Asia/Tbilisi"``.

    The rule runs from ``starts_on``, which is an occurrence only if the rule gives that
    date (unlike an iCalendar DTSTART, which always is). ``exceptions`` must be dates the
    rule gives; ``COUNT`` counts before they are taken out.
    """

    slug: SeriesSlug
    rrule: Annotated[str, StringConstraints(max_length=300)]
    starts_on: Annotated[date, AfterValidator(day_in_fixed_years)]
    start_time: Annotated[time, AfterValidator(_wall_clock)]
    duration_minutes: StrictInt = Field(ge=5, le=14 * 24 * 60)
    exceptions: list[date] = Field(default_factory=list, max_length=366)
    # Occurrences are materialised this far ahead (and kept so by a daily job).
    horizon_months: StrictInt = Field(default=12, ge=1, le=24)
    # Registration opens this many days before each occurrence (else: at once).
    registration_opens_days_before: StrictInt | None = Field(default=None, ge=1, le=365)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        try:
            self.rrule = normalise_rule(self.rrule, self.starts_on, self.start_time, self.timezone)
        except ValueError as error:
            raise field_error("rrule", str(error)) from error
        recurrence = self.recurrence()
        last_allowed = self.starts_on + relativedelta(years=2 * PROBE_YEARS)
        for day in sorted(set(self.exceptions)):
            if not self.starts_on <= day <= last_allowed or not recurrence.has_rule_date(day):
                raise field_error(
                    "exceptions", f"the rule has no occurrence on {day.isoformat()} to leave out"
                )
        self.exceptions = sorted(set(self.exceptions))
        return self

    def recurrence(self) -> Recurrence:
        return Recurrence(
            rule=self.rrule,
            starts_on=self.starts_on,
            start_time=self.start_time,
            timezone=self.timezone,
            exceptions=frozenset(self.exceptions),
        )


class OccurrenceMove(Strict):
    """A new time for one occurrence; without ``ends_at`` it keeps its length."""

    starts_at: EventMoment
    ends_at: EventMoment | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise field_error("ends_at", "ends_at must be after starts_at")
        return self
