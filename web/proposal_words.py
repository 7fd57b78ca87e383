"""A balanced proposal as the Review page says it: its people by name and its balance
against the event's targets, in the same words (and catalogue entries) as the bot."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from events.applicants import Application
from events.proposals import ProposalView
from events.selection import FEMALE, MALE, TargetResult
from events.targets import SelectionTargets
from locales.translator import Translator


@dataclass(frozen=True)
class Person:
    registration_id: int
    name: str
    country: str | None
    gender: str | None


@dataclass(frozen=True)
class TargetLine:
    text: str
    missed_by: int  # seats outside the target's bounds; 0 when it is met
    missed_text: str


def people(keys: Sequence[int], found: Mapping[int, Application]) -> list[Person]:
    """The proposal's registrations in its order; one erased or gone since shows as "—"."""
    listed = []
    for key in keys:
        application = found.get(key)
        if application is None:
            listed.append(Person(key, "—", None, None))
            continue
        registration = application.registration
        name = application.participant.name or "—"
        listed.append(Person(key, name, registration.country, registration.gender))
    return listed


def target_lines(t: Translator, view: ProposalView) -> list[TargetLine]:
    """Each target as the organiser set it, with the counts of the held seats plus the
    proposal's selection, and by how many seats it is missed."""
    targets = SelectionTargets.model_validate(view.proposal.targets)
    found = {result.name: result for result in view.results}
    lines = []
    parity = targets.gender_parity
    if parity is not None and "gender_parity" in found:
        result = found["gender_parity"]
        text = t.gettext(
            "Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})"
        ).format(
            women=result.counts.get(FEMALE, 0),
            men=result.counts.get(MALE, 0),
            undisclosed=result.counts.get("undisclosed", 0),
            tolerance=parity.tolerance,
        )
        lines.append(_line(t, text, result))
    shares = targets.country_shares
    if shares is not None and "country_shares" in found:
        result = found["country_shares"]
        counts = ", ".join(
            f"{t.country(country)} {result.counts.get(country, 0)}/{seats}"
            for country, seats in sorted(shares.seats.items())
        )
        text = t.gettext("Countries (± {tolerance}): {counts}").format(
            tolerance=shares.tolerance, counts=counts
        )
        lines.append(_line(t, text, result))
    for band in targets.age_bands:
        if band.name in found:
            result = found[band.name]
            text = t.gettext("Aged {min_age}–{max_age}: {people} (at most {at_most})").format(
                min_age=band.min_age,
                max_age=band.max_age,
                people=result.counts.get("people", 0),
                at_most=band.at_most,
            )
            lines.append(_line(t, text, result))
    first = targets.first_timers
    if first is not None and "first_timers" in found:
        result = found["first_timers"]
        text = t.gettext("First-timers: {people} (at least {at_least})").format(
            people=result.counts.get("people", 0), at_least=first.at_least
        )
        lines.append(_line(t, text, result))
    return lines


def _line(t: Translator, text: str, result: TargetResult) -> TargetLine:
    missed = (
        t.ngettext("off by {count} seat", "off by {count} seats", result.missed_by).format(
            count=result.missed_by
        )
        if result.missed_by
        else ""
    )
    return TargetLine(text, result.missed_by, missed)
