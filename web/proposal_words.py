"""A balanced proposal as the Review page says it: its people by name and its balance
against the event's targets, in the same words (and catalogue entries) as the bot."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from events.applicants import Application
from events.proposals import ProposalView
from events.targets import SelectionTargets
from locales.target_words import missed_text, target_texts
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
    return [
        TargetLine(text, result.missed_by, missed_text(t, result))
        for text, result in target_texts(t, targets, view.results)
    ]
