"""Bot deep links (``https://t.me/<bot>?start=<payload>``) for events and programmes.

Payloads are at most 64 characters of ``[A-Za-z0-9_-]``; slugs are at most 60, so a
two-character prefix always fits.
"""

import re
from typing import Literal

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PREFIXES: dict[str, Literal["event", "programme", "ticket"]] = {
    "e-": "event",
    "p-": "programme",
    "t-": "ticket",
}


def event_payload(slug: str) -> str:
    return f"e-{slug}"


def programme_payload(slug: str) -> str:
    return f"p-{slug}"


def ticket_payload(ticket_code: str) -> str:
    return f"t-{ticket_code}"


def parse_payload(payload: str) -> tuple[Literal["event", "programme", "ticket"], str] | None:
    """What a ``/start`` payload points at, or None if it is malformed or unknown."""
    if not PAYLOAD.fullmatch(payload):
        return None
    kind = _PREFIXES.get(payload[:2])
    return (kind, payload[2:]) if kind and len(payload) > 2 else None


def deep_link(bot_username: str | None, payload: str) -> str | None:
    """The t.me link, or None while the bot's username is not known."""
    if not bot_username:
        return None
    return f"https://t.me/{bot_username}?start={payload}"
