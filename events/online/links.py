"""Who sees a join link, and the link they see: their own redirect, never the real one."""

import secrets

from events.enums import Participation, PublicationStatus, RegistrationStatus
from events.models import Event, Registration

# 32 random bytes: 256 bits, far beyond guessing (the issue asks for at least 128).
_TOKEN_BYTES = 32
JOIN_PATH = "/j/"

# Statuses of a confirmed seat: confirmed, or already there (an earlier visit counted).
_SEATED = frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED})


def new_join_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def holds_online_seat(registration: Registration, event: Event) -> bool:
    """Whether this person may reach the event's join link: a confirmed online seat of an
    event that is not cancelled. Waiting, offered, applied or cancelled people may not."""
    return (
        registration.participation == Participation.ONLINE
        and registration.status in _SEATED
        and registration.join_token is not None
        and event.status != PublicationStatus.CANCELLED
    )


def join_link(public_url: str, registration: Registration, event: Event) -> str | None:
    """The person's own redirect to the event's join link, or None when they may not
    have it or the organisers have not set a link yet."""
    if not holds_online_seat(registration, event) or not event.join_url:
        return None
    return f"{public_url.rstrip('/')}{JOIN_PATH}{registration.join_token}"
