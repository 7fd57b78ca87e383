"""Who registered for an event, filtered the way organisers select and export."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.editions import get_event
from events.enums import Gender, RegistrationStatus
from events.models import Participant, Registration
from events.principals import Principal


@dataclass(frozen=True)
class RosterFilter:
    status: RegistrationStatus | None = None
    country: str | None = None
    gender: Gender | None = None


async def roster(
    session: AsyncSession, viewer: Principal, event_id: int, where: RosterFilter
) -> Sequence[tuple[Registration, Participant]]:
    """Registrations of one event the viewer manages, oldest first, with their people."""
    event = await get_event(session, event_id)
    viewer.ensure_manages(event.programme_id)
    query = (
        select(Registration, Participant)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.event_id == event_id)
        .order_by(Registration.created_at, Registration.id)
    )
    if where.status is not None:
        query = query.where(Registration.status == where.status)
    if where.country is not None:
        query = query.where(Registration.country == where.country)
    if where.gender is not None:
        query = query.where(Registration.gender == where.gender)
    rows = await session.execute(query)
    return [(registration, participant) for registration, participant in rows]


# What spreadsheet programs (Excel, LibreOffice, Google Sheets) read as the start of a
# formula when they open a CSV file; full-width forms too, which some convert on input.
_FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_CONTROL_STARTS = frozenset("\t\r")
# A plain signed number is a value, not a formula: "-5" and "+3.5e2" are kept as typed.
_SIGNED_NUMBER = re.compile(r"[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_text(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text, never runs as a formula.

    Only free text people typed (names, answers) goes through here; identifiers the
    system made (ids, ticket codes, statuses, dates) are written as they are, since a
    changed ticket code no longer checks in. A cell that would start a formula (``=``,
    ``+``, ``-``, ``@`` or their full-width forms followed by something other than a plain
    number) or that starts with a tab or carriage return gets a leading ``'``; any other
    text is unchanged.
    """
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula (or hide its start)?"""
    if text[:1] in _CONTROL_STARTS:
        return True
    if text[:1] not in _FORMULA_STARTS or len(text) == 1:
        return False
    return _SIGNED_NUMBER.fullmatch(text) is None
