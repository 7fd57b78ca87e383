"""Selection targets of an application-mode event: the balance a proposal aims for.

Targets are counted in seats of the selection (confirmed people included), each with a
tolerance, so an organiser reads them as they wrote them ("12 from each country, ± 1").
Quotas (``events.seats``) are hard limits on confirming; targets are what a proposal
(``events.selection``) meets where the applicants make it possible. Each part of a
hybrid event (the room, the stream) has targets of its own, as it has seats of its own.

- ``gender_parity``: women and men each within ``tolerance`` seats of an equal split of
  the two. People who did not state a gender (or said "other") count towards neither;
  since any of them could be a woman or a man, each of them widens the allowed
  difference by one, so choosing not to disclose never costs anyone a seat:
  ``|women - men| <= 2 * tolerance + undisclosed``.
- ``country_shares``: seats per country, each within ± ``tolerance``.
- ``age_bands``: at most ``at_most`` people whose age (in the event's year) is in the band.
- ``first_timers``: at least ``at_least`` people who never took part in an earlier event.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, Self

from pydantic import Field, model_validator

from events.countries import CountryCode
from events.enums import AttendanceMode, Participation
from events.errors import InvalidInput
from events.field_errors import field_error
from events.inputs import Strict
from events.models import Event
from events.seats import limits_of
from events.whole_numbers import Whole

# As large as a capacity may be (events.inputs bounds it far lower in practice).
Seats = Annotated[int, Whole(0, 100_000)]
Age = Annotated[int, Whole(0, 130)]


class GenderParity(Strict):
    tolerance: Seats = 0


class CountryShares(Strict):
    seats: dict[CountryCode, Seats] = Field(min_length=1, max_length=60)
    tolerance: Seats = 0


class AgeBand(Strict):
    rules_not_in_schema = {"max_age": "at least min_age"}

    min_age: Age
    max_age: Age
    at_most: Seats

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_age > self.max_age:
            raise field_error("max_age", "max_age is below min_age")
        return self

    @property
    def name(self) -> str:
        return f"age_band:{self.min_age}-{self.max_age}"


class FirstTimers(Strict):
    at_least: Seats


class SelectionTargets(Strict):
    """What a balanced selection aims for; every part is optional."""

    rules_not_in_schema = {"age_bands": "the bands do not overlap"}

    gender_parity: GenderParity | None = None
    country_shares: CountryShares | None = None
    age_bands: list[AgeBand] = Field(default_factory=list, max_length=12)
    first_timers: FirstTimers | None = None

    @model_validator(mode="after")
    def _bands_apart(self) -> Self:
        bands = sorted(self.age_bands, key=lambda band: band.min_age)
        for before, after in zip(bands, bands[1:], strict=False):
            if after.min_age <= before.max_age:
                raise field_error("age_bands", "age bands must not overlap")
        return self

    def band_of(self, age: int | None) -> int | None:
        """The index of the band an age falls in, or None."""
        if age is None:
            return None
        for index, band in enumerate(self.age_bands):
            if band.min_age <= age <= band.max_age:
                return index
        return None

    @property
    def is_empty(self) -> bool:
        return (
            self.gender_parity is None
            and self.country_shares is None
            and not self.age_bands
            and self.first_timers is None
        )


def targets_of(event: Event, part: str | None = None) -> SelectionTargets:
    """The targets of one part of the event; None (or the only part) is the event's own.

    Like the seats (``events.seats.limits_of``), only the online part of a hybrid event
    has targets of its own.
    """
    if part == Participation.ONLINE and event.attendance_mode == AttendanceMode.HYBRID:
        return SelectionTargets.model_validate(event.online_selection_targets or {})
    return SelectionTargets.model_validate(event.selection_targets or {})


def store_targets(event: Event, part: str, targets: SelectionTargets) -> None:
    """Keep the targets where ``targets_of`` reads them for this part."""
    document = targets.model_dump(mode="json")
    if part == Participation.ONLINE and event.attendance_mode == AttendanceMode.HYBRID:
        event.online_selection_targets = document
    else:
        event.selection_targets = document


@dataclass(frozen=True)
class PartSeats:
    """The seat rules of one part of an event, as ``ensure_fits`` reads them."""

    capacity: int
    eligible_countries: Sequence[Any]
    country_quotas: Mapping[Any, Any]
    gender_quotas: Mapping[Any, Any]

    @classmethod
    def of(cls, event: Event, part: str) -> "PartSeats":
        limits = limits_of(event, part)
        return cls(
            limits.capacity,
            event.eligible_countries,
            limits.country_quotas,
            limits.gender_quotas,
        )


class SeatRules(Protocol):
    """What targets must fit: an event, or the fields an event is about to have."""

    @property
    def capacity(self) -> int: ...
    @property
    def eligible_countries(self) -> Sequence[Any]: ...
    @property
    def country_quotas(self) -> Mapping[Any, Any]: ...
    @property
    def gender_quotas(self) -> Mapping[Any, Any]: ...


def ensure_fits(targets: SelectionTargets, event: SeatRules) -> None:
    """Raise ``InvalidInput`` naming the field of a target no selection of the event's
    capacity could meet, even with every applicant one could wish for."""
    capacity = event.capacity
    shares = targets.country_shares
    if shares is not None:
        lowest = sum(max(0, seats - shares.tolerance) for seats in shares.seats.values())
        if lowest > capacity:
            raise InvalidInput(
                "country_shares.seats",
                f"the country shares need at least {lowest} seats; the capacity is {capacity}",
            )
        welcome = set(event.eligible_countries)
        if welcome and welcome <= set(shares.seats):
            highest = sum(seats + shares.tolerance for seats in shares.seats.values())
            if highest < capacity:
                raise InvalidInput(
                    "country_shares.seats",
                    f"the country shares allow at most {highest} seats of {capacity}",
                )
        for country, seats in shares.seats.items():
            quota = event.country_quotas.get(country)
            if quota is not None and seats - shares.tolerance > quota:
                raise InvalidInput(
                    f"country_shares.seats.{country}",
                    f"{country} needs at least {seats - shares.tolerance} seats "
                    f"but its quota is {quota}",
                )
        if welcome:
            for country in shares.seats:
                if country not in welcome and shares.seats[country] > shares.tolerance:
                    raise InvalidInput(
                        f"country_shares.seats.{country}",
                        f"{country} is not among the event's eligible countries",
                    )
    parity = targets.gender_parity
    if parity is not None:
        for gender in ("female", "male"):
            quota = event.gender_quotas.get(gender)
            # With nobody undisclosed, each of the two needs about half of the seats.
            if quota is not None and quota < capacity // 2 - parity.tolerance:
                raise InvalidInput(
                    "gender_parity.tolerance",
                    f"parity needs about {capacity // 2} seats per gender "
                    f"but the {gender} quota is {quota}",
                )
    if targets.first_timers is not None and targets.first_timers.at_least > capacity:
        raise InvalidInput(
            "first_timers.at_least",
            f"{targets.first_timers.at_least} first-timers do not fit {capacity} seats",
        )
