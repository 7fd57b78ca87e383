"""Validated inputs of the series use cases (also the API's request bodies).

A series draft has every field of ``events.inputs.CommonEventFields`` (texts, place,
capacity, eligibility, questions, offers, reminders) plus its rule and times.
"""

from typing import Annotated, Self

from dateutil.relativedelta import relativedelta
from pydantic import Field, StringConstraints, model_validator

from events.field_errors import field_error
from events.inputs import CommonEventFields, EventMoment, Strict
from events.recurrence import PROBE_YEARS, Recurrence, normalise_rule
from events.whole_numbers import Whole
from events.written_dates import Day, WallClock

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
        "attendance_mode",
        "online_capacity",
        "online_country_quotas",
        "online_gender_quotas",
    }
)


class SeriesDraft(CommonEventFields):
    """A recurring event: "every last Thursday of the month at 18:00 Tbilisi time" is
    ``rrule="FREQ=MONTHLY;BYDAY=-1TH"``, ``start_time="18:00"``,
    ``timezone="Asia/Tbilisi"``.

    The rule runs from ``starts_on``, which is an occurrence only if the rule gives that
    date (unlike an iCalendar DTSTART, which always is). ``exceptions`` must be dates the
    rule gives; ``COUNT`` counts before they are taken out.
    """

    rules_not_in_schema = {
        "rrule": "one RFC 5545 RRULE that gives at least one occurrence, and at most a "
        "set number, within horizon_months of the server's current time",
        "exceptions": "dates the rule gives, within its first years",
        "starts_on": "at most 5 years after the server's current time",
    }
    schema_examples = (
        {
            "slug": "monthly-debate",
            "title": {"en": "Monthly debate", "az": "Aylıq debat"},
            "rrule": "FREQ=MONTHLY;BYDAY=-1TH",
            "starts_on": "2027-01-01",
            "start_time": "18:00",
            "duration_minutes": 120,
            "timezone": "Asia/Tbilisi",
            "city": "Tbilisi",
            "country": "GE",
            "capacity": 80,
        },
    )

    slug: SeriesSlug
    rrule: Annotated[str, StringConstraints(max_length=300)]
    starts_on: Day
    start_time: WallClock
    duration_minutes: Annotated[int, Whole(5, 14 * 24 * 60)]
    exceptions: list[Day] = Field(default_factory=list, max_length=366)
    # Occurrences are materialised this far ahead (and kept so by a daily job).
    horizon_months: Annotated[int, Whole(1, 24)] = 12
    # Registration opens this many days before each occurrence (else: at once).
    registration_opens_days_before: Annotated[int, Whole(1, 365)] | None = None

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

    rules_not_in_schema = {
        "starts_at": "at most 5 years after the server's current time",
        "ends_at": "after starts_at, and at most 60 days after it (366 for a multi-week event)",
        "registration_closes_at": "the occurrence's registration closes by its new start",
    }

    starts_at: EventMoment
    ends_at: EventMoment | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise field_error("ends_at", "ends_at must be after starts_at")
        return self
