"""Checking a ticket in at the door from the dashboard: typed, pasted or scanned.

What is scanned is what the ticket's QR code holds, the bot link
``https://t.me/<bot>?start=t-<code>``; what is typed is usually the bare code. Both
check in through ``events.registrations.check_in_ticket``; a second scan is answered
with when the person was checked in, which the bare ``AlreadyCheckedIn`` does not say.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.errors import AlreadyCheckedIn, TicketNotValid
from events.models import Event, Participant, Registration
from events.principals import Principal
from events.registrations import check_in_ticket

# A ticket code (``registrations.new_ticket_code``), alone or in the ticket's bot link.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_IN_LINK = re.compile(r"[?&]start=t-([A-Za-z0-9_-]{1,32})(?:&|#|$)")
MAX_INPUT_LENGTH = 300


class DoorOutcome(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"


@dataclass(frozen=True, slots=True)
class DoorResult:
    outcome: DoorOutcome
    event: Event
    name: str
    checked_in_at: datetime


def ticket_code_from(text: str) -> str:
    """The ticket code in what was typed or scanned; ``TicketNotValid`` if there is none."""
    text = text.strip()
    if len(text) > MAX_INPUT_LENGTH:
        raise TicketNotValid("this ticket is not valid")
    found = _IN_LINK.search(text)
    if found:
        return found.group(1)
    text = text.removeprefix("t-")
    if not _CODE.fullmatch(text):
        raise TicketNotValid("this ticket is not valid")
    return text


async def check_in_at_door(
    session: AsyncSession, now: datetime, actor: Principal, scanned: str
) -> DoorResult:
    """Check in the ticket in ``scanned`` (a code or a ticket's link) for the actor.

    A ticket already checked in gives ``DoorOutcome.ALREADY`` with the time it was.
    Raises ``TicketNotValid`` (unknown, not confirmed, malformed), ``EventCancelled``,
    ``Forbidden`` for a ticket of an event that is not the actor's.
    """
    code = ticket_code_from(scanned)
    try:
        registration, event, name = await check_in_ticket(session, now, actor, code)
    except AlreadyCheckedIn:
        await session.rollback()
        row = (
            await session.execute(
                select(Registration, Event, Participant.name)
                .join(Event, Event.id == Registration.event_id)
                .join(Participant, Participant.id == Registration.participant_id)
                .where(Registration.ticket_code == code)
            )
        ).one()
        registration, event, name = row
        actor.ensure_checks_in(event.programme_id)
        return DoorResult(DoorOutcome.ALREADY, event, name, registration.checked_in_at or now)
    return DoorResult(DoorOutcome.CHECKED_IN, event, name, registration.checked_in_at or now)
