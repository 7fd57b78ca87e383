"""Who may take part in an event: age range and countries."""

from zoneinfo import ZoneInfo

from events.errors import NotEligible
from events.models import Event, Participant


def age_in_event_year(event: Event, birth_year: int) -> int:
    """Age reached during the year the event starts, in its own time zone: only the birth
    year is collected."""
    return event.starts_at.astimezone(ZoneInfo(event.timezone)).year - birth_year


def ensure_eligible(event: Event, participant: Participant) -> None:
    """Raise ``NotEligible`` with a reason the transports can translate."""
    if event.min_age is not None or event.max_age is not None:
        if participant.birth_year is None:
            raise NotEligible("birth_year_required", "this event needs a birth year")
        age = age_in_event_year(event, participant.birth_year)
        if event.min_age is not None and age < event.min_age:
            raise NotEligible("age", f"participants must be at least {event.min_age}")
        if event.max_age is not None and age > event.max_age:
            raise NotEligible("age", f"participants must be at most {event.max_age}")
    if event.eligible_countries:
        if participant.country is None:
            raise NotEligible("country_required", "this event needs a country of residence")
        if participant.country not in event.eligible_countries:
            raise NotEligible("country", "this event is not open to your country")


def needs_birth_year(event: Event) -> bool:
    return event.min_age is not None or event.max_age is not None
