"""What the dashboard's Balance page draws: for each part of an event (the room, the
stream), the people holding its seats with what the targets look at, its quotas and its
targets; and the event's counts by status for the funnel."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from events.applicants import load_applications
from events.editions import get_event
from events.enums import SEAT_HOLDING
from events.models import Event
from events.principals import Principal
from events.seats import SeatLimits, limits_of, parts_of
from events.selection import Applicant
from events.statistics import EventStatistics, event_statistics
from events.targets import SelectionTargets, targets_of


@dataclass(frozen=True)
class PartBalance:
    part: str
    people: list[Applicant]  # holding a seat of this part
    limits: SeatLimits
    targets: SelectionTargets


@dataclass(frozen=True)
class EventBalance:
    event: Event
    parts: list[PartBalance]
    statistics: EventStatistics


async def event_balance(session: AsyncSession, viewer: Principal, event_id: int) -> EventBalance:
    """The balance of an event the viewer manages. Raises ``NotFound``, ``Forbidden``."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    parts = parts_of(event)
    balances = []
    for part in parts:
        # An event of one part counts everyone, whatever part their row names.
        applications = await load_applications(
            session, event, SEAT_HOLDING, str(part) if len(parts) > 1 else None
        )
        balances.append(
            PartBalance(
                str(part),
                [application.applicant() for application in applications],
                limits_of(event, part),
                targets_of(event, part),
            )
        )
    return EventBalance(event, balances, await event_statistics(session, viewer, event_id))
