"""Translated names of statuses, genders and domain refusals.

Each string is written out with ``t.gettext`` so the extractor finds it.
"""

from events import errors
from events.enums import Gender, RegistrationStatus
from locales.translator import Translator


def status_label(t: Translator, status: str) -> str:
    labels = {
        RegistrationStatus.APPLIED: t.gettext("application received"),
        RegistrationStatus.CONFIRMED: t.gettext("confirmed"),
        RegistrationStatus.WAITLISTED: t.gettext("on the waiting list"),
        RegistrationStatus.OFFERED: t.gettext("a seat is offered to you"),
        RegistrationStatus.REJECTED: t.gettext("not selected"),
        RegistrationStatus.CANCELLED: t.gettext("cancelled"),
        RegistrationStatus.ATTENDED: t.gettext("attended"),
        RegistrationStatus.NO_SHOW: t.gettext("did not attend"),
    }
    return labels.get(RegistrationStatus(status), status)


def count_label(t: Translator, status: str) -> str:
    """Statuses as organisers count them in /stats: people, so nouns where a status is
    one ("attendees: 12", not "attended: 12")."""
    labels = {
        RegistrationStatus.APPLIED: t.gettext("applications"),
        RegistrationStatus.CONFIRMED: t.gettext("confirmed"),
        RegistrationStatus.WAITLISTED: t.gettext("waiting list"),
        RegistrationStatus.OFFERED: t.gettext("seats offered"),
        RegistrationStatus.REJECTED: t.gettext("not selected"),
        RegistrationStatus.CANCELLED: t.gettext("cancelled"),
        RegistrationStatus.ATTENDED: t.gettext("attendees"),
        RegistrationStatus.NO_SHOW: t.gettext("no-shows"),
    }
    return labels.get(RegistrationStatus(status), status)


def gender_line(t: Translator, gender: str | None) -> str:
    """The profile's gender line, a whole sentence per value: the value agrees with the
    label in every language, and the English one reads like the buttons ("Female")."""
    lines = {
        Gender.FEMALE: t.gettext("Gender: Female"),
        Gender.MALE: t.gettext("Gender: Male"),
        Gender.OTHER: t.gettext("Gender: Other"),
    }
    return lines[Gender(gender)] if gender else t.gettext("Gender: not stated")


def refusal(t: Translator, error: errors.DomainError) -> str:
    """A polite, translated sentence for a rule the request ran into."""
    if isinstance(error, errors.NotEligible):
        reasons = {
            "age": t.gettext("This event is for another age group."),
            "country": t.gettext("This event is not open to participants from your country."),
            "birth_year_required": t.gettext("This event needs your birth year."),
            "country_required": t.gettext("This event needs your country of residence."),
        }
        return reasons.get(error.reason, t.gettext("You are not eligible for this event."))
    messages: dict[type[errors.DomainError], str] = {
        errors.EventCancelled: t.gettext("This event has been cancelled."),
        errors.EventNotOpen: t.gettext("This event is not open for registration."),
        errors.RegistrationClosed: t.gettext("Registration for this event is closed."),
        errors.AlreadyRegistered: t.gettext("You are already registered for this event."),
        errors.NoSeatAvailable: t.gettext("There is no seat left."),
        errors.OfferExpired: t.gettext("Sorry, this offer has expired."),
        errors.InvalidTransition: t.gettext("This is no longer possible."),
        errors.NotFound: t.gettext("This is no longer available."),
        errors.Forbidden: t.gettext("This is only for the organisers of this programme."),
        errors.TicketNotValid: t.gettext("This ticket is not valid."),
        errors.AlreadyCheckedIn: t.gettext("This ticket has already been checked in."),
        errors.ParticipantErased: t.gettext("Your data was erased. Please start again."),
        errors.InvalidAnswers: t.gettext("Some answers are not valid. Please try again."),
    }
    for cls in type(error).__mro__:
        if cls in messages:
            return messages[cls]
    return t.gettext("Sorry, that did not work. Please try again.")
