"""Domain errors. Transports map them: the bot to a translated reply, the API to problem+json.

Each error has a stable ``code`` that clients and translations key on, and a plain
English ``detail`` for logs and API clients; neither carries personal data.
"""

from typing import ClassVar


class DomainError(Exception):
    """Base of every rule violation a use case reports."""

    code: ClassVar[str] = "domain_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail or self.code


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} does not exist")
        self.what = what
        self.key = key


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    """The request contradicts the current state (e.g. a slug that is taken)."""

    code = "conflict"


class MustRegisterInBot(Conflict):
    """An organiser named a Telegram user who has a profile the organiser cannot see.

    A profile is its person's own: nobody else's registration may change it or reveal
    it, so that person registers themselves in the bot.
    """

    code = "must_register_in_bot"


class InvalidInput(DomainError):
    """A value the schema let through but the rules do not accept."""

    code = "invalid_input"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action."""

    code = "invalid_transition"


class EventNotOpen(DomainError):
    """The event is a draft, completed or otherwise not taking registrations."""

    code = "event_not_open"


class EventCancelled(DomainError):
    code = "event_cancelled"


class RegistrationClosed(DomainError):
    """Outside the registration window, or the event has started."""

    code = "registration_closed"


class NotEligible(DomainError):
    code = "not_eligible"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason  # "age", "country", "birth_year_required", "country_required"


class AlreadyRegistered(DomainError):
    code = "already_registered"

    def __init__(self, registration_id: int, status: str) -> None:
        super().__init__(f"already registered (registration {registration_id}, {status})")
        self.registration_id = registration_id
        self.status = status


class NoSeatAvailable(DomainError):
    """Confirming would break the capacity or a quota."""

    code = "no_seat_available"


class InvalidAnswers(DomainError):
    code = "invalid_answers"

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {why}" for key, why in problems.items()))
        self.problems = problems


class OfferExpired(DomainError):
    code = "offer_expired"


class TicketNotValid(DomainError):
    """Unknown ticket code, or a registration that is not confirmed."""

    code = "ticket_not_valid"


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"


class ParticipantErased(DomainError):
    code = "participant_erased"
