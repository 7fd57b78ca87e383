"""Check-in at the door from the dashboard: codes and ticket links, a second scan."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.door import DoorOutcome, check_in_at_door, ticket_code_from
from events.enums import Role
from events.errors import Forbidden, TicketNotValid
from events.inputs import ParticipantDetails
from events.principals import Principal
from events.registrations import sign_up
from tests.factories import create_event, create_programme

CODES = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=32
)


@given(CODES)
def test_a_code_is_found_typed_or_in_its_ticket_link(code: str) -> None:
    assert ticket_code_from(f"  {code} ") == code
    assert ticket_code_from(f"t-{code}") == code or code.startswith("t-")
    assert ticket_code_from(f"https://t.me/redbridge_bot?start=t-{code}") == code


@pytest.mark.parametrize("text", ["", "   ", "a b", "<script>", "x" * 301, "?start=e-slug"])
def test_anything_else_is_no_ticket(text: str) -> None:
    with pytest.raises(TicketNotValid):
        ticket_code_from(text)


async def test_a_second_scan_says_when_the_first_was(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now, "door")
    await create_programme(session, now, "elsewhere")
    event = await create_event(session, now, "door")
    details = ParticipantDetails(name="Nino <b>", telegram_user_id=880_101)
    registration = await sign_up(session, now, details, event.id)
    code = registration.ticket_code
    assert code is not None
    outsider = Principal(actor="token:99", role=Role.ORGANISER, programme_ids=frozenset({999}))
    with pytest.raises(Forbidden):
        await check_in_at_door(session, now, outsider, code)
    first = await check_in_at_door(session, now, SYSTEM, f"https://t.me/b?start=t-{code}")
    assert (first.outcome, first.name, first.checked_in_at) == (
        DoorOutcome.CHECKED_IN,
        "Nino <b>",
        now,
    )
    later = now + timedelta(minutes=5)
    second = await check_in_at_door(session, later, SYSTEM, code)
    assert (second.outcome, second.checked_in_at) == (DoorOutcome.ALREADY, now)
    with pytest.raises(Forbidden):
        await check_in_at_door(session, later, outsider, code)
    with pytest.raises(TicketNotValid):
        await check_in_at_door(session, later, SYSTEM, "unknown-code")
