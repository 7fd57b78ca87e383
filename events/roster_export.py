"""An event's registrations as a CSV file, for the API's export and the dashboard's.

Identifiers and times are written exactly (a changed ticket code no longer checks in);
only what people typed (names, answers) goes through ``spreadsheet_text`` so that a
spreadsheet shows it as text and never runs it as a formula.
"""

import csv
import io
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.models import Participant, Registration
from events.principals import Principal
from events.rosters import RosterFilter, roster, spreadsheet_text

COLUMNS = (
    "id",
    "participant_id",
    "participant_name",
    "status",
    "participation",
    "country",
    "gender",
    "ticket_code",
    "created_at",
    "confirmed_at",
    "checked_in_at",
)


def _moment(value: datetime | None) -> str:
    # As the API writes times in JSON: ISO 8601 in UTC with a "Z".
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _row(registration: Registration, participant: Participant) -> list[str]:
    return [
        str(registration.id),
        str(registration.participant_id),
        spreadsheet_text(participant.name),
        registration.status,
        registration.participation,
        registration.country or "",
        registration.gender or "",
        registration.ticket_code or "",
        _moment(registration.created_at),
        _moment(registration.confirmed_at),
        _moment(registration.checked_in_at),
    ]


async def registrations_csv(
    session: AsyncSession, viewer: Principal, event_id: int, where: RosterFilter
) -> str:
    """The CSV of an event's registrations the viewer manages (``events.rosters.roster``'s
    rows and refusals), one ``answer:<key>`` column per question answered."""
    rows = await roster(session, viewer, event_id, where)
    questions = sorted({key for registration, _ in rows for key in registration.answers})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, *(f"answer:{key}" for key in questions)])
    for registration, participant in rows:
        writer.writerow(
            _row(registration, participant)
            + [spreadsheet_text(registration.answers.get(key)) for key in questions]
        )
    return buffer.getvalue()
